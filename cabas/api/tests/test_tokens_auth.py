from datetime import timedelta

from django.utils import timezone

from cabas.accounts.models import ApiToken
from tests.factories import UserFactory


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_accepts_an_active_token(client, owner):
    _, raw = ApiToken.generate(user=owner, name="script")

    response = client.get("/api/v1/me", **bearer(raw))

    assert response.status_code == 200
    assert response.json()["email"] == owner.email


def test_it_rejects_an_unknown_token_with_a_french_message(client, db):
    response = client.get("/api/v1/me", **bearer("cabas_nimportequoi"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'API invalide ou révoqué."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_it_rejects_a_revoked_token(client, owner):
    token, raw = ApiToken.generate(user=owner, name="ancien")
    token.revoked_at = timezone.now()
    token.save()

    response = client.get("/api/v1/me", **bearer(raw))

    assert response.status_code == 401


def test_it_rejects_the_token_of_a_deactivated_user(client, db):
    user = UserFactory(is_active=False)
    _, raw = ApiToken.generate(user=user, name="script")

    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_it_rejects_the_token_of_a_deleted_account(client, db):
    user = UserFactory(deleted_at=timezone.now())
    _, raw = ApiToken.generate(user=user, name="script")

    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_it_does_not_fall_back_to_the_session_when_a_bad_token_is_sent(client, owner):
    client.force_login(owner)

    response = client.get("/api/v1/me", **bearer("cabas_faux"))

    assert response.status_code == 401


def test_it_asks_for_credentials_in_french_when_none_are_sent(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert "Authentification requise" in response.json()["detail"]


def test_it_ignores_a_non_bearer_authorization_header(client, owner):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic b3duZXI6c2VjcmV0")

    assert response.status_code == 401


def test_it_records_when_a_token_was_last_used(client, owner):
    token, raw = ApiToken.generate(user=owner, name="script")

    client.get("/api/v1/me", **bearer(raw))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_it_writes_last_used_at_at_most_once_a_minute(client, owner, django_assert_num_queries):
    token, raw = ApiToken.generate(user=owner, name="script")
    recent = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    client.get("/api/v1/me", **bearer(raw))

    token.refresh_from_db()
    assert token.last_used_at == recent


def test_it_refreshes_last_used_at_after_a_minute(client, owner):
    token, raw = ApiToken.generate(user=owner, name="script")
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)

    client.get("/api/v1/me", **bearer(raw))

    token.refresh_from_db()
    assert token.last_used_at > old


def test_it_never_stores_the_raw_token(owner):
    token, raw = ApiToken.generate(user=owner, name="script")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
