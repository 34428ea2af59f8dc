import pytest
from django.core import mail
from django.test import TestCase, override_settings

from cabas.accounts.tests.conftest import link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-nouveau-potager-2025"
THROTTLED = "Trop de demandes de nouveau mot de passe. Réessayez dans 15 minutes."


def ask_reset(client, email, ip="203.0.113.7"):
    """The email is sent by the worker once the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=ip)


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


def test_it_leaves_the_email_to_the_worker_so_the_request_does_the_same_for_any_address(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        known = client.post("/accounts/password/reset/", {"email": customer.email})
    unknown = ask_reset(client, "inconnu@exemple.fr")

    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == [] and len(queued) == 1  # sent after commit, by the worker
    queued[0]()
    assert mail.outbox[0].to == [customer.email]


def test_it_prefills_the_address_from_the_link(client, db):
    page = client.get("/accounts/password/reset/?email=camille%40exemple.fr").content.decode()

    assert 'value="camille@exemple.fr"' in page


def test_it_sends_at_most_three_links_per_address_then_says_to_wait(client, customer):
    # From several addresses, in any case: the limit is the account's.
    responses = [ask_reset(client, "Customer@Exemple.fr", ip=f"198.51.100.{n}") for n in range(12)]

    assert len(mail.outbox) == 3
    assert [r.status_code for r in responses[:3]] == [302] * 3
    assert responses[3].status_code == 200
    assert THROTTLED in responses[3].content.decode()
    assert THROTTLED in responses[-1].content.decode()
    # Other addresses are not affected.
    other = UserFactory()
    assert ask_reset(client, other.email)["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 4


def test_it_throttles_an_unknown_address_the_same_way(client, db):
    for _ in range(3):
        assert ask_reset(client, "inconnu@exemple.fr")["Location"] == "/accounts/password/reset/done/"

    assert THROTTLED in ask_reset(client, "inconnu@exemple.fr").content.decode()


def test_it_throttles_an_ip_asking_for_many_addresses(client, customer):
    for n in range(10):
        ask_reset(client, f"inconnu{n}@exemple.fr")

    response = ask_reset(client, customer.email)

    assert THROTTLED in response.content.decode()
    assert mail.outbox == []
    assert (
        ask_reset(client, customer.email, ip="198.51.100.9")["Location"] == "/accounts/password/reset/done/"
    )
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("window", "wait"), [(120, "2 minutes"), (60, "1 minute")])
def test_it_says_how_long_to_wait_from_the_window(client, customer, window, wait):
    with override_settings(PASSWORD_RESETS_PER_ADDRESS=1, PASSWORD_RESET_WINDOW=window):
        ask_reset(client, customer.email)

        page = ask_reset(client, customer.email).content.decode()

    assert f"Trop de demandes de nouveau mot de passe. Réessayez dans {wait}." in page


def test_it_sends_links_again_when_the_window_ends(client, customer, monkeypatch):
    from django.core.cache.backends import locmem

    for _ in range(4):
        ask_reset(client, customer.email)
    assert len(mail.outbox) == 3

    now = locmem.time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 15 * 60 + 1)

    assert ask_reset(client, customer.email)["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 4


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
