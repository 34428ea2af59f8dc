import re
import time

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.utils import timezone

from cabas.accounts import emails
from cabas.accounts.models import User
from cabas.accounts.tests.conftest import link_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_THROTTLED = "Trop de demandes d&#x27;inscription. Réessayez dans 15 minutes."


def sign_up(client, capture, data, next_url="", ip="203.0.113.7"):
    url = "/accounts/signup/" + (f"?next={next_url}" if next_url else "")
    with capture(execute=True):
        return client.post(url, {**data, "next": next_url} if next_url else data, REMOTE_ADDR=ip)


def test_it_creates_an_unconfirmed_account_and_emails_a_confirmation_link(
    client, django_capture_on_commit_callbacks, signup_data
):
    response = sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/done/")
    user = User.objects.get()
    assert user.email == "camille.martin@exemple.fr"
    assert user.full_name == "Camille Martin"
    assert user.email_confirmed_at is None
    assert user.check_password("des-radis-et-du-cresson")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille.martin@exemple.fr"]
    assert message.subject == "Confirmez votre adresse e-mail sur Cabas"
    assert "Bonjour Camille Martin" in message.body
    assert "http://testserver" not in message.body  # absolute links come from SITE_URL
    assert "/accounts/confirm/" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Confirmer mon adresse e-mail" in html
    page = client.get(response["Location"])
    assert "camille.martin@exemple.fr" in page.content.decode()


@override_settings(SITE_URL="https://cabas.example")
def test_it_builds_the_link_from_site_url(client, django_capture_on_commit_callbacks, signup_data):
    sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert "https://cabas.example/accounts/confirm/" in mail.outbox[0].body


def test_it_cannot_log_in_before_confirming(client, django_capture_on_commit_callbacks, signup_data):
    sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert not client.login(email="camille.martin@exemple.fr", password="des-radis-et-du-cresson")


def test_it_confirms_logs_in_and_redirects_to_next_from_an_invitation(
    client, django_capture_on_commit_callbacks, signup_data
):
    signup_page = client.get("/accounts/signup/?next=/invitations/abc123/")
    assert 'name="next" value="/invitations/abc123/"' in signup_page.content.decode()

    response = sign_up(
        client, django_capture_on_commit_callbacks, signup_data, next_url="/invitations/abc123/"
    )
    assert "next=%2Finvitations%2Fabc123%2F" in response["Location"]
    client.logout()  # the link is opened later, maybe on another device

    response = client.get(link_in(mail.outbox[0], "/accounts/confirm/"))

    assert response.status_code == 302
    assert response["Location"] == "/invitations/abc123/"
    user = User.objects.get()
    assert user.email_confirmed_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_new_account_lands_on_my_orders_without_next(
    client, django_capture_on_commit_callbacks, signup_data
):
    sign_up(client, django_capture_on_commit_callbacks, signup_data)

    response = client.get(link_in(mail.outbox[0], "/accounts/confirm/"), follow=True)

    assert response.redirect_chain[0][0] == "/my/orders/"
    assert "Votre adresse e-mail est confirmée" in response.content.decode()


@pytest.mark.parametrize("bad_next", ["https://pirate.example/", "//pirate.example/x", "javascript:alert(1)"])
def test_it_drops_a_next_that_leaves_the_site(
    client, django_capture_on_commit_callbacks, signup_data, bad_next
):
    response = sign_up(client, django_capture_on_commit_callbacks, signup_data, next_url=bad_next)
    assert "pirate" not in response["Location"]

    response = client.get(link_in(mail.outbox[0], "/accounts/confirm/"))

    assert response["Location"] == "/my/orders/"


def done_page(client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "CSRF-TOKEN", page)  # a new masked token on each page


@pytest.mark.parametrize("confirmed", [True, False])
def test_it_answers_an_existing_address_like_a_new_one_and_changes_nothing(
    client, django_capture_on_commit_callbacks, signup_data, confirmed
):
    owner = UserFactory(
        email="deja.inscrite@exemple.fr",
        full_name="Léa Dupont",
        email_confirmed_at=timezone.now() if confirmed else None,
    )
    before = User.objects.values().get(pk=owner.pk)
    fresh = sign_up(
        client, django_capture_on_commit_callbacks, {**signup_data, "email": "nouvelle@exemple.fr"}
    )
    fresh_page = done_page(client, fresh)
    mail.outbox.clear()

    taken = sign_up(
        client, django_capture_on_commit_callbacks, {**signup_data, "email": "DEJA.inscrite@exemple.FR"}
    )

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    taken_page = done_page(client, taken)
    assert taken_page.replace("deja.inscrite@exemple.fr", "nouvelle@exemple.fr") == fresh_page
    assert User.objects.filter(email__iexact="deja.inscrite@exemple.fr").count() == 1
    assert User.objects.values().get(pk=owner.pk) == before  # same password, name, confirmation...
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["deja.inscrite@exemple.fr"]


