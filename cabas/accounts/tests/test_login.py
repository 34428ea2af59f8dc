import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

THROTTLED = "Trop de tentatives de connexion. Réessayez dans 15 minutes."


def log_in(client, email, password, ip="203.0.113.7", **extra):
    return client.post("/accounts/login/", {"email": email, "password": password, **extra}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_customer_logs_in_with_the_email_in_any_case_and_lands_on_my_orders(client, customer):
    response = log_in(client, "CUSTOMER@exemple.fr", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/my/orders/"
    assert int(client.session["_auth_user_id"]) == customer.pk


def test_a_member_of_an_enterprise_lands_on_my_enterprises(client, volunteer):
    assert log_in(client, volunteer.email, PASSWORD)["Location"] == "/manage/"


def test_nobody_lands_on_create_my_enterprise(client, customer):
    landing = client.get(log_in(client, customer.email, PASSWORD)["Location"])

    assert landing.status_code == 200
    assert "Créer ma structure" not in landing.content.decode()


def test_a_logged_in_visitor_of_the_login_page_goes_to_their_landing(client, customer, volunteer):
    client.force_login(customer)
    assert client.get("/accounts/login/")["Location"] == "/my/orders/"
    client.force_login(volunteer)
    assert client.get("/accounts/login/")["Location"] == "/manage/"


def test_it_goes_to_a_safe_next_only(client, customer):
    assert (
        log_in(client, customer.email, PASSWORD, next="/invitations/abc/")["Location"] == "/invitations/abc/"
    )
    client.logout()
    assert (
        log_in(client, customer.email, PASSWORD, next="https://pirate.example/")["Location"] == "/my/orders/"
    )
    client.logout()
    assert log_in(client, customer.email, PASSWORD, next="//pirate.example/x")["Location"] == "/my/orders/"


def test_it_switches_the_interface_to_my_language(client):
    user = UserFactory(language="en")

    response = log_in(client, user.email, PASSWORD)

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_it_refuses_a_wrong_password_in_french(client, customer):
    response = log_in(client, customer.email, "pas-le-bon")

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert not logged_in(client)


def test_it_answers_an_unknown_address_like_a_wrong_password(client, db):
    response = log_in(client, "personne@exemple.fr", PASSWORD)

    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_it_asks_an_unconfirmed_user_to_confirm_with_a_resend_link(client):
    user = UserFactory(email="pas-confirme@exemple.fr", email_confirmed_at=None)

    response = log_in(client, user.email, PASSWORD, next="/invitations/abc/")

    page = response.content.decode()
    assert "n&#x27;est pas encore confirmée" in page
    assert (
        "/accounts/confirm/resend/?next=%2Finvitations%2Fabc%2F&amp;email=pas-confirme%40exemple.fr" in page
    )
    assert not logged_in(client)


def test_it_does_not_reveal_an_unconfirmed_account_without_the_right_password(client):
    user = UserFactory(email_confirmed_at=None)

    page = log_in(client, user.email, "pas-le-bon").content.decode()

    assert "pas encore confirmée" not in page
    assert "Adresse e-mail ou mot de passe incorrect." in page


def test_it_refuses_a_deactivated_account(client):
    user = UserFactory(is_active=False)

    page = log_in(client, user.email, PASSWORD).content.decode()

    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert not logged_in(client)


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3, LOGIN_FAILURES_PER_IP=100)
def test_it_blocks_an_account_after_too_many_failures_even_with_the_right_password(client, customer):
    for _ in range(2):
        assert THROTTLED not in log_in(client, customer.email, "mauvais").content.decode()
    assert THROTTLED in log_in(client, customer.email, "mauvais").content.decode()

    # From another address, with the right password: still refused.
    response = log_in(client, customer.email, PASSWORD, ip="198.51.100.9")

    assert THROTTLED in response.content.decode()
    assert not logged_in(client)
    # Other accounts are not affected.
    other = UserFactory()
    assert log_in(client, other.email, PASSWORD, ip="198.51.100.9").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=100, LOGIN_FAILURES_PER_IP=3)
def test_it_blocks_an_address_trying_many_accounts(client, customer):
    for n in range(3):
        log_in(client, f"inconnu{n}@exemple.fr", "mauvais")

    response = log_in(client, customer.email, PASSWORD)

    assert THROTTLED in response.content.decode()
    assert not logged_in(client)
    assert log_in(client, customer.email, PASSWORD, ip="198.51.100.9").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=2, LOGIN_FAILURE_WINDOW=120)
def test_it_says_how_long_to_wait_from_the_window(client, customer):
    log_in(client, customer.email, "mauvais")

    page = log_in(client, customer.email, "mauvais").content.decode()

    assert "Trop de tentatives de connexion. Réessayez dans 2 minutes." in page


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3, LOGIN_FAILURES_PER_IP=100)
def test_it_forgets_the_account_failures_after_a_success(client, customer):
    for _ in range(2):
        log_in(client, customer.email, "mauvais")
    assert log_in(client, customer.email, PASSWORD).status_code == 302
    client.logout()

    for _ in range(2):
        log_in(client, customer.email, "mauvais")

    assert log_in(client, customer.email, PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=2, LOGIN_FAILURE_WINDOW=1)
def test_it_lets_the_account_in_again_when_the_window_ends(client, customer, monkeypatch):
    from django.core.cache.backends import locmem

    log_in(client, customer.email, "mauvais")
    log_in(client, customer.email, "mauvais")
    assert THROTTLED.replace("15", "1") in log_in(client, customer.email, PASSWORD).content.decode()

    now = locmem.time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 2)

    assert log_in(client, customer.email, PASSWORD).status_code == 302


def test_it_logs_out_with_post_only(client_for, customer):
    client = client_for(customer)

    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in(client)
    response = client.post("/accounts/logout/", follow=True)
    assert not logged_in(client)
    assert "Vous êtes déconnecté" in response.content.decode()


def test_it_renders_the_login_page_with_labelled_fields_and_links(client, db):
    page = client.get("/accounts/login/?next=/invitations/abc/").content.decode()

    assert '<label for="id_email">' in page
    assert '<label for="id_password">' in page
    assert 'href="/accounts/password/reset/"' in page
    assert 'href="/accounts/signup/?next=%2Finvitations%2Fabc%2F"' in page
    assert 'name="next" value="/invitations/abc/"' in page
