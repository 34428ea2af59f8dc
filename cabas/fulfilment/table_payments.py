"""Money taken at the distribution table: cash or a cheque handed over for an order of the evening,
recorded as a payment of the order (`payment_record`) by the member at the table.

Refused with a French message, nothing recorded: a kind other than cash or cheque, an order
cancelled or already paid, an amount that is not a positive number or that is more than what is
left to pay plus MARGIN (a slip of the finger: 2 340 typed for 23,40; a cheque a few euros over
is taken, the order then shows what to give back). A second post with the same idempotency key
(a double tap on a slow phone) gives back the payment recorded the first time.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.orders.models import Order
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import order_lock, order_owed
from cabas.payments.models import Payment, PaymentMethod
from cabas.payments.records.services import clean_amount, order_paid, payment_record
from cabas.payments.selectors import payment_method_for

CASH, CHEQUE = PaymentMethod.Kind.CASH, PaymentMethod.Kind.CHEQUE
TABLE_KINDS = (CASH, CHEQUE)
MARGIN = Decimal("20.00")  # taken beyond what is left to pay, at most


def _amount(amount, due: Decimal) -> Decimal:
    value = clean_amount(amount)
    if value < 0:
        raise PaymentError(_("Indiquez un montant positif."))
    if value > due + MARGIN:
        raise PaymentError(
            _("Montant trop élevé : il reste %(due)s à payer (au plus %(most)s à la table).")
            % {"due": money.format_eur(due), "most": money.format_eur(due + MARGIN)}
        )
    return value


@transaction.atomic
def table_payment(
    *, seller, order: Order, kind: str, amount, idempotency_key: str, cheque_number: str = "", user=None
) -> Payment:
    """Record `amount` (a number or a French-typed string) received in cash or by cheque for
    `order` of `seller`, by `user`. Raises PaymentError (French message); nothing is written then."""
    if kind not in TABLE_KINDS:
        raise PaymentError(_("À la table, choisissez Espèces ou Chèque."))
    order_lock(order.pk)  # one payment at a time per order: two phones cannot both take what is due
    if idempotency_key:
        existing = Payment.objects.filter(seller=seller, idempotency_key=idempotency_key[:80]).first()
        if existing is not None:
            return existing
    order.refresh_from_db(fields=["status", "total"])
    if order.status == Order.Status.CANCELLED:
        raise PaymentError(_("Cette commande est annulée : rien n'a été encaissé."))
    due = money.round_money(order_owed(order) - order_paid(order))
    if due <= 0:
        raise PaymentError(_("Cette commande est déjà payée : rien n'a été encaissé."))
    return payment_record(
        seller=seller,
        kind=kind,
        amount=_amount(amount, due),
        order=order,
        method=payment_method_for(order, kind),
        cheque_number=cheque_number if kind == CHEQUE else "",
        idempotency_key=idempotency_key,
        user=user,
    )
