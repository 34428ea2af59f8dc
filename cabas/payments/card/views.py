"""Card payments: the seller connects its Stripe account (back-office), the buyer pays an order
awaiting payment on Stripe and comes back, and Stripe's webhooks tell what happened.

The buyer's pages are shown to the order's buyer only (the account that placed it, or the
browser that placed it as a guest), like the order's page. Every page works without JavaScript.
"""

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.orders.links import order_path
from cabas.orders.models import Order
from cabas.orders.views_my_orders import order_for
from cabas.payments.card import connect
from cabas.payments.card.checkout import card_abandon, card_checkout_url, card_sync
from cabas.payments.card.connect import card_account, card_account_refresh, card_configured
from cabas.payments.card.refunds import card_refunded_late
from cabas.payments.card.stripe_client import WebhookInvalid
from cabas.payments.card.webhooks import card_webhook
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import PaymentMethod

log = logging.getLogger(__name__)


# --- back-office: the seller's Stripe account ------------------------------------------------------


def _absolute(request, name: str, enterprise) -> str:
    return request.build_absolute_uri(reverse(name, args=[enterprise.slug]))


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def card_settings(request, enterprise):
    return _settings_page(request, enterprise)


def _settings_page(request, enterprise):
    methods = PaymentMethod.objects.filter(enterprise=enterprise, kind=PaymentMethod.Kind.CARD, active=True)
    context = {
        "enterprise": enterprise,
        "nav": "card",
        "configured": card_configured(),
        "account": card_account(enterprise),
        "card_methods": list(methods.order_by("position", "name")),
    }
    return render(request, "manage/payments/card/settings.html", context)


def _to_onboarding(request, enterprise):
    try:
        url = connect.card_connect(
            enterprise=enterprise,
            return_url=_absolute(request, "payments:card_connect_return", enterprise),
            refresh_url=_absolute(request, "payments:card_connect_refresh", enterprise),
        )
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:card", enterprise.slug)
    return redirect(url)


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def card_connect(request, enterprise):
    """Create the seller's Stripe account if needed and send the manager to Stripe to set it up."""
    return _to_onboarding(request, enterprise)


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def card_connect_refresh(request, enterprise):
    """Stripe sends the manager here when the set-up link expired: a new link."""
    if not card_configured() or card_account(enterprise) is None:
        return _settings_page(request, enterprise)
    return _to_onboarding(request, enterprise)


def _account_message(request, account) -> None:
    if account is None:
        return
    if account.charges_enabled:
        messages.success(request, _("Votre compte Stripe peut recevoir des paiements par carte."))
    else:
        messages.warning(
            request,
            _("Stripe n'a pas encore activé les paiements sur votre compte : terminez sa configuration."),
        )


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def card_connect_return(request, enterprise):
    """Stripe sends the manager back here after the set-up: read the account's state."""
    if card_configured():
        try:
            _account_message(request, card_account_refresh(enterprise=enterprise))
        except PaymentError as error:
            messages.error(request, error.message)
    return _settings_page(request, enterprise)


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def card_status(request, enterprise):
    """Read again from Stripe whether the account can take charges."""
    try:
        _account_message(request, card_account_refresh(enterprise=enterprise))
    except PaymentError as error:
        messages.error(request, error.message)
    return redirect("payments:card", enterprise.slug)


# --- the buyer ---------------------------------------------------------------------------------------


def _card_order(request, uuid) -> Order:
    order = order_for(request, uuid, buyer_only=True)
    if order.payment_method is None or order.payment_method.kind != PaymentMethod.Kind.CARD:
        raise Http404
    return order


def _after(request, order: Order):
    """Where the buyer goes once nothing is left to pay on `order`, with what happened."""
    if order.status in (Order.Status.PLACED, Order.Status.FULFILLED):
        messages.success(
            request,
            _("Merci ! Votre paiement est reçu et votre commande %(number)s est confirmée.")
            % {"number": order.number},
        )
    elif order.status == Order.Status.CANCELLED and card_refunded_late(order):
        messages.warning(
            request,
            _(
                "Votre paiement est arrivé alors que la commande %(number)s n'attendait plus de paiement : "
                "il vous est remboursé intégralement sur votre carte."
            )
            % {"number": order.number},
        )
    elif order.status == Order.Status.CANCELLED:
        messages.info(
            request,
            _("La commande %(number)s est annulée : elle n'a pas été payée, rien ne vous a été débité.")
            % {"number": order.number},
        )
    return redirect(order_path(order))  # a guest's signed link, as in the confirmation email


def _pending_page(request, order: Order, *, problem: str = "", status: int = 200, abandoned: bool = False):
    context = {"order": order, "problem": problem, "abandoned": abandoned}
    return render(request, "shop/pay_pending.html", context, status=status)


@require_GET
def card_pay(request, uuid):
    """Send the buyer to Stripe to pay an order awaiting its card payment."""
    order = _card_order(request, uuid)
    if order.status != Order.Status.AWAITING:
        return redirect("shop:order", order.uuid)
    try:
        url = card_checkout_url(order=order)
    except PaymentError as error:
        return _pending_page(request, order, problem=error.message, status=503)
    if url is None:
        return _after(request, Order.objects.get(pk=order.pk))
    return redirect(url)


@require_GET
def card_return(request, uuid):
    """The buyer comes back from Stripe (paid, or gave up): ask Stripe what happened."""
    order = _card_order(request, uuid)
    try:
        order = card_sync(order=order)
    except PaymentError as error:
        if order.status == Order.Status.AWAITING:
            return _pending_page(request, order, problem=error.message, status=503)
    if order.status == Order.Status.AWAITING:
        return _pending_page(request, order, abandoned="abandoned" in request.GET)
    return _after(request, order)


@require_POST
def card_cancel(request, uuid):
    """The buyer gives up paying: the order is cancelled and its stock given back."""
    order = _card_order(request, uuid)
    if order.status != Order.Status.AWAITING:
        return redirect("shop:order", order.uuid)
    try:
        order = card_abandon(order=order)
    except PaymentError as error:
        return _pending_page(request, order, problem=error.message, status=503)
    if order.status == Order.Status.AWAITING:  # cannot happen once Stripe answered; say so anyway
        return _pending_page(request, order, problem=_("La commande n'a pas pu être annulée : réessayez."))
    return _after(request, order)


# --- Stripe's webhooks -------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Events from Stripe (Connect: events of the sellers' accounts). 400 and nothing stored when
    the signature does not verify; 503 when Stripe could not be asked back (Stripe retries)."""
    try:
        card_webhook(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except WebhookInvalid as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    except PaymentError as error:  # Stripe unavailable, or not configured: nothing is lost
        log.warning("stripe webhook postponed: %s", error.message)
        return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
