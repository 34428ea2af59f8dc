"""Every answer of the API is JSON with a French `detail`, whatever went wrong: bounded pagination,
an unparsable body, an unknown path or method, an unexpected exception."""

import json
import logging

import pytest

from cabas.api.routers import enterprises as enterprises_router
from cabas.orders.models import Customer
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import RoleFactory

HUGE = "9223372036854775808"


@pytest.fixture
def shop(db):
    data = open_shop()
    data.owner = RoleFactory(enterprise=data.shop, role="owner", user__email="gerant@exemple.fr").user
    data.customer = Customer.objects.create(
        enterprise=data.shop, email="claire@exemple.fr", first_name="Claire"
    )
    return data


def bearer(user):
    from cabas.accounts.models import ApiToken

    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def list_urls(shop):
    slug = shop.shop.slug
    return [
        "/api/v1/enterprises",
        f"/api/v1/enterprises/{slug}/products",
        f"/api/v1/enterprises/{slug}/mandates",
        f"/api/v1/enterprises/{slug}/customers/{shop.customer.uuid}/account",
        f"/api/v1/shops/{slug}/cycles/{shop.cycle.uuid}/products",
    ]


@pytest.mark.parametrize("offset", [HUGE, "1000001", "-1"])
def test_it_bounds_the_offset_of_every_list(client, shop, offset):
    headers = bearer(shop.owner)
    for url in list_urls(shop):
        response = client.get(url, {"offset": offset}, **headers)

        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert body["detail"] == "Paramètres invalides : offset."
        assert [e["field"] for e in body["errors"]] == ["offset"]


@pytest.mark.parametrize("limit", ["0", "201", HUGE, "١٢", "1_0", " 5", "5.0"])
def test_it_bounds_the_limit_of_every_list_to_ascii_digits(client, shop, limit):
    headers = bearer(shop.owner)
    for url in list_urls(shop):
        response = client.get(url, {"limit": limit}, **headers)

        assert response.status_code == 422, url
        assert [e["field"] for e in response.json()["errors"]] == ["limit"]


def test_it_still_pages_within_the_bounds(client, shop):
    headers = bearer(shop.owner)
    for url in list_urls(shop):
        response = client.get(url, {"limit": "200", "offset": "1000000"}, **headers)

        assert response.status_code == 200, url


@pytest.mark.parametrize("body", ["{", "not json", '{"name": "x"', "\xff"])
def test_it_answers_an_unparsable_body_with_json_in_french(client, shop, body):
    response = client.post(
        f"/api/v1/enterprises/{shop.shop.slug}/products",
        body.encode("latin-1"),
        content_type="application/json",
        **bearer(shop.owner),
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Le corps de la requête n'est pas un JSON valide."}


def test_it_answers_an_unknown_api_path_with_json(client, db):
    for url in ("/api/v1/nothing-here", "/api/v1/enterprises/a/b/c", "/api/v1/"):
        response = client.get(url)

        assert response.status_code == 404, url
        assert response.json() == {"detail": "Ressource introuvable."}


def test_it_answers_an_unsupported_method_with_json_and_the_allowed_ones(client, db):
    response = client.delete("/api/v1/enterprises")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "Méthode non autorisée : GET seulement."}


def test_it_answers_an_unexpected_error_with_json_500_and_logs_it(client, db, settings, monkeypatch, caplog):
    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("the directory is on fire")

    monkeypatch.setattr(enterprises_router, "enterprise_directory", broken)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/enterprises")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "detail": "Erreur interne du serveur : l'incident est enregistré ; réessayez plus tard."
    }
    assert "the directory is on fire" not in response.content.decode()
    [record] = [r for r in caplog.records if r.exc_info]
    assert "RuntimeError" in record.exc_text or record.exc_info[0] is RuntimeError


def test_it_answers_an_unexpected_error_with_json_also_in_debug(client, db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(enterprises_router, "enterprise_directory", lambda **kwargs: 1 / 0)

    response = client.get("/api/v1/enterprises")

    assert response.status_code == 500
    assert response.json()["detail"].startswith("Erreur interne du serveur")


@pytest.mark.parametrize("body", [[{"": None}, {"": None}], [], "nom", 3, None, True])
def test_it_refuses_a_json_body_that_is_not_an_object(client, shop, body):
    product = shop.variants[0].product
    updated_at = product.updated_at
    headers = bearer(shop.owner)

    patched = client.patch(
        f"/api/v1/products/{product.uuid}", json.dumps(body), content_type="application/json", **headers
    )
    created = client.post(
        f"/api/v1/enterprises/{shop.shop.slug}/products",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )

    for response in (patched, created):
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] in {
            "Un objet JSON est attendu.",
            "Ce champ est obligatoire.",
        }
    assert patched.json()["errors"][0]["message"] == "Un objet JSON est attendu."
    product.refresh_from_db()
    assert product.updated_at == updated_at
