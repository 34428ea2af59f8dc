"""The fund's report: allowances granted and spent, per month and per seller ("allocations
accordées et dépensées par vendeur et par mois"). What a seller was paid with allowances in a
month is what the fund owes it.

Two queries whatever the number of members or orders: the month's grants, and the entries spent
at sellers summed per month and seller in the database. Spending is net of allowances given back
(refunds of cancelled orders count in the month they were given back).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.lib import money, spreadsheet
from cabas.payments.models import AccountEntry
from cabas.solidarity.models import AllowanceGrant, SolidarityFund
from cabas.solidarity.services_allowances import month_label


@dataclass
class SellerRow:
    seller: str
    spent: Decimal


@dataclass
class MonthRow:
    month: datetime.date
    members: int = 0
    granted: Decimal = money.ZERO
    sellers: list[SellerRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def spent(self) -> Decimal:
        return sum((s.spent for s in self.sellers), money.ZERO)


@dataclass
class Report:
    year: int
    months: list[MonthRow]

    @property
    def granted(self) -> Decimal:
        return sum((m.granted for m in self.months), money.ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((m.spent for m in self.months), money.ZERO)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def allowance_report(fund: SolidarityFund, *, year: int) -> Report:
    """Months of `year` (most recent first) with what was granted and what was spent at each seller."""
    months: dict[datetime.date, MonthRow] = {}
    grants = AllowanceGrant.objects.filter(fund=fund, month__year=year).values_list(
        "month", "members", "total"
    )
    for month, members, total in grants:
        row = months.setdefault(month, MonthRow(month=month))
        row.members, row.granted = members, total
    start, end = _year_bounds(year)
    spent = (
        AccountEntry.objects.filter(
            customer__enterprise_id=fund.enterprise_id,
            spent_at__isnull=False,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month", "spent_at_id", "spent_at__name")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for entry in spent:
        month = _as_date(entry["month"]).replace(day=1)
        row = months.setdefault(month, MonthRow(month=month))
        row.sellers.append(SellerRow(seller=entry["spent_at__name"], spent=-entry["total"]))
    for row in months.values():
        row.sellers.sort(key=lambda s: s.seller.lower())
    return Report(year=year, months=[months[m] for m in sorted(months, reverse=True)])


def report_years(fund: SolidarityFund) -> list[int]:
    """The years with a grant, and this year (most recent first)."""
    years = {day.year for day in AllowanceGrant.objects.filter(fund=fund).dates("month", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def report_csv(report: Report) -> Iterator[str]:
    """The report as CSV for a French spreadsheet (UTF-8 with a BOM, `;`, decimal comma): per month,
    a line of what was granted, then one line per seller with what was spent there."""
    header = [
        _("Mois"),
        _("Vendeur"),
        _("Bénéficiaires"),
        _("Allocations accordées"),
        _("Allocations dépensées"),
    ]

    def rows():
        for month in report.months:
            key = f"{month.month:%Y-%m}"
            yield [key, "", month.members, spreadsheet.amount(month.granted), ""]
            for seller in month.sellers:
                yield [key, seller.seller, "", "", spreadsheet.amount(seller.spent)]

    return spreadsheet.csv_lines(header, rows())
