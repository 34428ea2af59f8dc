"""Payment reports in the back-office (managers): payments by method and period, customer balances at
a date, SEPA collections; each as a page and as a CSV for a spreadsheet. The figures come from
`cabas.payments.reports.tables` (aggregated in SQL)."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib import money, spreadsheet
from cabas.lib.days import DateInput
from cabas.payments.reports import tables

MANAGER = Role.Level.MANAGER
PER_PAGE = 100
# A range longer than this is almost certainly a typo (year 2206 for 2026).
MAX_DAYS = 3660
MAX_DAYS_BY_DAY = 366


class RangeForm(forms.Form):
    date_from = forms.DateField(label=_("Du"), widget=DateInput)
    date_to = forms.DateField(label=_("Au (inclus)"), widget=DateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("La date de fin doit suivre la date de début."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("date_to", _("Choisissez une période de dix ans au plus."))
        return data


class PaymentsReportForm(RangeForm):
    period = forms.ChoiceField(label=_("Regrouper par"), choices=list(tables.PERIODS.items()))
    field_order = ["period", "date_from", "date_to"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("period") == "day" and start and end and (end - start).days > MAX_DAYS_BY_DAY:
            self.add_error("date_to", _("Par jour, choisissez une période d'un an au plus."))
        return data


class BalancesForm(forms.Form):
    at = forms.DateField(
        label=_("Soldes au"), widget=DateInput, help_text=_("les écritures de ce jour sont comptées")
    )


def _bound(form_class, request, defaults: dict):
    """The form bound to the query string, its empty or missing fields taken from `defaults`."""
    data = dict(defaults)
    data.update({key: value for key, value in request.GET.items() if key in defaults and value.strip()})
    return form_class(data)


def _page_and_csv(report):
    """The page view and the CSV view of `report(request, enterprise, *, as_csv)`, for managers."""

    def page(request, enterprise):
        return report(request, enterprise, as_csv=False)

    def as_csv(request, enterprise):
        return report(request, enterprise, as_csv=True)

    return tuple(require_GET(manage_view(min_role=MANAGER)(view)) for view in (page, as_csv))


def _invalid(request, template: str, context: dict, *, as_csv: bool):
    """The page with the form's French errors; a CSV asked with bad parameters gets it too, as a
    400 (the page's own links always carry valid ones)."""
    return render(request, template, context, status=400 if as_csv else 200)


# --- Payments by method and period ------------------------------------------------------------


def _payments_form(request):
    today = timezone.localdate()
    defaults = {
        "period": "month",
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
    }
    return _bound(PaymentsReportForm, request, defaults)


def _payments(request, enterprise, *, as_csv: bool):
    form = _payments_form(request)
    context = {"enterprise": enterprise, "nav": "payment_reports", "report_nav": "methods", "form": form}
    template = "manage/payments/reports/methods.html"
    if not form.is_valid():
        return _invalid(request, template, context, as_csv=as_csv)
    data = form.cleaned_data
    report = tables.payments_by_method(
        seller=enterprise, period=data["period"], date_from=data["date_from"], date_to=data["date_to"]
    )
    if as_csv:
        name = f"paiements-{enterprise.slug}-{data['date_from']:%Y-%m-%d}-{data['date_to']:%Y-%m-%d}.csv"
        return spreadsheet.csv_response(tables.payments_csv(report), name)
    context["report"] = report
    return render(request, template, context)


payments_report, payments_report_csv = _page_and_csv(_payments)


# --- Customer balances ------------------------------------------------------------------------


def _balances(request, enterprise, *, as_csv: bool):
    form = _bound(BalancesForm, request, {"at": timezone.localdate().isoformat()})
    context = {"enterprise": enterprise, "nav": "payment_reports", "report_nav": "balances", "form": form}
    template = "manage/payments/reports/balances.html"
    if not form.is_valid():
        return _invalid(request, template, context, as_csv=as_csv)
    at = form.cleaned_data["at"]
    if as_csv:
        return spreadsheet.csv_response(
            tables.balances_csv(enterprise=enterprise, at=at), f"soldes-{enterprise.slug}-{at:%Y-%m-%d}.csv"
        )
    total = tables.balances_total(enterprise=enterprise, at=at)
    paginator = Paginator(tables.customer_balances(enterprise=enterprise, at=at), PER_PAGE)
    paginator.count = total.accounts  # already counted with the totals: one query less
    page = paginator.get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    rows = list(page.object_list)
    context.update(
        at=at,
        page=page,
        rows=rows,
        page_total=sum((money.round_money(row.balance) for row in rows), money.ZERO),
        total=total,
    )
    return render(request, template, context)


balances_report, balances_report_csv = _page_and_csv(_balances)


# --- SEPA collections -------------------------------------------------------------------------


def _collections(request, enterprise, *, as_csv: bool):
    today = timezone.localdate()
    defaults = {
        "date_from": (today - datetime.timedelta(days=365)).isoformat(),
        "date_to": (today + datetime.timedelta(days=92)).isoformat(),
    }
    form = _bound(RangeForm, request, defaults)
    context = {"enterprise": enterprise, "nav": "payment_reports", "report_nav": "sepa", "form": form}
    template = "manage/payments/reports/sepa.html"
    if not form.is_valid():
        return _invalid(request, template, context, as_csv=as_csv)
    data = form.cleaned_data
    rows = list(
        tables.sepa_collections(seller=enterprise, date_from=data["date_from"], date_to=data["date_to"])
    )
    if as_csv:
        name = f"prelevements-{enterprise.slug}-{data['date_from']:%Y-%m-%d}-{data['date_to']:%Y-%m-%d}.csv"
        return spreadsheet.csv_response(tables.collections_csv(rows), name)
    context.update(rows=rows, total=tables.collections_total(rows))
    return render(request, template, context)


sepa_report, sepa_report_csv = _page_and_csv(_collections)
