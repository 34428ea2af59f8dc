"""The buyer is emailed each payment the seller records for their order, and each refund: how
much, and what is left to pay (or to give back). Sent after commit, from the seller's name.

Card payments are not announced here: the buyer pays them on the page that confirms them, and
their refunds have their own email (cabas/payments/card).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from cabas.lib.money import format_eur
from cabas.orders.models import Order
from cabas.orders.tasks import buyer_email_enqueue
from cabas.payments.goodwill import order_owed
from cabas.payments.models import Payment, PaymentMethod

SUCCEEDED = Payment.State.SUCCEEDED


def balance_note(order: Order, paid: Decimal) -> str:
    """Where `order`'s payment stands once it received `paid`, in a French sentence."""
    owed = order_owed(order)
    if paid < owed:
        return _("Il reste %(due)s à payer sur %(total)s.") % {
            "due": format_eur(owed - paid),
            "total": format_eur(owed),
        }
    if paid > owed:
        return _("%(back)s restent à vous rembourser.") % {"back": format_eur(paid - owed)}
    if order.status == Order.Status.CANCELLED:
        return _("Tout ce que vous aviez réglé pour cette commande vous a été rendu.")
    return _("Votre commande est entièrement réglée.")


def payment_notify(payment: Payment, *, paid: Decimal) -> None:
    """Email the buyer of `payment`'s order (received `paid` in all, with it) after commit."""
    if payment.order_id is None or payment.state != SUCCEEDED or payment.kind == PaymentMethod.Kind.CARD:
        return
    # Read again: a refund may just have lowered the order's total (a goodwill reduction).
    order = Order.objects.select_related("seller", "user").get(pk=payment.order_id)
    buyer_email_enqueue(
        order,
        "emails/payments/order_payment",
        lambda: {
            "amount": format_eur(abs(payment.amount)),
            "refund": payment.amount < 0,
            "balance": balance_note(order, paid),
        },
    )
