"""Sending email from a request or a service: enqueue the task once the transaction commits.

Other apps use `enqueue_templated_email` too, with their own templates under templates/emails/<app>/.
"""

import hashlib
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode

from cabas.accounts.tasks import send_templated_email

CONFIRMATION_SALT = "cabas.accounts.email-confirmation"


def enqueue_templated_email(
    template_prefix: str,
    *,
    to: list[str] | str,
    context: dict | None = None,
    reply_to: list[str] | None = None,
    from_name: str | None = None,
    language: str | None = None,
) -> None:
    """Send `template_prefix` (.subject.txt/.txt/.html) to `to` after the current transaction commits.

    Nothing is sent if the transaction rolls back. `context` must be JSON-serialisable.
    """
    transaction.on_commit(
        partial(
            send_templated_email.enqueue,
            template_prefix=template_prefix,
            context=context or {},
            to=[to] if isinstance(to, str) else list(to),
            reply_to=reply_to,
            from_name=from_name,
            language=language,
        )
    )


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


def confirmation_token(user, next_url: str = "") -> str:
    """A signed, timestamped token naming the user and the address being confirmed (and where to go next).

    Signing (a digest of) the address too means a link stops working if the address changes; the
    digest keeps the address itself out of URLs and server logs.
    """
    return signing.dumps(
        {"u": user.pk, "e": email_digest(user.email), "n": next_url}, salt=CONFIRMATION_SALT, compress=True
    )


def confirmation_token_read(token: str) -> dict:
    """Decode a confirmation token; raises signing.SignatureExpired / signing.BadSignature."""
    return signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)


def confirmation_url(user, next_url: str = "") -> str:
    return settings.SITE_URL + reverse("accounts:confirm_email", args=[confirmation_token(user, next_url)])


def confirmation_email_send(user, next_url: str = "") -> None:
    """Email `user` the link that confirms their address (after commit)."""
    days = settings.EMAIL_CONFIRMATION_MAX_AGE // (24 * 3600)
    enqueue_templated_email(
        "emails/accounts/confirm_email",
        to=user.email,
        context={
            "full_name": user.full_name,
            "email": user.email,
            "confirmation_url": confirmation_url(user, next_url),
            "resend_url": settings.SITE_URL
            + reverse("accounts:resend_confirmation")
            + "?"
            + urlencode({"email": user.email}),
            "max_age_days": days,
        },
        language=user.language,
    )


def signup_attempt_email_send(user, next_url: str = "") -> None:
    """Tell `user` that someone tried to create an account with their address (after commit).

    The email offers to log in or to choose a new password: nothing in the account has changed.
    """
    login_url = settings.SITE_URL + reverse("accounts:login")
    enqueue_templated_email(
        "emails/accounts/signup_attempt",
        to=user.email,
        context={
            "full_name": user.full_name,
            "email": user.email,
            "confirmed": user.email_confirmed_at is not None,
            "login_url": f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url,
            "reset_url": settings.SITE_URL
            + reverse("accounts:password_reset")
            + "?"
            + urlencode({"email": user.email}),
        },
        language=user.language,
    )
