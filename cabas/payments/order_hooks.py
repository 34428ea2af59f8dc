"""What payments adds to the orders' pages and emails through cabas.orders.registry.

Registered in PaymentsConfig.ready(): on the buyer's order page, how to pay by transfer (IBAN,
amount, reference and EPC QR code); on the seller's order page, the payments part (history,
state, record a payment, refund); in the confirmation email, the transfer details and the QR code
as an inline PNG; in the back-office orders list, the payment state filter and column; at
checkout, the card methods only while the seller can take card payments, the buyer's credit balance
next to the credit methods, and the card payment page right after a card order is placed. And inside
the order services' transactions: what the payment method does when an order is placed, edited or
cancelled (cabas/payments/checkout.py), no edit of an order whose payment is fixed, and the goodwill
reductions split again after an edit (cabas/payments/goodwill.py).
"""

from email.mime.image import MIMEImage

from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.lib.money import ZERO, format_eur
from cabas.orders import registry
from cabas.payments.accounts.services import checkout_credit
from cabas.payments.card.connect import card_methods_offerable
from cabas.payments.checkout import order_payment_prepare, order_payment_settle, payment_fixed
from cabas.payments.goodwill import goodwill_refit
from cabas.payments.models import PaymentMethod, PaymentState
from cabas.payments.qr import EMAIL_QR_CID, order_transfer
from cabas.payments.records.services import (
    filter_by_payment_state,
    order_paid,
    order_payment_state,
    with_paid,
)
from cabas.payments.records.views import payments_context


def order_page_section(request, order, *, manager: bool, **forms) -> dict:
    if manager:
        return payments_context(order, **forms)
    paid = order_paid(order)
    return {
        "transfer": order_transfer(order, paid=paid),  # IBAN, amount, reference and QR code of a transfer
        "payment_state_label": PaymentState(order_payment_state(order, paid)).label,
        "paid": paid,
    }


def confirmation_email_part(order) -> registry.EmailPart | None:
    """For an order to pay by transfer: to whom, how much, which reference, and the EPC QR code as
    a PNG the HTML part shows inline (Content-ID `qr_cid`). Just placed, it has received nothing yet."""
    transfer = order_transfer(order, paid=ZERO)
    if transfer is None:
        return None
    context = {
        "holder": transfer.holder,
        "iban": transfer.iban_display,
        "bic": transfer.bic,
        "amount": format_eur(transfer.amount),
        "reference": transfer.reference_display,
        "text": transfer.text,
        "qr_cid": EMAIL_QR_CID,
        "qr_size": transfer.qr().symbol_size(scale=5, border=4)[0],
    }
    image = MIMEImage(transfer.png(), "png")
    image.add_header("Content-ID", f"<{EMAIL_QR_CID}>")
    image.add_header("Content-Disposition", "inline", filename=f"virement-{order.number}.png")
    return registry.EmailPart(context={"transfer": context}, attachments=[image])


def _payment_state_queryset(orders, value: str):
    orders = with_paid(orders)
    if value in PaymentState.values:
        orders = filter_by_payment_state(orders, value)
    return orders


def _decorate(order) -> None:
    order.payment_state = order_payment_state(order, order.paid)
    order.payment_state_label = PaymentState(order.payment_state).label


PAYMENT_STATE_FILTER = registry.OrdersListFilter(
    param="paid",
    label=_("Paiement"),
    choices=lambda: PaymentState.choices,
    queryset=_payment_state_queryset,
    decorate=_decorate,
    exported=lambda order: str(order.payment_state_label),
)


def adjustment_note(order) -> str:
    """Where the payment of an order its seller just changed stands: what is left to pay, or what
    will be given back."""
    paid = order_paid(order)
    if paid <= 0:
        return gettext("Montant à régler : %(total)s.") % {"total": format_eur(order.total)}
    if paid < order.total:
        return gettext("Vous avez déjà réglé %(paid)s : il reste %(due)s à payer.") % {
            "paid": format_eur(paid),
            "due": format_eur(order.total - paid),
        }
    if paid > order.total:
        return gettext("Vous avez réglé %(paid)s : %(back)s vous seront remboursés.") % {
            "paid": format_eur(paid),
            "back": format_eur(paid - order.total),
        }
    return gettext("Votre commande est réglée.")


def cancellation_note(order) -> str:
    """What cancelling `order` does to what it received: credit back on the account, a card
    refunded, any other payment given back by the seller; nothing paid, nothing to give back."""
    paid = order_paid(order)
    if paid <= 0:
        return gettext("Vous n'avez rien réglé : il n'y a rien à rembourser.")
    kind = order.payment_method.kind if order.payment_method_id else None
    amounts = {"paid": format_eur(paid), "seller": order.seller.name}
    if kind == PaymentMethod.Kind.CREDIT:
        return gettext("Les %(paid)s réglés avec votre avoir y sont rendus aussitôt.") % amounts
    if kind == PaymentMethod.Kind.CARD:
        return gettext("Les %(paid)s payés par carte vous sont remboursés sur votre carte.") % amounts
    return gettext("Vous avez réglé %(paid)s : %(seller)s vous les remboursera.") % amounts


def checkout_payment_methods(request, enterprise, methods) -> list:
    methods = card_methods_offerable(methods, enterprise)  # card only while the seller can take it
    checkout_credit(methods, user=request.user, enterprise=enterprise)  # balance shown by "credit"
    return methods


def after_place(request, order):
    if order.status == order.Status.AWAITING:  # a card payment: pay now, the stock is reserved
        return redirect("pay:card_pay", order.uuid)
    return None


def register() -> None:
    registry.register_order_page_section(order_page_section)
    registry.register_confirmation_email_part(confirmation_email_part)
    registry.register_orders_list_filter(PAYMENT_STATE_FILTER)
    registry.register_order_event_handler("placed", order_payment_prepare)
    registry.register_order_event_handler("edited", order_payment_settle)
    registry.register_order_event_handler("cancelled", order_payment_settle)
    registry.register_edit_blocker(payment_fixed)
    registry.register_totals_adjuster(goodwill_refit)
    registry.register_adjustment_note(adjustment_note)
    registry.register_cancellation_note(cancellation_note)
    registry.register_checkout_payment_methods(checkout_payment_methods)
    registry.register_after_place(after_place)
