import pytest
from django.core import mail
from django.test import override_settings

from cabas.accounts.tests.conftest import link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-nouveau-potager-2025"


def ask_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def choose_password(client, message, password=NEW_PASSWORD, confirm=None):
    # Django swaps the token for a session value and redirects to .../set-password/.
    response = client.get(link_in(message, "/accounts/password/reset/"), follow=True)
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": confirm or password})


@override_settings(SITE_URL="https://cabas.example")
def test_it_emails_a_french_reset_link_built_from_site_url(client, customer):
    response = ask_reset(client, "Customer@Exemple.fr")

    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert message.subject == "Choisissez un nouveau mot de passe pour Cabas"
    assert "https://cabas.example/accounts/password/reset/" in message.body
    assert "Choisir un nouveau mot de passe" in message.alternatives[0][0]


def test_it_sets_the_new_password_from_the_link(client, customer):
    ask_reset(client, customer.email)

    response = choose_password(client, mail.outbox[0])

    assert response["Location"] == "/accounts/password/reset/complete/"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert client.get("/accounts/password/reset/complete/").status_code == 200


def test_it_refuses_a_weak_new_password_and_keeps_the_old_one(client, customer):
    ask_reset(client, customer.email)

    response = choose_password(client, mail.outbox[0], password="123")

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_it_refuses_a_link_used_twice(client, customer):
    ask_reset(client, customer.email)
    link = link_in(mail.outbox[0], "/accounts/password/reset/")
    choose_password(client, mail.outbox[0])

    response = client.get(link, follow=True)

    assert "Ce lien n'est plus valable" in response.content.decode()


def test_it_does_not_reveal_unknown_addresses(client, db):
    response = ask_reset(client, "inconnu@exemple.fr")

    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_it_confirms_the_address_of_an_unconfirmed_account(client):
    user = UserFactory(email_confirmed_at=None)
    ask_reset(client, user.email)

    choose_password(client, mail.outbox[0])

    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert client.login(email=user.email, password=NEW_PASSWORD)


def test_it_changes_the_password_of_a_logged_in_user(client_for, customer):
    client = client_for(customer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "Votre mot de passe est modifié." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert "_auth_user_id" in client.session  # still logged in on this device


def test_it_refuses_a_change_with_the_wrong_old_password(client_for, customer):
    response = client_for(customer).post(
        "/accounts/password/change/",
        {"old_password": "pas-le-bon", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_it_asks_to_log_in_before_changing_the_password(client, db):
    response = client.get("/accounts/password/change/")

    assert response["Location"].startswith("/accounts/login/?next=")
