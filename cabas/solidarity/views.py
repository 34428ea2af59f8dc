"""Back-office pages of solidarity: the fund's settings and its members' balances, the report of
allowances granted and spent, and a seller's solidarity prices. Managers and owners only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.catalogue.models import Product
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib import spreadsheet
from cabas.solidarity import reports, services_allowances, services_prices
from cabas.solidarity.exceptions import SolidarityError
from cabas.solidarity.forms import FundForm, SolidarityPriceForm, product_choices
from cabas.solidarity.models import SolidarityPrice

MANAGER = Role.Level.MANAGER
PER_PAGE = 50


def _saved(form, save, **values):
    """`save(**values)` (a service call) for a valid form: what it saved, or None with the service's
    French refusal put on the form."""
    try:
        return save(**values)
    except SolidarityError as error:
        form.add_error(None, error.message)
        return None


# --- the fund ---------------------------------------------------------------------------------


@manage_view(min_role=MANAGER)
def fund(request, enterprise):
    fund = services_allowances.fund_for(enterprise)
    sellers = list(services_allowances.sellers_accepting_allowances())
    if fund is not None:
        known = {s.pk for s in sellers}
        sellers += [s for s in fund.approved_sellers.order_by("name") if s.pk not in known]
    form = FundForm(request.POST or None, sellers=sellers, fund=fund)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _saved(
            form,
            services_allowances.fund_save,
            enterprise=enterprise,
            name=data["name"],
            monthly_amount=data["monthly_amount"],
            member_tag=data["member_tag"],
            approved_sellers=form.selected_sellers(),
            active=data["active"],
        )
        if saved is not None:
            messages.success(request, _("La caisse « %(name)s » est enregistrée.") % {"name": saved.name})
            return redirect("solidarity:fund", enterprise.slug)
    page = None
    if fund is not None:
        accounts = services_allowances.fund_accounts(fund)
        page = Paginator(accounts, PER_PAGE).get_page(request.GET.get("page"))
        page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    context = {
        "enterprise": enterprise,
        "nav": "solidarity",
        "fund": fund,
        "form": form,
        "page": page,
        "grants": list(fund.grants.all()[:3]) if fund is not None else [],
    }
    return render(request, "manage/solidarity/fund.html", context)


def _report_year(request, years: list[int]) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


def _fund_or_404(enterprise):
    fund = services_allowances.fund_for(enterprise)
    if fund is None:
        raise Http404
    return fund


@require_GET
@manage_view(min_role=MANAGER)
def report(request, enterprise):
    fund = services_allowances.fund_for(enterprise)
    context = {"enterprise": enterprise, "nav": "solidarity", "fund": fund}
    if fund is not None:
        years = reports.report_years(fund)
        year = _report_year(request, years)
        context.update(report=reports.allowance_report(fund, year=year), years=years, year=year)
    return render(request, "manage/solidarity/report.html", context)


@require_GET
@manage_view(min_role=MANAGER)
def report_csv(request, enterprise):
    fund = _fund_or_404(enterprise)
    year = _report_year(request, reports.report_years(fund))
    filename = f"allocations-{enterprise.slug}-{year}-{timezone.localdate():%Y-%m-%d}.csv"
    return spreadsheet.csv_response(reports.report_csv(reports.allowance_report(fund, year=year)), filename)


# --- solidarity prices ----------------------------------------------------------------------


def _price_or_404(enterprise, uuid) -> SolidarityPrice:
    try:
        return SolidarityPrice.objects.get(enterprise=enterprise, uuid=uuid)
    except SolidarityPrice.DoesNotExist:
        raise Http404


@require_GET
@manage_view(min_role=MANAGER)
def price_list(request, enterprise):
    context = {
        "enterprise": enterprise,
        "nav": "solidarity_prices",
        "prices": list(services_prices.solidarity_prices_for_list(enterprise)),
    }
    return render(request, "manage/solidarity/prices.html", context)


def _price_form(request, enterprise, price=None):
    choices = product_choices(enterprise, price)
    form = SolidarityPriceForm(request.POST or None, choices=choices, price=price)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _saved(
            form,
            services_prices.solidarity_price_save,
            enterprise=enterprise,
            price=price,
            customer_tag=data["customer_tag"],
            products=Product.objects.filter(uuid__in=data["products"]),
            percent_off=data["percent_off"],
            funded_by=data["funded_by"],
            active=data["active"],
        )
        if saved is not None:
            messages.success(request, _("Le prix solidaire est enregistré."))
            return redirect("solidarity:prices", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "solidarity_prices", "form": form, "price": price}
    return render(request, "manage/solidarity/price_form.html", context)


@manage_view(min_role=MANAGER)
def price_new(request, enterprise):
    return _price_form(request, enterprise)


@manage_view(min_role=MANAGER)
def price_edit(request, enterprise, price):
    return _price_form(request, enterprise, _price_or_404(enterprise, price))


@require_POST
@manage_view(min_role=MANAGER)
def price_delete(request, enterprise, price):
    price = _price_or_404(enterprise, price)
    services_prices.solidarity_price_delete(price=price)
    messages.success(request, _("Le prix solidaire est supprimé."))
    return redirect("solidarity:prices", enterprise.slug)
