"""Who is calling the API: a personal token (`Authorization: Bearer <token>`) or, for reads from
a logged-in browser, the Django session."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from cabas.accounts.models import ApiToken, hash_token

# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


class InvalidToken(AuthenticationError):
    def __init__(self):
        super().__init__(401, _("Jeton d'API invalide ou révoqué."))


class TokenAuth(HttpBearer):
    """A personal API token, looked up by its SHA-256 hash (the raw value is never stored)."""

    def authenticate(self, request, token):
        token = (token or "").strip()
        if not token:
            raise InvalidToken()
        api_token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True, user__deleted_at__isnull=True)
            .first()
        )
        if api_token is None:
            # A token was sent but is wrong: answer now rather than falling back to the session,
            # so a script with a revoked token fails loudly.
            raise InvalidToken()
        now = timezone.now()
        if api_token.last_used_at is None or api_token.last_used_at <= now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
            ).update(last_used_at=now)
        request.api_token = api_token
        return api_token.user


token_auth = TokenAuth()
# csrf=True: Django's CSRF check applies to unsafe methods sent with the session cookie, so a
# third-party page cannot make a logged-in browser write through the API.
session_auth = SessionAuth(csrf=True)
