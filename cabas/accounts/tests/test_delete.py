import pytest
from django.core import mail

from cabas.accounts import registry, services
from cabas.accounts.models import ApiToken, User
from cabas.enterprises.models import Invitation, Role
from tests.factories import PASSWORD, EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def delete(client, password=PASSWORD):
    return client.post("/accounts/profile/delete/", {"password": password}, follow=True)


def test_it_erases_personal_data_keeps_the_row_and_logs_out(client_for, owner, manager, enterprise):
    manager.phone = "06 11 22 33 44"
    manager.save()
    services.api_token_create(user=manager, name="Script")
    Invitation.objects.create(
        enterprise=EnterpriseFactory(), email=manager.email, role="volunteer", token="pending"
    )
    client = client_for(manager)

    response = delete(client)

    assert response.redirect_chain[-1][0] == "/"
    assert "Votre compte a été supprimé." in response.content.decode()
    assert "_auth_user_id" not in client.session
    user = User.objects.get(pk=manager.pk)  # the row stays: sales records point to it
    assert user.email.startswith("supprime-")
    assert user.email.endswith("@invalid.cabas")
    assert (user.full_name, user.phone) == ("", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.deleted_at is not None
    assert not Role.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Invitation.objects.filter(email__iexact="manager@exemple.fr").exists()
    assert Role.objects.filter(enterprise=enterprise, role="owner").exists()  # others untouched


def test_it_lets_nobody_log_in_or_reset_the_password_afterwards(client_for, client, manager):
    delete(client_for(manager))

    assert not client.login(email="manager@exemple.fr", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "manager@exemple.fr"})
    assert mail.outbox == []


def test_it_frees_the_address_for_a_new_account(
    client_for, client, manager, django_capture_on_commit_callbacks
):
    delete(client_for(manager))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "manager@exemple.fr",
                "full_name": "Nouvelle Vie",
                "password1": "des-radis-et-du-cresson",
                "password2": "des-radis-et-du-cresson",
                "consent": "on",
            },
        )

    assert response.status_code == 302
    assert User.objects.filter(email="manager@exemple.fr").count() == 1


def test_it_refuses_the_wrong_password_and_changes_nothing(client_for, manager):
    client = client_for(manager)

    response = delete(client, password="pas-le-bon")

    assert "Mot de passe incorrect." in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active and manager.email == "manager@exemple.fr"
    assert Role.objects.filter(user=manager).exists()
    assert "_auth_user_id" in client.session


def test_it_refuses_the_last_owner_and_names_the_enterprises(client_for, owner, enterprise):
    RoleFactory(user=owner, enterprise=EnterpriseFactory(name="Rucher du Pilat"), role="owner")
    shared = EnterpriseFactory(name="Magasin partagé")
    RoleFactory(user=owner, enterprise=shared, role="owner")
    RoleFactory(enterprise=shared, role="owner")  # a co-owner: owner may leave this one
    client = client_for(owner)

    page_before = client.get("/accounts/profile/delete/").content.decode()
    response = delete(client)

    assert 'href="/manage/ferme-des-collines/"' in page_before
    page = response.content.decode()
    assert "Vous êtes le seul responsable des structures Ferme des Collines, Rucher du Pilat." in page
    assert "Magasin partagé" not in page
    owner.refresh_from_db()
    assert owner.is_active and owner.email == "owner@exemple.fr"
    assert Role.objects.filter(user=owner).count() == 3
    assert "_auth_user_id" in client.session


def test_it_lets_an_owner_leave_once_another_owner_exists(client_for, owner, enterprise, manager):
    Role.objects.filter(user=manager).update(role="owner")

    response = delete(client_for(owner))

    assert "Votre compte a été supprimé." in response.content.decode()
    assert list(Role.objects.filter(enterprise=enterprise).values_list("user", flat=True)) == [manager.pk]


def test_it_runs_the_erasers_of_other_apps(client_for, customer, monkeypatch):
    erased = []
    monkeypatch.setattr(
        registry,
        "PERSONAL_DATA_ERASERS",
        [*registry.PERSONAL_DATA_ERASERS, lambda user: erased.append(user.email)],
    )

    delete(client_for(customer))

    assert erased == ["customer@exemple.fr"]


def test_it_asks_to_log_in_first(client, db):
    assert client.get("/accounts/profile/delete/")["Location"].startswith("/accounts/login/")
