"""Payment reports for a seller's managers: payments by method and period, customer balances at a
date, SEPA collections. Every figure is aggregated by the database (GROUP BY), so a report costs a
fixed number of queries whatever the history; totals are the exact sum of the rows shown.

Each report is also a CSV for a French spreadsheet (`;`, decimal comma, UTF-8 with a BOM).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, Max, Q, Sum
from django.db.models.functions import Trunc
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.lib import money, spreadsheet
from cabas.orders.models import Customer
from cabas.payments.models import Collection, Payment, PaymentMethod

ZERO = money.ZERO
SUCCEEDED = Payment.State.SUCCEEDED

PERIODS = {
    "day": gettext_lazy("Jour"),
    "week": gettext_lazy("Semaine"),
    "month": gettext_lazy("Mois"),
}


def _sum(value) -> Decimal:
    return money.round_money(value) if value is not None else ZERO


def period_label(start: datetime.date, period: str) -> str:
    """« 12/03/2026 », « semaine du 09/03/2026 », « mars 2026 » (in the active language)."""
    if period == "month":
        return dateformat.format(start, "F Y")
    if period == "week":
        return _("semaine du %(date)s") % {"date": start.strftime("%d/%m/%Y")}
    return start.strftime("%d/%m/%Y")


# --- Payments by method and period ------------------------------------------------------------


@dataclass
class MethodRow:
    """What one kind of payment brought in one period."""

    period: datetime.date
    kind: str
    count: int = 0
    received: Decimal = ZERO
    refunds_count: int = 0
    refunded: Decimal = ZERO  # negative (money given back)
    label: str = ""
    kind_label: str = ""

    @property
    def net(self) -> Decimal:
        return self.received + self.refunded


@dataclass
class PaymentsReport:
    period: str
    date_from: datetime.date
    date_to: datetime.date
    rows: list[MethodRow] = field(default_factory=list)
    # Per kind over the whole range, then the grand total: both are sums of `rows`.
    by_kind: list[MethodRow] = field(default_factory=list)
    total: MethodRow | None = None


def _add(into: MethodRow, row: MethodRow) -> None:
    into.count += row.count
    into.received += row.received
    into.refunds_count += row.refunds_count
    into.refunded += row.refunded


def payments_by_method(
    *, seller, period: str, date_from: datetime.date, date_to: datetime.date
) -> PaymentsReport:
    """The payments `seller` received (state « reçu ») from `date_from` to `date_to` included, one row
    per period (day, ISO week starting on Monday, month) and kind of payment, periods in order:
    number and sum of payments, number and sum of refunds (negative), net. One query."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    positive, negative = Q(amount__gt=0), Q(amount__lt=0)
    rows = (
        Payment.objects.filter(seller=seller, state=SUCCEEDED, received_on__range=(date_from, date_to))
        .annotate(start=Trunc("received_on", period, output_field=DateField()))
        .values("start", "kind")
        .annotate(
            count=Count("pk", filter=positive),
            received=Sum("amount", filter=positive),
            refunds_count=Count("pk", filter=negative),
            refunded=Sum("amount", filter=negative),
        )
        .order_by("start", "kind")
    )
    report = PaymentsReport(period=period, date_from=date_from, date_to=date_to)
    kinds = dict(PaymentMethod.Kind.choices)
    by_kind: dict[str, MethodRow] = {}
    total = MethodRow(period=date_from, kind="", label=_("Total"))
    for values in rows:
        start = values["start"]
        if isinstance(start, datetime.datetime):  # some backends truncate a date to a datetime
            start = start.date()
        row = MethodRow(
            period=start,
            kind=values["kind"],
            count=values["count"],
            received=_sum(values["received"]),
            refunds_count=values["refunds_count"],
            refunded=_sum(values["refunded"]),
            label=period_label(start, period),
            kind_label=str(kinds.get(values["kind"], values["kind"])),
        )
        report.rows.append(row)
        subtotal = by_kind.setdefault(
            row.kind, MethodRow(period=date_from, kind=row.kind, kind_label=row.kind_label)
        )
        _add(subtotal, row)
        _add(total, row)
    report.by_kind = sorted(by_kind.values(), key=lambda r: r.kind_label)
    report.total = total
    return report


# --- Customer balances at a date --------------------------------------------------------------


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone (entries before it count)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def customer_balances(*, enterprise, at: datetime.date):
    """The accounts `enterprise` keeps (its customers with at least one entry by the end of `at`),
    each annotated with `balance` (Σ entries up to then), `entries_count` and `last_entry_at`,
    by name. One query (paginate it as needed)."""
    return (
        Customer.objects.filter(enterprise=enterprise, account_entries__created_at__lt=end_of_day(at))
        .annotate(
            balance=Sum("account_entries__amount"),
            entries_count=Count("account_entries"),
            last_entry_at=Max("account_entries__created_at"),
        )
        .order_by("last_name", "first_name", "email", "pk")
    )


@dataclass
class BalancesTotal:
    accounts: int
    balance: Decimal
    credit: Decimal  # Σ positive balances: what the seller holds for its customers
    debit: Decimal  # Σ negative balances: what customers owe


