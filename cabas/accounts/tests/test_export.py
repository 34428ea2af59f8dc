import json

import pytest
from django.utils import timezone

from cabas.accounts import registry, services
from cabas.enterprises.models import Invitation
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def download(client):
    response = client.get("/accounts/profile/export/")
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_it_downloads_my_data_as_a_dated_json_file(client_for, customer):
    response, data = download(client_for(customer))

    assert response["Content-Type"] == "application/json"
    filename = f"cabas-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "no-store"
    assert data["account"]["email"] == "customer@exemple.fr"
    assert data["account"]["full_name"] == customer.full_name
    assert data["account"]["language"] == "fr"
    assert data["account"]["date_joined"].startswith(str(customer.date_joined.year))


def test_it_includes_my_roles_tokens_and_invitations_but_never_a_hash(client_for, owner, enterprise):
    token, raw = services.api_token_create(user=owner, name="Tableur")
    other = EnterpriseFactory(name="AMAP des Pentes", slug="amap-des-pentes")
    Invitation.objects.create(enterprise=other, email="OWNER@exemple.fr", role="volunteer", token="t1")
    Invitation.objects.create(
        enterprise=other, email="someone@exemple.fr", role="manager", token="t2"
    )  # not mine
    accepted = EnterpriseFactory(slug="deja-acceptee")
    Invitation.objects.create(
        enterprise=accepted, email=owner.email, role="manager", token="t3", accepted_at=timezone.now()
    )

    response, data = download(client_for(owner))

    assert data["roles"] == [
        {
            "enterprise_slug": "ferme-des-collines",
            "enterprise_name": "Ferme des Collines",
            "role": "owner",
            "since": data["roles"][0]["since"],
        }
    ]
    assert data["api_tokens"][0]["name"] == "Tableur"
    assert data["api_tokens"][0]["prefix"] == token.prefix
    assert set(data["api_tokens"][0]) == {"name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert data["pending_invitations"] == [
        {
            "enterprise_slug": "amap-des-pentes",
            "enterprise_name": "AMAP des Pentes",
            "role": "volunteer",
            "sent_at": data["pending_invitations"][0]["sent_at"],
        }
    ]
    body = response.content.decode()
    assert token.key_hash not in body
    assert raw not in body
    assert "password" not in body


def test_it_exports_only_my_own_data(client_for, customer):
    someone = UserFactory(email="quelqu-un@exemple.fr", phone="0612345678")

    response, _data = download(client_for(customer))

    assert someone.email not in response.content.decode()


def test_it_includes_sections_registered_by_other_apps(client_for, customer, monkeypatch):
    monkeypatch.setattr(registry, "PERSONAL_DATA_SECTIONS", list(registry.PERSONAL_DATA_SECTIONS))
    registry.personal_data_section("orders")(lambda user: [{"number": "A-1", "buyer": user.email}])

    _response, data = download(client_for(customer))

    assert data["orders"] == [{"number": "A-1", "buyer": "customer@exemple.fr"}]


def test_it_refuses_two_sections_with_the_same_key(monkeypatch):
    monkeypatch.setattr(registry, "PERSONAL_DATA_SECTIONS", list(registry.PERSONAL_DATA_SECTIONS))

    with pytest.raises(ValueError):
        registry.personal_data_section("roles")(lambda user: [])


def test_it_asks_to_log_in_first(client, db):
    assert client.get("/accounts/profile/export/")["Location"].startswith("/accounts/login/")
