"""Hooks of cabas.accounts.registry, exercised without any higher app's code."""

import pytest

from cabas.accounts import registry, services
from cabas.accounts.exceptions import AccountError
from cabas.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class KeepsAccountOpen(AccountError):
    pass


def delete(client):
    return client.post("/accounts/profile/delete/", {"password": PASSWORD}, follow=True)


def test_it_refuses_the_deletion_a_registered_check_refuses(client_for, customer, monkeypatch):
    erased = []
    monkeypatch.setattr(registry, "DELETION_CHECKS", [])
    monkeypatch.setattr(registry, "PERSONAL_DATA_ERASERS", [lambda user: erased.append(user.pk)])
    registry.register_deletion_check(
        lambda user: (_ for _ in ()).throw(KeepsAccountOpen("Une commande est en cours."))
    )

    response = delete(client_for(customer))

    assert response.status_code == 200
    assert "Une commande est en cours." in response.content.decode()
    assert User.objects.get(pk=customer.pk).deleted_at is None
    assert erased == []  # checks run before any eraser


def test_it_deletes_when_no_check_refuses(customer, monkeypatch):
    seen = []
    monkeypatch.setattr(registry, "DELETION_CHECKS", [seen.append])

    services.user_delete(user=customer)

    assert seen == [customer]
    assert User.objects.get(pk=customer.pk).deleted_at is not None


def test_it_adds_registered_context_to_the_profile_and_deletion_pages(client_for, customer, monkeypatch):
    monkeypatch.setattr(registry, "PROFILE_CONTEXT", [lambda user: {"roles": []}])
    monkeypatch.setattr(registry, "DELETE_PAGE_CONTEXT", [lambda user: {"sole_enterprises": []}])
    client = client_for(customer)

    assert client.get("/accounts/profile/").context["roles"] == []
    assert client.get("/accounts/profile/delete/").context["sole_enterprises"] == []
