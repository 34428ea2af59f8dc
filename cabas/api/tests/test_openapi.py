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


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_it_documents_every_status_an_operation_can_answer(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    for name, operation in operations(schema):
        statuses = set(operation["responses"])
        assert "500" in statuses, name  # an unexpected error, answered in JSON
        checked = [p for p in operation.get("parameters", []) if set(p["schema"]) - {"type", "title"}]
        if checked or "requestBody" in operation:  # what pydantic checks can be refused
            assert "422" in statuses, name
        if "requestBody" in operation:
            assert "400" in statuses, name  # a body that is not JSON
        if operation.get("security"):
            assert "401" in statuses, name
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in {"ErrorOut", "ValidationErrorOut", "StockErrorOut"}, name
    assert set(dict(operations(schema))["GET /api/v1/enterprises"]["responses"]) == {"200", "422", "500"}


def test_it_types_amounts_and_quantities_as_decimal_strings(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    def field(schema, name):
        value = schemas[schema]["properties"][name]
        return next((v for v in value.get("anyOf", []) if v.get("type") != "null"), value)

    for schema, name in [
        ("VariantIn", "price"),
        ("VariantIn", "quantity"),
        ("VariantIn", "tax_rate"),
        ("VariantPatch", "price"),
        ("PaymentIn", "amount"),
        ("VariantOut", "price"),
        ("VariantOut", "quantity"),
        ("VariantOut", "tax_rate"),
        ("OrderOut", "total"),
        ("LineOut", "unit_price"),
        ("BreakdownOut", "vat"),
        ("PaymentOut", "amount"),
        ("AccountOut", "balance"),
    ]:
        value = field(schema, name)
        assert value["type"] == "string", (schema, name)
        assert value["pattern"].startswith("^") and value["pattern"].endswith("$"), (schema, name)
    numbers = {
        (schema, name)
        for schema, body in schemas.items()
        for name, value in body.get("properties", {}).items()
        if "number" in {value.get("type"), *(v.get("type") for v in value.get("anyOf", []))}
    }
    # Coordinates and distances are measures, not amounts: JSON numbers.
    assert numbers <= {(s, n) for s in schemas for n in ("lat", "lon", "distance_km", "km")}
