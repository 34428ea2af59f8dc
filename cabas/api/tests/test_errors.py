"""Every answer of the API is JSON with a French `detail`, whatever went wrong: an unparsable
body, an unknown path or method, an unexpected exception."""

import logging

import pytest

from cabas.api.routers import enterprises as enterprises_router
from cabas.orders.models import Customer
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import RoleFactory


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

    monkeypatch.setattr(enterprises_router, "enterprise_search", broken)

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
    monkeypatch.setattr(enterprises_router, "enterprise_search", lambda **kwargs: 1 / 0)

    response = client.get("/api/v1/enterprises")

    assert response.status_code == 500
    assert response.json()["detail"].startswith("Erreur interne du serveur")
