"""Matching bank credits to what they pay: an order, a customer's account (a top-up) or a SEPA
collection — by reference and amount.

- An order: its transfer reference (ISO 11649 "RF…", `Order.payment_reference`) or its number
  ("FDS-2026-00042", also written "FDS 2026 00042" or "FDS202600042") in the label, and an amount
  no more than what is left to pay (a partial payment is fine).
- A top-up: the account reference of a customer (`Customer.payment_reference`, or the reference
  `account_reference(customer.pk)` computed from the customer's id).
- A SEPA collection: its message id in the label and an amount equal to what is left to receive of
  it or to one of its payment blocks (a bank may credit the FRST and RCUR debits of one file as two
  lines); or, without a message id, such an amount for exactly one collection whose due date is
  close to the booking date.

A line naming two different things, or an order with less left to pay than the amount, is left
for a person to match. Candidates of all the lines of a statement are loaded in a few queries.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cabas.errors import DomainError
from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.payments.accounts import ledger
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import (
    AccountEntry,
    Collection,
    CollectionItem,
    PaymentMethod,
    StatementLine,
)
from cabas.payments.records import services as services_payments
from cabas.payments.references import ACCOUNT_PREFIX, account_reference, references_in
from cabas.payments.sepa import services as services_sepa

# Orders a transfer may pay.
PAYABLE = (Order.Status.PLACED, Order.Status.FULFILLED)
# A SEPA collection is credited around its due date: from a few days before (a bank booking it
# early) to ten days after.
COLLECTION_WINDOW = (datetime.timedelta(days=-5), datetime.timedelta(days=10))
# An amount computed by a query (a sum of credits, what is left to pay).
MONEY = DecimalField(max_digits=12, decimal_places=2)
# A word of a label that may be a collection's message id (as written in its pain.008 file).
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{5,34}")
_ORDER_NUMBER = re.compile(r"\b([A-Z]{1,5})[\s\-_/.]?(\d{4})[\s\-_/.]?(\d{5})(?!\d)")


@dataclass
class Match:
    kind: str  # "order", "account" or "collection"
    target: object


def line_text(line) -> str:
    return f"{line.label} {line.bank_reference}".upper()


def order_numbers_in(text: str) -> set[str]:
    """Order numbers written in a bank label, as stored ("FDS-2026-00042")."""
    return {f"{prefix}-{year}-{number}" for prefix, year, number in _ORDER_NUMBER.findall(text.upper())}


def account_customer_ids(references: list[str]) -> set[int]:
    """The customer ids whose account reference is among `references`."""
    ids = set()
    for reference in references:
        body = reference[4:]
        if body.startswith(ACCOUNT_PREFIX) and body[len(ACCOUNT_PREFIX) :].isdigit():
            customer_id = int(body[len(ACCOUNT_PREFIX) :])
            if account_reference(customer_id) == reference:
                ids.add(customer_id)
    return ids


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class Matcher:
    """Finds what the credit lines of one seller pay. Load the candidates of many lines at once
    with `load(lines)`, then ask `find(line)` for each; `applied(match, line)` keeps the amounts
    left to pay up to date when several lines pay the same order."""

    def __init__(self, seller):
        self.seller = seller
        self.orders: dict[int, Order] = {}
        self.customers: list[Customer] = []
        self.collections: list[Collection] | None = None
        # Message ids of collections (received or not) written as such in the labels.
        self.named_ids: set[str] = set()

    def load(self, lines) -> None:
        refs, numbers, tokens = set(), set(), set()
        for line in lines:
            text = line_text(line)
            refs.update(references_in(text))
            numbers.update(order_numbers_in(text))
            found = _TOKEN.findall(f"{line.label} {line.bank_reference}")
            tokens.update(token for token in found if any(c.isdigit() for c in token))
        tokens = sorted(tokens)
        for start in range(0, len(tokens), 500):
            ids = Collection.objects.filter(seller=self.seller, message_id__in=tokens[start : start + 500])
            self.named_ids.update(_compact(i) for i in ids.values_list("message_id", flat=True))
        if refs or numbers:
            orders = Order.objects.filter(seller=self.seller, status__in=PAYABLE).filter(
                Q(payment_reference__in=refs) | Q(number__in=numbers)
            )
            self.orders = {order.pk: order for order in services_payments.with_paid(orders)}
        if refs:
            self.customers = list(
                Customer.objects.filter(enterprise=self.seller).filter(
                    Q(payment_reference__in=refs) | Q(pk__in=account_customer_ids(sorted(refs)))
                )
            )

    def _collections(self) -> list[Collection]:
        if self.collections is None:
            self.collections = open_collections(self.seller)
        return self.collections

    def find(self, line) -> Match | None:
        if line.amount <= 0:
            return None
        text = line_text(line)
        refs = references_in(text)
        numbers = order_numbers_in(text)
        ids = account_customer_ids(sorted(refs))
        orders = [o for o in self.orders.values() if o.payment_reference in refs or o.number in numbers]
        customers = [c for c in self.customers if c.payment_reference in refs or c.pk in ids]
        if len(orders) + len(customers) > 1:
            return None  # two things named: a person decides
        if orders:
            order = orders[0]
            left = order.total - order.paid
            return Match("order", order) if 0 < line.amount <= left else None
        if customers:
            return Match("account", customers[0])
        return self._find_collection(line, text)

    def _find_collection(self, line, text: str) -> Match | None:
        collections = self._collections()
        if not collections:
            return None
        compact = _compact(text)
        named = [c for c in collections if _compact(c.message_id) and _compact(c.message_id) in compact]
        named_ids = {_compact(c.message_id) for c in named} | {i for i in self.named_ids if i in compact}
        if named_ids:
            # A collection is named: that one or none (even if it was received already).
            fits = len(named_ids) == 1 and len(named) == 1 and line.amount in named[0].amounts
            return Match("collection", named[0]) if fits else None
        early, late = COLLECTION_WINDOW
        same = [
            c
            for c in collections
            if line.amount in c.amounts
            and c.collection_date + early <= line.booked_on <= c.collection_date + late
        ]
        return Match("collection", same[0]) if len(same) == 1 else None

    def applied(self, match: Match, line) -> None:
        if match.kind == "order":
            match.target.paid += line.amount
        elif match.kind == "collection":
            _credit(match.target, line.amount)
            self.collections = [c for c in self._collections() if c.credited < c.total]


def _credit(collection: Collection, amount) -> None:
    """Count `amount` as credited on `collection` and update what may still be credited."""
    collection.credited += amount
    remaining = collection.total - collection.credited
    collection.amounts = {remaining} | {block for block in collection.blocks if block <= remaining}
    collection.amounts.discard(money.ZERO)


def open_collections(seller, pks=None) -> list[Collection]:
    """The SEPA collections of `seller` not fully credited yet by matched statement lines, each with
    `credited` (Σ of those lines), `blocks` (the total of each payment block: FRST and RCUR debits
    are two blocks of the file, which a bank may credit as two lines) and `amounts` (the credits that
    may still come: what is left, or a block no larger than it). Two queries."""
    credited = Coalesce(
        Sum("statement_lines__amount", filter=Q(statement_lines__status=StatementLine.Status.MATCHED)),
        Value(money.ZERO),
        output_field=MONEY,
    )
    collections = Collection.objects.filter(seller=seller)
    if pks is not None:
        collections = collections.filter(pk__in=pks)
    collections = list(collections.annotate(credited=credited).filter(credited__lt=F("total")))
    blocks = {}
    items = (
        CollectionItem.objects.filter(collection__in=[c.pk for c in collections])
        .values("collection", "sequence_type")
        .annotate(amount=Sum("amount"))
    )
    for item in items:
        blocks.setdefault(item["collection"], set()).add(item["amount"])
    for collection in collections:
        collection.blocks = blocks.get(collection.pk, set())
        _credit(collection, money.ZERO)
    return collections


# --- Recording a match ------------------------------------------------------------------------


def _transfer_method(seller, order: Order | None = None) -> PaymentMethod | None:
    if order is not None and order.payment_method_id:
        method = PaymentMethod.objects.filter(
            pk=order.payment_method_id, kind=PaymentMethod.Kind.TRANSFER
        ).first()
        if method is not None:
            return method
    return (
        PaymentMethod.objects.filter(enterprise=seller, kind=PaymentMethod.Kind.TRANSFER)
        .order_by("-active", "position", "id")
        .first()
    )


def _payment_fields(line) -> dict:
    return {
        "seller": line.seller,
        "kind": PaymentMethod.Kind.TRANSFER,
        "amount": line.amount,
        "received_on": line.booked_on,
        "reference": line.bank_reference or line.label,
        "note": _("Relevé bancaire : %(label)s") % {"label": line.label},
        "idempotency_key": f"statement-line-{line.uuid}",
    }


def _lock_unmatched(line) -> StatementLine:
    locked = StatementLine.objects.select_for_update().select_related("seller").get(pk=line.pk)
    if locked.status != StatementLine.Status.UNMATCHED:
        raise PaymentError(_("Cette opération est déjà rapprochée ou ignorée."))
    if locked.amount <= 0:
        raise PaymentError(
            _("Seuls les crédits (sommes reçues) se rapprochent d'une commande ou d'un compte.")
        )
    return locked


def _matched(line: StatementLine, **fields) -> StatementLine:
    line.status = StatementLine.Status.MATCHED
    for name, value in fields.items():
        setattr(line, name, value)
    line.save(update_fields=["status", *fields])
    return line


@transaction.atomic
def match_order(line, order: Order, *, user=None, within_left: bool = True) -> StatementLine:
    """Record the credit `line` as a transfer paying `order`. With `within_left` (automatic
    matching), an amount above what is left to pay is refused."""
    line = _lock_unmatched(line)
    if order.seller_id != line.seller_id:
        raise PaymentError(_("Cette commande n'est pas une commande de ce vendeur."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in PAYABLE:
        raise PaymentError(
            _("La commande %(number)s est « %(status)s » : elle ne peut pas être payée.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    left = order.total - services_payments.order_paid(order)
    if within_left and not 0 < line.amount <= left:
        raise PaymentError(
            _("Ce virement (%(amount)s) dépasse ce qui reste à payer sur la commande %(number)s (%(left)s).")
            % {
                "amount": money.format_eur(line.amount),
                "number": order.number,
                "left": money.format_eur(left),
            }
        )
    payment = services_payments.payment_record(
        order=order, method=_transfer_method(line.seller, order), user=user, **_payment_fields(line)
    )
    return _matched(line, payment=payment)


@transaction.atomic
def match_account(line, customer: Customer, *, user=None) -> StatementLine:
    """Record the credit `line` as a transfer topping up `customer`'s account."""
    line = _lock_unmatched(line)
    if customer.enterprise_id != line.seller_id:
        raise PaymentError(_("Ce client n'est pas un client de ce vendeur."))
    payment = services_payments.payment_record(
        customer=customer, method=_transfer_method(line.seller), user=user, **_payment_fields(line)
    )
    ledger.account_post(
        customer=customer,
        kind=AccountEntry.Kind.TOP_UP,
        amount=line.amount,
        payment=payment,
        note=_("Virement reçu le %(date)s") % {"date": line.booked_on.strftime("%d/%m/%Y")},
        user=user,
    )
    return _matched(line, payment=payment)


@transaction.atomic
def match_collection(line, collection: Collection, *, user=None) -> StatementLine:
    """Record the credit `line` as (a payment block of) the SEPA `collection`: the collection is
    settled (its debits are received) by the SEPA service."""
    line = _lock_unmatched(line)
    if collection.seller_id != line.seller_id:
        raise PaymentError(_("Cette remise de prélèvements n'est pas une remise de ce vendeur."))
    Collection.objects.select_for_update().filter(pk=collection.pk).values_list("pk", flat=True).get()
    [found] = open_collections(line.seller, pks=[collection.pk]) or [None]
    if found is None or line.amount > found.total - found.credited:
        raise PaymentError(
            _("Ce crédit dépasse ce qui reste à recevoir de la remise %(reference)s.")
            % {"reference": collection.message_id}
        )
    services_sepa.collection_settle(collection=collection, user=user)
    return _matched(line, collection=collection)


APPLY = {"order": match_order, "account": match_account, "collection": match_collection}


def apply(match: Match, line, *, user=None) -> bool:
    """Record `match` for `line` in a savepoint; False (nothing written) if it is refused."""
    try:
        with transaction.atomic():
            APPLY[match.kind](line, match.target, user=user)
    except DomainError:
        return False
    return True
