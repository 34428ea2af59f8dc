"""A synthetic, consistent order history at scale, for the reports' tests and the benchmarks
(`manage.py seed_scale`). Development only: refused when `settings.DEBUG` is off.

What it builds, all from `random.Random(seed)` (the same seed on the same day builds the same
history): a few hubs (they sell the products of others; every order is a hub's) and producers
(they sell their own, and supply the hubs) with French names, about twenty products per producer
in the reference categories, customers per hub, one weekly order cycle per hub over about six
months (its suppliers, its distribution with the hub's pickup and delivery methods, payment
methods and packing fee, the variants offered), then orders in chronological order — placed,
collected, a few cancelled — numbered per seller as the checkout numbers them, with their lines,
fee lines and, for most, a payment.

An order is priced by the application's own code: each line is what `orders.lines.line_snapshot`
records of its variant, the fee lines are `FeeContext.order_fee_lines` (the hub's packing fee, the
supplier fees, the shipping fee, the platform's fees when the platform exists) and the totals are
`cycles.pricing.order_totals` — so items_total = Σ line totals, total = items_total + fees_total
and vat_total is the VAT the checkout would have computed.

Every run adds a new, separate history: its enterprises' slugs end with `-e<seed>-<run>`, the
run being one more than the runs of that seed already in the database. Rows are written a batch
of orders at a time (never the whole history in memory), in one transaction (nothing is left if
it fails): `bulk_create`, and COPY for the lines and fee lines on PostgreSQL. About 80 s and
230 MB for a million lines on PostgreSQL (bench/README.md).
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.cycles.pricing import FeeContext, LineData, order_totals
from cabas.enterprises.models import Enterprise
from cabas.fulfilment.scale_world import LINES_PER_ORDER, Slot, World, world_build
from cabas.lib.money import round_money
from cabas.orders.lines import LINE_SNAPSHOT_FIELDS, line_snapshot, line_values
from cabas.orders.models import Customer, FeeLine, Line, Order, OrderNumberSequence
from cabas.orders.placing import order_number
from cabas.payments.models import Payment, PaymentMethod

BATCH_SIZE = 5000  # rows per INSERT
ORDERS_PER_FLUSH = 2000  # orders generated, then written with their lines, before the next ones
PROGRESS_EVERY = 100_000  # lines
QUANTITY = (1, 4)  # of each line
# What is written of a line and of a fee line, in this order.
_SNAPSHOT = tuple(Line._meta.get_field(name).attname for name in LINE_SNAPSHOT_FIELDS)
LINE_FIELDS = ("order_id", "variant_id", *_SNAPSHOT)  # what the checkout writes, `line_snapshot`
_PRICE, _RATE = (_SNAPSHOT.index(name) + 1 for name in ("unit_price", "tax_rate"))  # in `_line`'s row
FEE_LINE_FIELDS = ("order_id", "fee_id", "enterprise_id", "name", "fee_type", "amount", "tax_rate")
DELIVERED_SHARE = 0.25  # of the orders delivered at home rather than collected


class ScaleRefused(Exception):
    """The history cannot be built (DEBUG off, a bad size, no reference data): nothing written."""


@dataclass
class ScaleSummary:
    seed: int
    run: int
    hubs: int = 0
    producers: int = 0
    products: int = 0
    variants: int = 0
    customers: int = 0
    cycles: int = 0
    orders: int = 0
    lines: int = 0
    fee_lines: int = 0
    payments: int = 0
    seconds: float = 0.0


def scale_build(
    *, lines: int, seed: int = 1, hubs: int | None = None, progress: Callable[[int], None] | None = None
) -> ScaleSummary:
    """Build a history of at least `lines` order lines (see the module) over `hubs` hubs (None: 2 to
    8 by size); `progress` is called with the number of lines written every `PROGRESS_EVERY` lines.
    Raises ScaleRefused."""
    if not settings.DEBUG:
        raise ScaleRefused(
            _(
                "Refusé : seed_scale écrit des données fictives en masse et ne fonctionne qu'en "
                "développement (DEBUG activé). Rien n'a été écrit."
            )
        )
    if lines < 1:
        raise ScaleRefused(_("Le nombre de lignes de commande doit être au moins 1."))
    if hubs is not None and not 1 <= hubs <= 50:
        raise ScaleRefused(_("Le nombre de points de vente doit être entre 1 et 50."))
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # check foreign keys per statement, not at commit
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        run = _run_next(seed)
        world = world_build(rng, seed=seed, run=run, lines=lines, hubs=hubs, today=timezone.localdate())
        if world is None:
            raise ScaleRefused(
                _("Les catégories de référence manquent : lancez d'abord « manage.py migrate ».")
            )
        summary = ScaleSummary(seed=seed, run=run, **world.counts())
        _history_build(rng, world, lines, summary, progress)
    _statistics_refresh()
    summary.seconds = time.monotonic() - started
    return summary


def run_suffix(seed: int, run: int) -> str:
    """The end of the slugs of the enterprises of one run."""
    return f"-e{seed}-{run}"


def _run_next(seed: int) -> int:
    """One more than the runs of `seed` already in the database."""
    run = 1
    while Enterprise.objects.filter(slug__endswith=run_suffix(seed, run)).exists():
        run += 1
    return run


@dataclass
class _Batch:
    """Orders generated and not written yet, each with its lines, fee lines and payment (or None)."""

    orders: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    fee_lines: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    line_count: int = 0


def _history_build(rng, world: World, lines: int, summary: ScaleSummary, progress) -> None:
    """Orders cycle after cycle, in chronological order, until `lines` lines: each cycle gets its
    share (its weight) of the lines; within a cycle, orders are placed one after the other."""
    templates: dict[int, Line] = {}
    total_weight = sum(slot.weight for slot in world.slots)
    mean_lines = sum(LINES_PER_ORDER) / 2
    batch, generated, cumulative = _Batch(), 0, 0
    for index, slot in enumerate(world.slots):
        cumulative += slot.weight
        last = index == len(world.slots) - 1
        target = lines if last else math.ceil(lines * cumulative / total_weight)
        at = slot.opens_at
        while generated < target:
            # The next order comes after a random share of the time left for the orders still
            # expected, never past the end of the cycle.
            expected = max(1.0, (target - generated) / mean_lines)
            left = (slot.ends_at - at).total_seconds()
            at += datetime.timedelta(seconds=rng.uniform(0, 2 * left / (expected + 1)))
            generated += _order_make(rng, world, slot, at, templates, batch)
            if len(batch.orders) >= ORDERS_PER_FLUSH:
                _flush(batch, summary, progress)
                batch = _Batch()
    _flush(batch, summary, progress)
    OrderNumberSequence.objects.bulk_create(
        [OrderNumberSequence(seller=shop.hub, last=shop.last) for shop in world.shops if shop.last]
    )


def _line(variant, quantity: int, context: FeeContext, templates: dict[int, Line]) -> tuple:
    """The values (`LINE_FIELDS` but the order) of a line of `quantity` of `variant` as the
    checkout records it (`line_snapshot`, taken once per variant: it depends on the variant only)."""
    line = templates.get(variant.pk)
    if line is None:
        line = templates[variant.pk] = line_snapshot(Line(), variant, 1, context)
    values = dict(zip(_SNAPSHOT, line_values(line), strict=True))
    values.update(quantity=quantity, total=round_money(line.unit_price * quantity))
    return (variant.pk, *values.values())


def _order_make(rng, world: World, slot: Slot, at, templates, batch: _Batch) -> int:
    """Add one order of `slot` placed `at` to `batch`; returns its number of lines."""
    shop = slot.shop
    customer = rng.choice(shop.customers)
    delivered = rng.random() < DELIVERED_SHARE
    shipping = shop.delivery if delivered else rng.choice(shop.pickups)
    method = rng.choices(shop.payment_methods, weights=shop.payment_weights)[0]
    count = min(rng.randint(*LINES_PER_ORDER), len(shop.variants))
    pairs = [(variant, rng.randint(*QUANTITY)) for variant in rng.sample(shop.variants, count)]
    rows = [_line(variant, quantity, shop.context, templates) for variant, quantity in pairs]
    fees = shop.context.order_fee_lines(pairs, shipping, method)
    totals = order_totals(
        [
            LineData(*pair, unit_price=row[_PRICE], tax_rate=row[_RATE])
            for pair, row in zip(pairs, rows, strict=True)
        ],
        fees,
    )
    status = _status(rng, slot, world)
    shop.last += 1
    order = Order(
        seller_id=shop.hub.pk,
        customer_id=customer.pk,
        cycle_id=slot.cycle.pk,
        status=status,
        number=order_number(shop.prefix, timezone.localtime(at).year, shop.last),
        shipping_method_id=shipping.pk,
        payment_method_id=method.pk,
        pickup_at=slot.pickup_at,
        email=customer.email,
        full_name=customer.full_name,
        phone=customer.phone,
        address=customer.address if delivered else "",
        postcode=customer.postcode if delivered else "",
        city=customer.city if delivered else "",
        items_total=totals.items_total,
        fees_total=totals.fees_total,
        total=totals.total,
        vat_total=totals.vat_total,
        placed_at=at,
        created_at=at,
    )
    batch.orders.append(order)
    batch.lines.append(rows)
    batch.fee_lines.append(
        [
            (
                fee.fee.pk if fee.fee is not None else None,
                fee.enterprise.pk,
                fee.name[:120],
                fee.fee_type,
                fee.amount,
                fee.tax_rate,
            )
            for fee in fees
        ]
    )
    batch.payments.append(_payment(rng, order, method, slot))
    batch.line_count += len(rows)
    return len(rows)


def _status(rng, slot: Slot, world: World) -> str:
    """Orders collected before today are fulfilled, a few never collected (still placed) or
    cancelled; orders of a distribution still to come are placed, a few cancelled."""
    draw = rng.random()
    if slot.pickup_at >= world.midnight:
        return Order.Status.CANCELLED if draw < 0.02 else Order.Status.PLACED
    if draw < 0.03:
        return Order.Status.CANCELLED
    return Order.Status.PLACED if draw < 0.05 else Order.Status.FULFILLED


def _payment(rng, order: Order, method, slot: Slot) -> Payment | None:
    """Card orders were paid when placed; most orders collected were paid at the pickup; half the
    transfers came before it; cancelled orders have no payment (nor the others)."""
    if order.status == Order.Status.CANCELLED:
        return None
    draw = rng.random()
    placed_on = timezone.localtime(order.placed_at).date()
    if method.kind == PaymentMethod.Kind.CARD:
        received_on = placed_on
    elif order.status == Order.Status.FULFILLED and draw < 0.92:
        received_on = timezone.localtime(slot.pickup_at).date()
    elif method.kind == PaymentMethod.Kind.TRANSFER and draw < 0.5:
        received_on = placed_on + datetime.timedelta(days=1)
    else:
        return None
    return Payment(
        seller_id=order.seller_id,
        customer_id=order.customer_id,
        method_id=method.pk,
        kind=method.kind,
        amount=order.total,
        state=Payment.State.SUCCEEDED,
        received_on=received_on,
        created_at=order.placed_at,
    )


def _flush(batch: _Batch, summary: ScaleSummary, progress) -> None:
    """Write the orders of `batch`, then (with their ids) their lines, fee lines and payments."""
    if not batch.orders:
        return
    Order.objects.bulk_create(batch.orders, batch_size=BATCH_SIZE)
    lines, fee_lines, payments = [], [], []
    for order, rows, fees, payment in zip(
        batch.orders, batch.lines, batch.fee_lines, batch.payments, strict=True
    ):
        lines += [(order.pk, *row) for row in rows]
        fee_lines += [(order.pk, *fee) for fee in fees]
        if payment is not None:
            payment.order_id = order.pk
            payments.append(payment)
    rows_insert(Line, LINE_FIELDS, lines)
    rows_insert(FeeLine, FEE_LINE_FIELDS, fee_lines)
    Payment.objects.bulk_create(payments, batch_size=BATCH_SIZE)
    before = summary.lines
    summary.orders += len(batch.orders)
    summary.lines += len(lines)
    summary.fee_lines += len(fee_lines)
    summary.payments += len(payments)
    if progress is not None and summary.lines // PROGRESS_EVERY > before // PROGRESS_EVERY:
        progress(summary.lines)


def _statistics_refresh() -> None:
    """ANALYZE the tables just filled (PostgreSQL): the planner would otherwise take them for the
    near-empty tables its statistics last saw, until autovacuum comes by, and choose plans a thousand
    times slower (a nested loop over 4,000 orders instead of a semi-join over 7 cycles)."""
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    tables = ", ".join(qn(model._meta.db_table) for model in (Order, Line, FeeLine, Payment, Customer))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def rows_insert(model, fields: tuple, rows: list[tuple]) -> None:
    """Insert `rows`, tuples of the values of `fields` (attribute names) of `model`: with COPY on
    PostgreSQL (about twice as fast as INSERT for the lines), with `bulk_create` elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=BATCH_SIZE
        )
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(name).column) for name in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
