"""Account workflows: sign-up and confirmation, API tokens, personal-data export and account deletion."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from cabas.accounts import emails, registry
from cabas.accounts.exceptions import (
    InvalidConfirmationLink,
    TooManyTokens,
)
from cabas.accounts.models import ApiToken, User

MAX_ACTIVE_TOKENS = 20

# --- Sign-up and email confirmation -----------------------------------------------------------


def user_signup(
    *, email: str, full_name: str, password: str, language: str, next_url: str = ""
) -> User | None:
    """Create an unconfirmed account and email it a confirmation link (which carries `next_url`).

    When the address (any case) already has an account, nothing is created or changed: its owner is
    emailed that someone tried to sign up with it, with links to log in and to choose a new password,
    and None is returned. The caller answers both cases alike, so that sign-up does not tell which
    addresses have an account.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name.strip(),
                    language=language,
                    email_confirmed_at=None,
                )
                emails.confirmation_email_send(user, next_url)
            return user
        except IntegrityError:  # a concurrent sign-up with the same address won the race
            existing = User.objects.filter(email__iexact=email).first()
    else:
        make_password(password)  # hashed for nothing, so that the answer takes as long as a sign-up
    # A deactivated account can neither log in nor reset its password: nothing to offer its owner.
    if existing is not None and existing.is_active:
        emails.signup_attempt_email_send(existing, next_url)
    return None


def user_confirm_email(*, token: str) -> tuple[User, str, bool]:
    """Confirm the address named by a signed link.

    Returns (user, next_url, newly_confirmed). A link for an address that is already confirmed is
    accepted but reports newly_confirmed=False (the caller must not log anyone in with it: the link
    is not a password). Raises InvalidConfirmationLink (with .expired) otherwise.
    """
    try:
        data = emails.confirmation_token_read(token)
    except signing.SignatureExpired:
        raise InvalidConfirmationLink(expired=True)
    except signing.BadSignature:
        raise InvalidConfirmationLink()
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=data.get("u"), is_active=True, deleted_at__isnull=True)
            .first()
        )
        if user is None or emails.email_digest(user.email) != data.get("e"):
            raise InvalidConfirmationLink()
        if user.email_confirmed_at is not None:
            return user, data.get("n", ""), False
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user, data.get("n", ""), True


def confirmation_resend(*, email: str, next_url: str = "") -> None:
    """Send a fresh confirmation link if `email` belongs to an active, unconfirmed account.

    Says nothing either way (the caller shows the same message), so it cannot be used to learn
    which addresses have an account.
    """
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=True, deleted_at__isnull=True, email_confirmed_at__isnull=True
    ).first()
    if user is not None:
        emails.confirmation_email_send(user, next_url)


# --- API tokens -------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; returns (token, raw value). The raw value is never stored."""
    # Lock the user row so two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if user.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
        raise TooManyTokens(MAX_ACTIVE_TOKENS)
    return ApiToken.generate(user=user, name=name.strip())


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own active tokens (ApiToken.DoesNotExist for anybody else's)."""
    token = user.api_tokens.active().select_for_update().get(pk=token_id)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


# --- Personal data: export --------------------------------------------------------------------

# Sections, erasers and deletion checks of other apps live in cabas.accounts.registry.


@registry.personal_data_section("account")
def _account_section(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined,
        "email_confirmed_at": user.email_confirmed_at,
        "last_login": user.last_login,
    }


@registry.personal_data_section("api_tokens")
def _api_tokens_section(user: User) -> list[dict]:
    # Names, prefixes and dates only: never the hash.
    return list(
        user.api_tokens.order_by("created_at").values(
            "name", "prefix", "created_at", "last_used_at", "revoked_at"
        )
    )


def personal_data_export(*, user: User) -> dict:
    """Everything Cabas holds about `user`, one key per registered section."""
    data: dict[str, Any] = {"exported_at": timezone.now(), "site": settings.SITE_URL}
    for key, section in registry.PERSONAL_DATA_SECTIONS:
        data[key] = section(user)
    return data


# --- Account deletion -------------------------------------------------------------------------


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account: erase personal data, keep the row (sales records point to it, anonymised).

    Raises the DomainError of the first registered deletion check that refuses (enterprises: an
    enterprise would be left without an owner, LastOwnerOfEnterprises).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    for check in registry.DELETION_CHECKS:
        check(user)
    for erase in registry.PERSONAL_DATA_ERASERS:
        erase(user)
    ApiToken.objects.filter(user=user).delete()
    user.email = f"supprime-{uuid.uuid4()}@invalid.cabas"
    user.full_name = ""
    user.phone = ""
    user.set_unusable_password()  # also ends the user's sessions on every other device
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
