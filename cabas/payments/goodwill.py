"""Goodwill reductions: a refund never makes a customer owe money.

A refund either pays back what an order was overpaid — a line removed or reduced, a fee waived, the
order cancelled: the order's total went down first — or it is a goodwill gesture that lowers what
the order is worth. The part of a refund beyond what the order was overpaid (what it received minus
its total; for a cancelled order, everything it received) is written, in the transaction that
records the refund as received, as negative fee lines of type "goodwill" (« Geste commercial du
… »), linked to the refund. The order's totals are computed again from its lines and fee lines, so
the total shown is the sum of the lines shown and what is left to pay is the same as before the
refund.

VAT: the reduction is split over the VAT rates of the order in proportion to what the order holds
at each rate (products and fees, net of earlier reductions), to the cent (largest remainder), one
line per rate; a rate never goes below zero, and the order's VAT stays the VAT of its lines.

An edit of the order (``order_edit``) keeps each reduction's amount and splits it again over what
the order then holds; an edit that would leave the order worth less than its reductions is refused
(the order can still be cancelled: then everything it received is given back).
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import formats
from django.utils.translation import gettext as _

from cabas.cycles.pricing import order_totals
from cabas.lib import money
from cabas.orders.exceptions import OrderNotEditable
from cabas.orders.models import FeeLine, Order
from cabas.payments.models import Payment

GOODWILL = FeeLine.GOODWILL
ZERO = money.ZERO


def order_owed(order: Order) -> Decimal:
    """What `order` should have received: its total, nothing once it is cancelled."""
    return ZERO if order.status == Order.Status.CANCELLED else order.total


def order_lock(order_id: int) -> None:
    """Lock the row of order `order_id` until the commit: taken before its payments' rows, as
    everywhere else, so that what an order owes and holds is read by one refund at a time."""
    Order.objects.select_for_update(of=("self",)).filter(pk=order_id).values_list("pk").get()


def _received(order: Order) -> Decimal:
    paid = order.payments.filter(state=Payment.State.SUCCEEDED).aggregate(s=Sum("amount"))["s"]
    return money.round_money(paid) if paid is not None else ZERO


def _bases(lines, fee_lines) -> dict[Decimal, Decimal]:
    """{VAT rate: what the order holds at that rate}: Σ product lines and fee lines."""
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for amount, rate in [
        *((line.total, line.tax_rate) for line in lines),
        *((f.amount, f.tax_rate) for f in fee_lines),
    ]:
        bases[Decimal(rate).normalize()] += money.round_money(amount)
    return bases


def split(amount: Decimal, bases: dict[Decimal, Decimal]) -> list[tuple[Decimal, Decimal]]:
    """[(rate, share)] of `amount` split over the positive `bases` in proportion, to the cent, the
    shares adding up to `amount` (largest remainder). With no positive base, one share at 0 %. A
    share is never more than its base when `amount` ≤ Σ positive bases."""
    cents = int(money.round_money(amount) * 100)
    positive = {rate: base for rate, base in bases.items() if base > 0}
    if cents <= 0:
        return []
    if not positive:
        return [(Decimal(0), Decimal(cents) / 100)]
    total = sum(positive.values(), ZERO)
    exact = {rate: Decimal(cents) * base / total for rate, base in positive.items()}
    shares = {rate: int(value) for rate, value in exact.items()}
    missing = cents - sum(shares.values())
    by_remainder = sorted(positive, key=lambda r: (exact[r] - shares[r], positive[r], r), reverse=True)
    for rate in by_remainder[:missing]:
        shares[rate] += 1
    return [(rate, Decimal(share) / 100) for rate, share in sorted(shares.items()) if share]


def _rate_display(rate: Decimal) -> str:
    return formats.number_format(Decimal(rate).normalize(), use_l10n=True)


def _lines(order: Order, refund_id: int | None, name: str, shares) -> list[FeeLine]:
    """One goodwill line per (rate, share), named `name` (with its rate when there are several)."""

    def named(rate):
        if len(shares) == 1:
            return name[:120]
        return (_("%(name)s — TVA %(rate)s %%") % {"name": name, "rate": _rate_display(rate)})[:120]

    return [
        FeeLine(
            order=order,
            fee=None,
            enterprise_id=order.seller_id,
            name=named(rate),
            fee_type=GOODWILL,
            amount=-share,
            tax_rate=rate,
            refund_id=refund_id,
        )
        for rate, share in shares
    ]


def _name(refund: Payment) -> str:
    day = formats.date_format(refund.received_on, "SHORT_DATE_FORMAT")
    return _("Geste commercial du %(date)s") % {"date": day}


def goodwill_record(*, refund: Payment) -> Decimal:
    """Turn the part of the received `refund` (a negative payment of an order) that the order did not
    owe into goodwill lines of the order, and compute its totals again. Call it in the transaction
    that records the refund as received; it locks the order row. Returns the reduction (0 when the
    refund only gave back what was overpaid); a refund already handled changes nothing."""
    if refund.order_id is None or refund.amount >= 0 or refund.state != Payment.State.SUCCEEDED:
        return ZERO
    order = Order.objects.select_for_update(of=("self",)).get(pk=refund.order_id)
    if FeeLine.objects.filter(refund=refund).exists():
        return ZERO
    reduction = min(-refund.amount, max(order_owed(order) - _received(order), ZERO))
    if reduction <= 0:
        return ZERO
    lines = list(order.lines.all())
    fee_lines = list(order.fee_lines.all())
    bases = _bases(lines, fee_lines)
    new = FeeLine.objects.bulk_create(_lines(order, refund.pk, _name(refund), split(reduction, bases)))
    if lines:
        totals = order_totals(lines, [*fee_lines, *new])
        order.items_total, order.fees_total = totals.items_total, totals.fees_total
        order.total, order.vat_total = totals.total, totals.vat_total
    else:  # an order without product lines (not made by the shop): only its totals to lower
        order.fees_total -= reduction
        order.total -= reduction
    order.save(update_fields=["items_total", "fees_total", "total", "vat_total", "updated_at"])
    return reduction


def goodwill_refit(*, order: Order, lines, fee_lines) -> list[FeeLine]:
    """After an edit: the goodwill lines of `order` split again over its new `lines` and other
    `fee_lines` (anything with amount and tax_rate), each reduction keeping its amount. Replaces
    the stored goodwill lines and returns them; the caller computes the totals. Raises
    OrderNotEditable (French) when the order would be worth less than its reductions."""
    kept = list(order.fee_lines.filter(fee_type=GOODWILL).select_related("refund").order_by("pk"))
    if not kept:
        return []
    groups: dict[tuple, Decimal] = {}  # (refund id, name) → the reduction, in the order granted
    for line in kept:
        key = (line.refund_id, _name(line.refund) if line.refund is not None else line.name)
        groups[key] = groups.get(key, ZERO) - line.amount
    bases = _bases(lines, fee_lines)
    granted = sum(groups.values(), ZERO)
    if granted > sum(bases.values(), ZERO):
        raise OrderNotEditable(
            _(
                "Cette commande a reçu un geste commercial de %(amount)s : elle ne peut pas descendre "
                "en dessous. Annulez-la plutôt : tout ce qu'elle a reçu vous sera rendu."
            )
            % {"amount": money.format_eur(granted)}
        )
    FeeLine.objects.filter(pk__in=[line.pk for line in kept]).delete()
    new = []
    for (refund_id, name), amount in groups.items():
        shares = split(amount, bases)
        for rate, share in shares:
            bases[rate] -= share
        new += _lines(order, refund_id, name, shares)
    return FeeLine.objects.bulk_create(new)
