import re

from django.urls import reverse


def test_it_publishes_the_openapi_schema_with_every_path(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Cabas API"
    assert {"/api/v1/me", "/api/v1/enterprises", "/api/v1/enterprises/{slug}"} <= set(schema["paths"])
    assert "Authentification" in schema["info"]["description"]
    assert schema["paths"]["/api/v1/enterprises"]["get"]["summary"] == "Annuaire des structures"


def test_it_describes_the_bearer_token_scheme(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_it_serves_the_docs_page_with_local_files_only(client, db):
    response = client.get(reverse("api-1.0.0:openapi-view"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(url.startswith("/static/") for url in urls), urls
    assert "<script>" not in html  # no inline script: the strict CSP would block it


def test_it_keeps_the_docs_page_under_the_strict_csp(client, db):
    response = client.get("/api/v1/docs")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp + ";"
    assert "unsafe-eval" not in csp