def balances_total(*, enterprise, at: datetime.date) -> BalancesTotal:
    """Totals of `customer_balances` over every account, aggregated over its grouped rows (one query)."""
    totals = (
        customer_balances(enterprise=enterprise, at=at)
        .order_by()
        .aggregate(
            n_accounts=Count("pk"),
            sum_balance=Sum("balance"),
            sum_credit=Sum("balance", filter=Q(balance__gt=0)),
            sum_debit=Sum("balance", filter=Q(balance__lt=0)),
        )
    )
    return BalancesTotal(
        accounts=totals["n_accounts"],
        balance=_sum(totals["sum_balance"]),
        credit=_sum(totals["sum_credit"]),
        debit=_sum(totals["sum_debit"]),
    )


# --- SEPA collections -------------------------------------------------------------------------


def sepa_collections(*, seller, date_from: datetime.date, date_to: datetime.date):
    """The SEPA collections of `seller` due from `date_from` to `date_to`, latest first, each with
    `items_count`, `items_total` and, per state of their payments, the number of debits
    (`pending`, `succeeded`, `failed`, `cancelled`) and `received` (Σ succeeded). One query."""
    states = Payment.State

    def in_state(state):
        return Q(items__payment__state=state)

    return (
        Collection.objects.filter(seller=seller, collection_date__range=(date_from, date_to))
        .annotate(
            items_count=Count("items"),
            items_total=Sum("items__amount"),
            pending=Count("items", filter=in_state(states.PENDING)),
            succeeded=Count("items", filter=in_state(states.SUCCEEDED)),
            failed=Count("items", filter=in_state(states.FAILED)),
            cancelled=Count("items", filter=in_state(states.CANCELLED)),
            received=Sum("items__amount", filter=in_state(states.SUCCEEDED)),
        )
        .order_by("-collection_date", "-created_at", "-pk")
    )


@dataclass
class CollectionsTotal:
    collections: int = 0
    items_count: int = 0
    items_total: Decimal = ZERO
    pending: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0
    received: Decimal = ZERO


def collections_total(rows: Iterable) -> CollectionsTotal:
    """Σ of the collections listed (the rows of `sepa_collections`)."""
    total = CollectionsTotal()
    for row in rows:
        total.collections += 1
        total.items_count += row.items_count
        total.items_total += _sum(row.items_total)
        total.pending += row.pending
        total.succeeded += row.succeeded
        total.failed += row.failed
        total.cancelled += row.cancelled
        total.received += _sum(row.received)
    return total


# --- CSV --------------------------------------------------------------------------------------


def payments_csv(report: PaymentsReport) -> Iterator[str]:
    header = [
        _("Période"),
        _("Début de la période"),
        _("Moyen"),
        _("Paiements"),
        _("Encaissé"),
        _("Remboursements"),
        _("Remboursé"),
        _("Net"),
    ]

    def rows():
        for row in report.rows:
            yield [
                row.label,
                row.period,
                row.kind_label,
                row.count,
                spreadsheet.amount(row.received),
                row.refunds_count,
                spreadsheet.amount(row.refunded),
                spreadsheet.amount(row.net),
            ]
        total = report.total
        yield [
            _("Total"),
            "",
            "",
            total.count,
            spreadsheet.amount(total.received),
            total.refunds_count,
            spreadsheet.amount(total.refunded),
            spreadsheet.amount(total.net),
        ]

    return spreadsheet.csv_lines(header, rows())


def balances_csv(*, enterprise, at: datetime.date) -> Iterator[str]:
    """Every account's balance at the end of `at`, then the total (streamed, 2,000 per query)."""
    header = [_("Client"), _("E-mail"), _("Code client"), _("Écritures"), _("Dernière écriture"), _("Solde")]

    def rows():
        total, accounts = ZERO, 0
        for customer in customer_balances(enterprise=enterprise, at=at).iterator(chunk_size=2000):
            balance = _sum(customer.balance)
            total += balance
            accounts += 1
            yield [
                customer.full_name,
                customer.email,
                customer.code,
                customer.entries_count,
                timezone.localtime(customer.last_entry_at).date(),
                spreadsheet.amount(balance),
            ]
        label = _("Total au %(date)s (%(n)s comptes)") % {"date": spreadsheet.date(at), "n": accounts}
        yield [label, "", "", "", "", spreadsheet.amount(total)]

    return spreadsheet.csv_lines(header, rows())


def collections_csv(rows: list) -> Iterator[str]:
    states = Payment.State
    header = [
        _("Date d'échéance"),
        _("Identifiant de la remise"),
        _("Prélèvements"),
        _("Total"),
        str(states.PENDING.label),
        str(states.SUCCEEDED.label),
        str(states.FAILED.label),
        str(states.CANCELLED.label),
        _("Encaissé"),
    ]

    def lines():
        for row in rows:
            yield [
                row.collection_date,
                row.message_id,
                row.items_count,
                spreadsheet.amount(row.items_total),
                row.pending,
                row.succeeded,
                row.failed,
                row.cancelled,
                spreadsheet.amount(row.received),
            ]
        total = collections_total(rows)
        yield [
            _("Total (%(n)s remises)") % {"n": total.collections},
            "",
            total.items_count,
            spreadsheet.amount(total.items_total),
            total.pending,
            total.succeeded,
            total.failed,
            total.cancelled,
            spreadsheet.amount(total.received),
        ]

    return spreadsheet.csv_lines(header, lines())
