import pytest

from cabas.accounts import services
from cabas.accounts.models import ApiToken, hash_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create(client, name="Tableur des commandes"):
    return client.post("/accounts/profile/tokens/", {"name": name})


def test_it_creates_a_token_and_shows_its_value_exactly_once(client_for, customer):
    client = client_for(customer)

    response = create(client)

    assert response["Location"] == "/accounts/profile/#jetons"
    token = ApiToken.objects.get(user=customer)
    page = client.get("/accounts/profile/").content.decode()
    assert "Copiez-le maintenant : il ne sera plus jamais affiché." in page
    raw = page.split('id="new-token-value" type="text" readonly value="')[1].split('"')[0]
    assert raw.startswith("cabas_")
    assert hash_token(raw) == token.key_hash  # only the hash is stored
    assert raw not in client.get("/accounts/profile/").content.decode()


def test_it_lets_the_new_token_call_the_api(client_for, client, customer):
    create(client_for(customer))
    page = client.get("/accounts/profile/").content.decode()
    raw = page.split('readonly value="')[1].split('"')[0]
    client.logout()

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert response.json()["email"] == customer.email


def test_it_lists_my_active_tokens_with_prefix_and_dates(client_for, customer):
    token, _raw = services.api_token_create(user=customer, name="Mon script")
    revoked, _raw = services.api_token_create(user=customer, name="Ancien script")
    services.api_token_revoke(user=customer, token_id=revoked.pk)
    ApiToken.generate(user=UserFactory(), name="Le jeton d'un autre")

    page = client_for(customer).get("/accounts/profile/").content.decode()

    assert "Mon script" in page
    assert f"{token.prefix}…" in page
    assert "jamais utilisé" in page
    assert "Ancien script" not in page
    assert "Le jeton d" not in page
    assert token.key_hash not in page


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_it_refuses_a_bad_name_and_creates_nothing(client_for, customer, name):
    response = create(client_for(customer), name=name)

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_limits_the_number_of_active_tokens(client_for, customer, monkeypatch):
    monkeypatch.setattr(services, "MAX_ACTIVE_TOKENS", 2)
    client = client_for(customer)
    create(client, "un")
    create(client, "deux")

    response = create(client, "trois")

    assert "Vous avez déjà 2 jetons actifs" in response.content.decode()
    assert ApiToken.objects.count() == 2


def test_it_revokes_my_token(client_for, customer):
    token, raw = services.api_token_create(user=customer, name="Mon script")
    client = client_for(customer)

    response = client.post("/accounts/profile/tokens/revoke/", {"token": token.pk}, follow=True)

    assert "Le jeton « Mon script » est révoqué." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_it_cannot_revoke_someone_elses_token(client_for, customer):
    token, _raw = ApiToken.generate(user=UserFactory(), name="Pas à moi")

    response = client_for(customer).post("/accounts/profile/tokens/revoke/", {"token": token.pk})

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_it_answers_404_to_a_bad_token_id(client_for, customer, value):
    assert client_for(customer).post("/accounts/profile/tokens/revoke/", {"token": value}).status_code == 404


def test_it_revokes_and_creates_with_post_only(client_for, customer):
    client = client_for(customer)

    assert client.get("/accounts/profile/tokens/").status_code == 405
    assert client.get("/accounts/profile/tokens/revoke/").status_code == 405


def test_it_asks_to_log_in_before_creating_a_token(client, db):
    response = create(client)

    assert response["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.exists()
