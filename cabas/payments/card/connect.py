"""The seller's own Stripe account (Stripe Connect): created and linked from the back office, its
status read again from Stripe; whether a seller can be paid by card now."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cabas.payments.card import stripe_client
from cabas.payments.card.stripe_client import StripeUnavailable
from cabas.payments.models import PaymentMethod, StripeAccount

CARD = PaymentMethod.Kind.CARD


def card_configured() -> bool:
    """Whether this platform takes card payments at all (a Stripe secret key is set)."""
    return stripe_client.configured()


def card_account(enterprise) -> StripeAccount | None:
    return StripeAccount.objects.filter(enterprise=enterprise).first()


def card_ready(enterprise) -> bool:
    """Whether `enterprise` can be paid by card now: the platform is configured and the seller's
    own Stripe account can take charges."""
    return (
        card_configured()
        and StripeAccount.objects.filter(enterprise=enterprise, charges_enabled=True).exists()
    )


def card_methods_offerable(methods, enterprise) -> list:
    """`methods` without the card ones when `enterprise` cannot take card payments now (a query
    only when a card method is among them)."""
    methods = list(methods)
    if any(m.kind == CARD for m in methods) and not card_ready(enterprise):
        methods = [m for m in methods if m.kind != CARD]
    return methods


def account_save(account: StripeAccount, data: dict) -> StripeAccount:
    """`account` updated with what Stripe says of it (`data`): can it take charges, is it set up."""
    account.charges_enabled = bool(data.get("charges_enabled"))
    account.details_submitted = bool(data.get("details_submitted"))
    account.save(update_fields=["charges_enabled", "details_submitted", "updated_at"])
    return account


def card_connect(*, enterprise, return_url: str, refresh_url: str) -> str:
    """The Stripe page where `enterprise` sets up its own Stripe account for card payments (the
    account is created on first use: a Standard account — the seller is the merchant, pays
    Stripe's fees and sees its payments in its own Stripe dashboard). Raises PaymentError."""
    account = card_account(enterprise)
    if account is None:
        params = {
            "type": "standard",
            "country": enterprise.country or "FR",
            "business_profile": {"name": enterprise.name},
            "metadata": {"enterprise": str(enterprise.uuid)},
        }
        if enterprise.email:
            params["email"] = enterprise.email
        # One account per enterprise even if the button is pressed twice at once.
        data = stripe_client.account_create(params=params, idempotency_key=f"cabas-account-{enterprise.uuid}")
        account, created = StripeAccount.objects.get_or_create(
            enterprise=enterprise,
            defaults={
                "account_id": data["id"],
                "charges_enabled": bool(data.get("charges_enabled")),
                "details_submitted": bool(data.get("details_submitted")),
            },
        )
    link = stripe_client.account_link_create(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link["url"]


def card_account_refresh(*, enterprise) -> StripeAccount | None:
    """Read again from Stripe whether the seller's account can take charges (None: no account)."""
    account = card_account(enterprise)
    if account is None:
        return None
    return account_save(account, stripe_client.account_retrieve(account.account_id))


def seller_account_id(seller) -> str:
    """The id of `seller`'s connected Stripe account; raises StripeUnavailable when it has none."""
    accounts = StripeAccount.objects.filter(enterprise_id=seller.pk)
    account_id = accounts.values_list("account_id", flat=True).first()
    if account_id is None:
        raise StripeUnavailable(
            _("Ce vendeur n'a plus de compte Stripe relié : le paiement par carte est impossible.")
        )
    return account_id
