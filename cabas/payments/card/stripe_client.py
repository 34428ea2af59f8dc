"""The one way Cabas talks to Stripe: its Python library, on the API base of the settings.

Every call names the seller's connected account (`Stripe-Account`) except the account set-up
itself, and every call that creates something carries an idempotency key, so that a retry after
a timeout never creates it twice. Library errors become two domain errors with a French message:
`StripeUnavailable` (Stripe did not answer or failed: try again later, nothing is known) and
`StripeRefused` (Stripe answered no: the request cannot succeed as it is). Answers are returned
as plain data (dicts), ready to be read and stored.
"""

import functools
import logging
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.payments.exceptions import PaymentError

log = logging.getLogger(__name__)


def to_cents(amount) -> int:
    """Euros (Decimal) → integer cents, as Stripe counts (half up, like the project's rounding)."""
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(money.CENT)


class CardNotConfigured(PaymentError):
    def __init__(self):
        super().__init__(_("Le paiement par carte n'est pas configuré sur cette plateforme."))


class StripeUnavailable(PaymentError):
    """Stripe could not be reached or failed: the state of things is unknown, retry later."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _("Le service de paiement ne répond pas pour le moment. Réessayez dans quelques minutes.")
        )


class StripeRefused(PaymentError):
    """Stripe answered that the request cannot be done (unknown object, wrong state, amount...)."""

    def __init__(self, message: str | None = None, *, code: str = ""):
        super().__init__(message or _("Le service de paiement a refusé l'opération."))
        self.code = code


class WebhookInvalid(PaymentError):
    def __init__(self):
        super().__init__(_("Notification refusée : signature invalide ou contenu illisible."))


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _client(key: str, base: str, timeout: float, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        key,
        base_addresses={"api": base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    if not configured():
        raise CardNotConfigured()
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_TIMEOUT,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def _call(what: str, function, *args, **kwargs) -> dict:
    """`function(...)`'s answer as plain data (dicts and lists), or a domain error."""
    try:
        return function(*args, **kwargs).to_dict()
    except (stripe.InvalidRequestError, stripe.CardError, stripe.IdempotencyError) as error:
        log.warning("stripe %s refused: %s", what, error)
        raise StripeRefused(code=getattr(error, "code", "") or "")
    except stripe.StripeError as error:
        # Connection, API, rate limit, authentication or permission (a disconnected account):
        # nothing can be concluded about the object, the caller tries again later.
        log.warning("stripe %s failed: %s", what, error)
        raise StripeUnavailable()


def _on(account_id: str, idempotency_key: str = "") -> dict:
    options = {"stripe_account": account_id}
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


# --- Connect -------------------------------------------------------------------------------------


def account_create(*, params: dict, idempotency_key: str):
    return _call(
        "account create",
        client().v1.accounts.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def account_retrieve(account_id: str):
    return _call("account retrieve", client().v1.accounts.retrieve, account_id)


def account_link_create(*, account_id: str, refresh_url: str, return_url: str):
    params = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "type": "account_onboarding",
    }
    return _call("account link create", client().v1.account_links.create, params=params)


# --- Checkout ------------------------------------------------------------------------------------


def session_create(*, account_id: str, params: dict, idempotency_key: str):
    return _call(
        "checkout session create",
        client().v1.checkout.sessions.create,
        params=params,
        options=_on(account_id, idempotency_key),
    )


def session_retrieve(*, account_id: str, session_id: str):
    return _call(
        "checkout session retrieve",
        client().v1.checkout.sessions.retrieve,
        session_id,
        options=_on(account_id),
    )


def session_expire(*, account_id: str, session_id: str):
    return _call(
        "checkout session expire",
        client().v1.checkout.sessions.expire,
        session_id,
        options=_on(account_id, f"cabas-expire-{session_id}"),
    )


def payment_intent_retrieve(*, account_id: str, intent_id: str):
    return _call(
        "payment intent retrieve", client().v1.payment_intents.retrieve, intent_id, options=_on(account_id)
    )


# --- Refunds -------------------------------------------------------------------------------------


def refund_create(*, account_id: str, params: dict, idempotency_key: str):
    return _call(
        "refund create", client().v1.refunds.create, params=params, options=_on(account_id, idempotency_key)
    )


def refund_retrieve(*, account_id: str, refund_id: str):
    return _call("refund retrieve", client().v1.refunds.retrieve, refund_id, options=_on(account_id))


# --- Webhooks ------------------------------------------------------------------------------------


def event_construct(payload: bytes, signature: str | None) -> dict:
    """The event of a webhook request, once its `Stripe-Signature` is verified against the
    endpoint's secret (the library's own check, with its 5-minute tolerance)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookInvalid()
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, TypeError, KeyError, AttributeError, stripe.SignatureVerificationError):
        raise WebhookInvalid()
    return event.to_dict()