def test_it_tells_the_owner_that_someone_tried_to_sign_up_with_their_address(
    client, django_capture_on_commit_callbacks, signup_data
):
    UserFactory(email="camille.martin@exemple.fr", full_name="Camille Martin")

    with override_settings(SITE_URL="https://cabas.example"):
        sign_up(client, django_capture_on_commit_callbacks, signup_data, next_url="/invitations/abc/")

    message = mail.outbox[0]
    assert message.to == ["camille.martin@exemple.fr"]
    assert message.subject == "Quelqu'un a essayé de créer un compte Cabas avec votre adresse"
    assert "Bonjour Camille Martin" in message.body
    assert "a déjà un compte" in message.body
    assert "https://cabas.example/accounts/login/?next=%2Finvitations%2Fabc%2F" in message.body
    assert "https://cabas.example/accounts/password/reset/?email=camille.martin%40exemple.fr" in message.body
    assert "des-radis" not in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Se connecter" in html
    assert "Choisir un nouveau mot de passe" in html
    assert "https://cabas.example/accounts/password/reset/?email=camille.martin%40exemple.fr" in html
    # The links work: the reset page is ready for the owner's address.
    page = client.get(link_in(message, "/accounts/password/reset/")).content.decode()
    assert 'value="camille.martin@exemple.fr"' in page


def test_it_adds_to_the_notice_that_a_new_password_also_confirms_a_pending_account(
    client, django_capture_on_commit_callbacks, signup_data
):
    UserFactory(email="camille.martin@exemple.fr", email_confirmed_at=None)

    sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert "pas encore confirmée" in mail.outbox[0].body


def test_it_sends_no_notice_to_a_deactivated_account(client, django_capture_on_commit_callbacks, signup_data):
    UserFactory(email="camille.martin@exemple.fr", is_active=False)

    response = sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert response["Location"].startswith("/accounts/signup/done/")
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_it_sends_at_most_three_emails_per_address_then_says_to_wait(
    client, django_capture_on_commit_callbacks, signup_data
):
    responses = [
        sign_up(client, django_capture_on_commit_callbacks, {**signup_data, "email": "camille@exemple.fr"})
        for _ in range(12)
    ]

    assert [r.status_code for r in responses[:3]] == [302] * 3
    assert responses[3].status_code == 200
    assert SIGNUP_THROTTLED in responses[3].content.decode()
    assert User.objects.count() == 1
    assert len(mail.outbox) == 3  # the confirmation, then two notices
    assert mail.outbox[0].subject == "Confirmez votre adresse e-mail sur Cabas"


def test_it_throttles_an_ip_signing_up_many_addresses(
    client, django_capture_on_commit_callbacks, signup_data
):
    for n in range(10):
        sign_up(
            client, django_capture_on_commit_callbacks, {**signup_data, "email": f"personne{n}@exemple.fr"}
        )

    response = sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert response.status_code == 200
    assert SIGNUP_THROTTLED in response.content.decode()
    assert User.objects.count() == 10
    assert len(mail.outbox) == 10
    with django_capture_on_commit_callbacks(execute=True):
        other_ip = client.post("/accounts/signup/", signup_data, REMOTE_ADDR="198.51.100.9")
    assert other_ip["Location"].startswith("/accounts/signup/done/")


def test_it_does_not_count_a_form_with_errors(client, django_capture_on_commit_callbacks, signup_data):
    for _ in range(5):
        sign_up(client, django_capture_on_commit_callbacks, {**signup_data, "password2": "autre-chose"})

    response = sign_up(client, django_capture_on_commit_callbacks, signup_data)

    assert response["Location"].startswith("/accounts/signup/done/")


@pytest.mark.parametrize(("window", "wait"), [(120, "2 minutes"), (60, "1 minute")])
def test_it_says_how_long_to_wait_from_the_window(
    client, django_capture_on_commit_callbacks, signup_data, window, wait
):
    with override_settings(SIGNUPS_PER_ADDRESS=1, SIGNUP_WINDOW=window):
        sign_up(client, django_capture_on_commit_callbacks, signup_data)

        page = sign_up(client, django_capture_on_commit_callbacks, signup_data).content.decode()

    assert f"Trop de demandes d&#x27;inscription. Réessayez dans {wait}." in page


