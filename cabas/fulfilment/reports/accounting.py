"""Accounting reports: fees by beneficiary, by order and by producer, VAT by rate, by producer and by
order, and what the seller pays back to its producers.

How Cabas prices an order (`cabas.cycles.pricing`): every amount is VAT included. An order holds
product lines (`Line.total` = quantity × producer price) and fee lines (`FeeLine.amount`, each owned
by the enterprise it goes to: a producer's supplier fees, the coordinator's, the distributor's, the
platform's, the shipping and payment methods' fees). Fees are added on top of the producer price,
never taken from it. Negative fee lines lower the order: solidarity prices and goodwill reductions
granted with a refund (type « Geste commercial »); they are reported as what they are.

VAT: `Order.vat_total` is built by `cabas.cycles.pricing.order_totals`: for each order, the amounts
(lines and fee lines) are summed per VAT rate, and the VAT within each sum is split once
(`cabas.lib.money.split_vat`, half up to the cent). These reports split VAT exactly that way, per
order and rate, then add the orders up: Σ VAT by rate = Σ `Order.vat_total`, and excl. VAT + VAT =
incl. VAT on every row. A per-producer VAT splits the producer's lines of each order per rate.

Supplier fees: in Cabas a supplier fee is one of a producer's own fees, attached to it in the cycle
(`CycleSupplier.fees`; a supplier may only attach fees it owns). A fee line is counted as producer
P's supplier fee when its fee is attached to P as a supplier fee in the order's cycle, as the cycle
is now (a fee deleted or removed from the cycle since then is not: it still shows in « Frais par
bénéficiaire »). These fees are paid by the customers on top of the producer price and belong to the
producer: the seller owes them to it with its products (nothing is deducted from the producer).

Bank details: `Enterprise` has no bank account; a producer's IBAN is the one of its active transfer
or SEPA payment method (the account its own customers pay into), blank when it has none.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import CycleSupplier
from cabas.fulfilment.reports.base import (
    DATE,
    INT,
    MONEY,
    RATE,
    TEXT,
    Column,
    Filters,
    Report,
    register,
    reported_fee_lines,
    reported_lines,
    reported_orders,
)
from cabas.lib.money import CENT, ZERO, round_money, split_vat
from cabas.orders.models import FeeLine
from cabas.payments.bank_details import iban_display
from cabas.payments.models import PaymentMethod

CHUNK = 2000
FEE_TYPES = dict(FeeLine.TYPES)
# The payment methods whose account is the enterprise's own bank account.
BANK_ACCOUNT_KINDS = (PaymentMethod.Kind.TRANSFER, PaymentMethod.Kind.SEPA)

# Filters of the reports reading orders (and fee lines), and of those reading a producer's lines.
ORDER_FILTERS = ("from", "to", "cycle", "distribution_date", "shipping_method")
PRODUCER_FILTERS = (*ORDER_FILTERS, "producer")


def fee_type_label(fee_type: str) -> str:
    return str(FEE_TYPES.get(fee_type, fee_type))


def customer_name(full_name: str, email: str) -> str:
    return full_name or email


def placed_on(placed_at):
    """The local date an order was placed (None when it has none)."""
    return timezone.localdate(placed_at) if placed_at else None


def supplier_fee_lines(filters: Filters) -> QuerySet:
    """The reported fee lines that are supplier fees: their fee is attached, in the order's cycle,
    to their owner as a supplier (see the module's docstring); only `filters.producer`'s when set."""
    attached = CycleSupplier.fees.through.objects.filter(
        cyclesupplier__cycle_id=OuterRef("order__cycle_id"),
        cyclesupplier__supplier_id=OuterRef("enterprise_id"),
        fee_id=OuterRef("fee_id"),
    )
    lines = reported_fee_lines(filters).filter(Exists(attached))
    if filters.producer:
        lines = lines.filter(enterprise=filters.producer)
    return lines


def _money(value) -> Decimal:
    return round_money(value) if value is not None else ZERO


# --- fees -------------------------------------------------------------------------------------


def _fee_groups(fee_lines, owner_key: str) -> Iterator[dict]:
    """`fee_lines` summed per owner (under `owner_key`) and fee: orders and amount. One query."""
    groups = (
        fee_lines.values("enterprise_id", "enterprise__name", "name", "fee_type")
        .annotate(orders=Count("order_id", distinct=True), amount=Sum("amount"))
        .order_by("enterprise__name", "enterprise_id", "name", "fee_type")
    )
    for group in groups.iterator(chunk_size=CHUNK):
        yield {
            owner_key: group["enterprise__name"],
            "fee": group["name"],
            "fee_type": fee_type_label(group["fee_type"]),
            "orders": group["orders"],
            "amount": _money(group["amount"]),
        }


@register
class FeesSummary(Report):
    name = "fees-summary"
    title = _("Frais par bénéficiaire")
    group = "accounting"
    description = _(
        "Les frais des commandes, par bénéficiaire et par frais : nombre de commandes et montant TTC. "
        "Les prix solidaires et les gestes commerciaux sont des lignes négatives du vendeur."
    )
    filters = ORDER_FILTERS
    columns = (
        Column("owner", _("Bénéficiaire")),
        Column("fee", _("Frais")),
        Column("fee_type", _("Type")),
        Column("orders", _("Commandes"), INT),
        Column("amount", _("Montant TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _fee_groups(reported_fee_lines(filters), "owner")


@register
class FeesByOrder(Report):
    name = "fees-by-order"
    title = _("Frais par commande")
    group = "accounting"
    description = _(
        "Chaque commande : ses produits, ses frais (prix solidaires et gestes commerciaux déduits) "
        "et son total, TTC."
    )
    filters = ORDER_FILTERS
    columns = (
        Column("number", _("Commande")),
        Column("customer", _("Client")),
        Column("placed_on", _("Passée le"), DATE),
        Column("items", _("Produits TTC"), MONEY, total=True),
        Column("fees", _("Frais TTC"), MONEY, total=True),
        Column("total", _("Total TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        orders = (
            reported_orders(filters)
            .values_list("number", "full_name", "email", "placed_at", "items_total", "fees_total", "total")
            .order_by("placed_at", "id")
        )
        for number, full_name, email, placed_at, items, fees, total in orders.iterator(chunk_size=CHUNK):
            yield {
                "number": number,
                "customer": customer_name(full_name, email),
                "placed_on": placed_on(placed_at),
                "items": items,
                "fees": fees,
                "total": total,
            }


@register
class FeesByProducer(Report):
    name = "fees-by-producer"
    title = _("Frais par producteur")
    group = "accounting"
    description = _(
        "Les frais fournisseurs de chaque producteur : ses propres frais, ajoutés au prix de ses "
        "produits dans le cycle, qui lui reviennent. Les autres frais sont dans « Frais par "
        "bénéficiaire »."
    )
    filters = PRODUCER_FILTERS
    columns = (
        Column("producer", _("Producteur")),
        Column("fee", _("Frais")),
        Column("fee_type", _("Type")),
        Column("orders", _("Commandes"), INT),
        Column("amount", _("Montant TTC"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        return _fee_groups(supplier_fee_lines(filters), "producer")


def producer_ibans(producer_ids: QuerySet) -> dict[int, str]:
    """{producer id: the IBAN of its first active transfer or SEPA payment method} (one query)."""
    methods = (
        PaymentMethod.objects.filter(enterprise_id__in=producer_ids, kind__in=BANK_ACCOUNT_KINDS, active=True)
        .exclude(iban="")
        .values_list("enterprise_id", "iban")
        .order_by("enterprise_id", "position", "id")
    )
    ibans: dict[int, str] = {}
    for enterprise_id, iban in methods:
        ibans.setdefault(enterprise_id, iban_display(iban))
    return ibans


@register
class PayYourSuppliers(Report):
    name = "pay-your-suppliers"
    title = _("Reversements aux producteurs")
    group = "accounting"
    description = _(
        "Ce que le vendeur doit à chaque producteur : ses produits vendus (prix producteur TTC) plus "
        "ses frais fournisseurs, payés par les clients en plus du prix ; rien n'est retenu au "
        "producteur. L'IBAN est celui de son moyen de paiement par virement ou prélèvement."
    )
    filters = PRODUCER_FILTERS
    columns = (
        Column("producer", _("Producteur")),
        Column("orders", _("Commandes"), INT),
        Column("items", _("Produits vendus TTC"), MONEY, total=True),
        Column("fees", _("Frais fournisseurs TTC"), MONEY, total=True),
        Column("due", _("À reverser TTC"), MONEY, total=True),
        Column("iban", _("IBAN"), TEXT),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        lines = reported_lines(filters)
        fees = dict(
            supplier_fee_lines(filters)
            .values("enterprise_id")
            .annotate(amount=Sum("amount"))
            .order_by()
            .values_list("enterprise_id", "amount")
        )
        ibans = producer_ibans(lines.values("producer_id"))
        groups = (
            lines.values("producer_id", "producer__name")
            .annotate(orders=Count("order_id", distinct=True), items=Sum("total"))
            .order_by("producer__name", "producer_id")
        )
        for group in groups.iterator(chunk_size=CHUNK):
            producer_id = group["producer_id"]
            items, fee = _money(group["items"]), _money(fees.get(producer_id))
            yield {
                "producer": group["producer__name"],
                "orders": group["orders"],
                "items": items,
                "fees": fee,
                "due": items + fee,
                "iban": ibans.get(producer_id, ""),
            }


# --- VAT --------------------------------------------------------------------------------------


def _amounts_by_order_and_rate(lines: QuerySet, fee_lines: QuerySet) -> Iterator[tuple]:
    """(order id, rate, amount) sums sorted by order then rate: the lines' totals and the fee lines'
    amounts, two sorted streams merged (an order and rate may come once from each)."""
    streams = [
        queryset.values("order_id", "tax_rate")
        .annotate(amount=Sum(field))
        .order_by("order_id", "tax_rate")
        .values_list("order_id", "tax_rate", "amount")
        .iterator(chunk_size=CHUNK)
        for queryset, field in ((lines, "total"), (fee_lines, "amount"))
    ]
    return heapq.merge(*streams, key=lambda row: (row[0], row[1]))


def vat_rows_by_rate(rows: Iterable[tuple]) -> dict[Decimal, list[Decimal]]:
    """{rate (percent, to the cent): [incl., VAT, excl.]} from (order id, rate, amount) rows sorted
    by order: the amounts of each order summed per rate and the VAT within split once
    (`split_vat`), as `order_totals` builds `Order.vat_total`."""
    sums: dict[Decimal, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for _order_id, rows_of_order in itertools.groupby(rows, key=lambda row: row[0]):
        bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
        for _row_order, rate, amount in rows_of_order:
            bases[Decimal(rate).quantize(CENT)] += round_money(amount)
        for rate, base in bases.items():
            excl, vat = split_vat(base, rate)
            total = sums[rate]
            total[0], total[1], total[2] = total[0] + base, total[1] + vat, total[2] + excl
    return sums


VAT_COLUMNS = (
    Column("incl", _("Montant TTC"), MONEY, total=True),
    Column("vat", _("TVA"), MONEY, total=True),
    Column("excl", _("Montant HT"), MONEY, total=True),
)


@register
class VatByRate(Report):
    name = "vat-by-rate"
    title = _("TVA par taux")
    group = "accounting"
    description = _(
        "La TVA des produits et des frais par taux, calculée comme celle des commandes (par "
        "commande et par taux) : le total est la somme de la TVA des commandes."
    )
    filters = ORDER_FILTERS
    columns = (Column("rate", _("Taux de TVA"), RATE), *VAT_COLUMNS)

    def rows(self, filters: Filters) -> Iterator[dict]:
        merged = _amounts_by_order_and_rate(reported_lines(filters), reported_fee_lines(filters))
        for rate, (incl, vat, excl) in sorted(vat_rows_by_rate(merged).items()):
            yield {"rate": rate, "incl": incl, "vat": vat, "excl": excl}


@register
class VatByProducer(Report):
    name = "vat-by-producer"
    title = _("TVA par producteur")
    group = "accounting"
    description = _(
        "La TVA des produits de chaque producteur (sans les frais), calculée par commande et par "
        "taux comme celle des commandes."
    )
    filters = PRODUCER_FILTERS
    columns = (Column("producer", _("Producteur")), *VAT_COLUMNS)

    def rows(self, filters: Filters) -> Iterator[dict]:
        groups = (
            reported_lines(filters)
            .values("producer_id", "producer__name", "order_id", "tax_rate")
            .annotate(amount=Sum("total"))
            .order_by("producer__name", "producer_id", "order_id", "tax_rate")
            .values_list("producer_id", "producer__name", "order_id", "tax_rate", "amount")
        )
        by_producer = itertools.groupby(groups.iterator(chunk_size=CHUNK), key=lambda row: row[:2])
        for (_producer_id, producer_name), rows in by_producer:
            sums = vat_rows_by_rate(row[2:] for row in rows)
            incl = sum((s[0] for s in sums.values()), ZERO)
            vat = sum((s[1] for s in sums.values()), ZERO)
            yield {"producer": producer_name, "incl": incl, "vat": vat, "excl": incl - vat}


@register
class VatByOrder(Report):
    name = "vat-by-order"
    title = _("TVA par commande")
    group = "accounting"
    description = _("Chaque commande : son total TTC, la TVA qu'il contient et son montant HT.")
    filters = ORDER_FILTERS
    columns = (
        Column("number", _("Commande")),
        Column("customer", _("Client")),
        Column("placed_on", _("Passée le"), DATE),
        *VAT_COLUMNS,
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        orders = (
            reported_orders(filters)
            .values_list("number", "full_name", "email", "placed_at", "total", "vat_total")
            .order_by("placed_at", "id")
        )
        for number, full_name, email, placed_at, total, vat in orders.iterator(chunk_size=CHUNK):
            yield {
                "number": number,
                "customer": customer_name(full_name, email),
                "placed_on": placed_on(placed_at),
                "incl": total,
                "vat": vat,
                "excl": total - vat,
            }