def test_it_accepts_sign_ups_again_when_the_window_ends(
    client, django_capture_on_commit_callbacks, signup_data, monkeypatch
):
    from django.core.cache.backends import locmem

    for _ in range(4):
        sign_up(client, django_capture_on_commit_callbacks, signup_data)
    assert len(mail.outbox) == 3

    now = locmem.time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 15 * 60 + 1)

    response = sign_up(client, django_capture_on_commit_callbacks, signup_data)
    assert response["Location"].startswith("/accounts/signup/done/")
    assert len(mail.outbox) == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "Cochez cette case pour créer votre compte."),
        ({"password2": "autre-chose-entierement"}, "Les deux mots de passe ne correspondent pas."),
        ({"password1": "court", "password2": "court"}, "Ce mot de passe est trop court"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "entièrement numérique"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide."),
        ({"full_name": "   "}, "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(
    client, django_capture_on_commit_callbacks, signup_data, change, message
):
    response = sign_up(client, django_capture_on_commit_callbacks, {**signup_data, **change})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_it_sends_a_logged_in_visitor_to_next(client_for, customer):
    response = client_for(customer).get("/accounts/signup/?next=/invitations/abc/")

    assert response["Location"] == "/invitations/abc/"


def test_it_shows_a_friendly_page_for_an_expired_link(client, monkeypatch):
    user = UserFactory(email_confirmed_at=None)
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 4 * 24 * 3600)
    token = emails.confirmation_token(user)
    monkeypatch.setattr(signing.time, "time", real_time)

    response = client.get(f"/accounts/confirm/{token}/")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce lien a expiré" in page
    assert "Recevoir un nouveau lien" in page
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_tampered_link(client):
    user = UserFactory(email_confirmed_at=None)
    token = emails.confirmation_token(user)

    response = client.get(f"/accounts/confirm/{token[:-3]}abc/")

    assert response.status_code == 400
    assert "Ce lien ne fonctionne pas" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_it_refuses_a_link_made_for_a_previous_address(client):
    user = UserFactory(email="ancienne@exemple.fr", email_confirmed_at=None)
    token = emails.confirmation_token(user)
    user.email = "nouvelle@exemple.fr"
    user.save()

    response = client.get(f"/accounts/confirm/{token}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_it_does_not_log_in_again_with_a_used_link(client, django_capture_on_commit_callbacks, signup_data):
    sign_up(client, django_capture_on_commit_callbacks, signup_data, next_url="/invitations/x/")
    link = link_in(mail.outbox[0], "/accounts/confirm/")
    client.get(link)
    client.logout()

    response = client.get(link, follow=True)

    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Finvitations%2Fx%2F"
    assert "Votre adresse e-mail est déjà confirmée" in response.content.decode()


def test_it_resends_a_link_to_an_unconfirmed_account(client, django_capture_on_commit_callbacks):
    UserFactory(email="lent@exemple.fr", email_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/confirm/resend/",
            {"email": "LENT@exemple.fr", "next": "/invitations/tok/"},
            follow=True,
        )

    assert "un nouveau lien vient d&#x27;y être envoyé" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lent@exemple.fr"]
    response = client.get(link_in(mail.outbox[0], "/accounts/confirm/"))
    assert response["Location"] == "/invitations/tok/"


@pytest.mark.parametrize("email", ["inconnu@exemple.fr", "confirme@exemple.fr"])
def test_it_answers_the_same_without_sending_for_other_addresses(
    client, django_capture_on_commit_callbacks, email
):
    UserFactory(email="confirme@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/confirm/resend/", {"email": email}, follow=True)

    assert "un nouveau lien vient d&#x27;y être envoyé" in response.content.decode()
    assert mail.outbox == []


def test_it_sends_at_most_one_link_a_minute(client, django_capture_on_commit_callbacks):
    UserFactory(email="lent@exemple.fr", email_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post("/accounts/confirm/resend/", {"email": "lent@exemple.fr"})

    assert len(mail.outbox) == 1


def test_it_renders_the_signup_page_with_labelled_fields(client):
    page = client.get("/accounts/signup/").content.decode()

    for field in ["email", "full_name", "password1", "password2", "consent"]:
        assert f'<label for="id_{field}">' in page
    assert 'aria-describedby="id_email_helptext"' in page
