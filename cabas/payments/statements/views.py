"""Back-office bank statements of a seller: import a statement, the list of imports and their
operations, the credits left to match and matching one by hand (an order, a customer account, a
SEPA collection) or ignoring it. Managers and owners only."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import ExpressionWrapper, F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry, Collection, StatementImport, StatementLine
from cabas.payments.records import services as services_payments
from cabas.payments.statements import StatementRejected, services
from cabas.payments.statements.csv_formats import PRESETS
from cabas.payments.statements.forms import LineSearchForm, StatementImportForm
from cabas.payments.statements.matching import MONEY, PAYABLE, open_collections

MANAGER = Role.Level.MANAGER
PER_PAGE = 50


def _page(request, queryset, per_page=PER_PAGE):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page


@require_GET
@manage_view(min_role=MANAGER)
def statement_list(request, enterprise):
    context = {
        "enterprise": enterprise,
        "nav": "statements",
        "page": _page(request, services.statements_for_list(enterprise)),
        "unmatched": services.unmatched_lines(enterprise).count(),
    }
    return render(request, "manage/payments/statements/list.html", context)


@manage_view(min_role=MANAGER)
def statement_import(request, enterprise):
    # The format of the last import is proposed again (a seller keeps its bank).
    last = StatementImport.objects.filter(seller=enterprise).values_list("file_format", flat=True).first()
    form = StatementImportForm(request.POST or None, request.FILES or None, initial={"file_format": last})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.statement_import(
                seller=enterprise,
                file=form.cleaned_data["file"],
                file_format=form.cleaned_data["file_format"],
                mapping=form.cleaned_data["mapping"],
                user=request.user,
            )
        except StatementRejected as error:
            problems = [] if error.whole_file else error.problems
            form.add_error("file", error.message)
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            if result.already_imported:
                messages.warning(request, result.message)
            else:
                messages.success(request, result.message)
            return redirect("payments:statement", enterprise.slug, result.statement.uuid)
    context = {
        "enterprise": enterprise,
        "nav": "statements",
        "form": form,
        "problems": problems,
        "presets": PRESETS.values(),
    }
    return render(request, "manage/payments/statements/import.html", context)


@require_GET
@manage_view(min_role=MANAGER)
def statement_detail(request, enterprise, statement):
    statement = get_object_or_404(services.statements_for_list(enterprise), uuid=statement)
    lines = statement.lines.select_related("payment__order", "payment__customer", "collection").order_by(
        "booked_on", "id"
    )
    context = {
        "enterprise": enterprise,
        "nav": "statements",
        "statement": statement,
        "format_name": services.format_name(statement.file_format),
        "page": _page(request, lines, per_page=100),
    }
    return render(request, "manage/payments/statements/detail.html", context)


@require_GET
@manage_view(min_role=MANAGER)
def line_list(request, enterprise):
    lines = services.unmatched_lines(enterprise).select_related("statement")
    context = {"enterprise": enterprise, "nav": "statements", "page": _page(request, lines)}
    return render(request, "manage/payments/statements/lines.html", context)


def _line_or_404(enterprise, uuid) -> StatementLine:
    lines = StatementLine.objects.select_related(
        "statement", "seller", "payment__order", "payment__customer", "collection"
    )
    return get_object_or_404(lines, seller=enterprise, uuid=uuid)


def _orders(enterprise, line, q: str):
    """Orders the credit `line` may pay, with `paid` and `left` (to pay): those matching `q`, or
    without `q` those with exactly the line's amount left to pay."""
    orders = Order.objects.filter(seller=enterprise, status__in=PAYABLE)
    orders = services_payments.with_paid(orders).annotate(
        left=ExpressionWrapper(F("total") - F("paid"), output_field=MONEY)
    )
    if q:
        compact = "".join(q.split()).upper()
        orders = orders.filter(
            Q(number__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(payment_reference__icontains=compact)
        )
    else:
        orders = orders.filter(left=line.amount)
    return list(orders.order_by("-placed_at", "-pk")[:20])


def _customers(enterprise, q: str):
    """Customers matching `q`, with their account `balance` (the last entry's balance_after)."""
    if not q:
        return []
    compact = "".join(q.split()).upper()
    last = AccountEntry.objects.filter(customer=OuterRef("pk")).order_by("-id").values("balance_after")[:1]
    customers = Customer.objects.filter(enterprise=enterprise).filter(
        Q(first_name__icontains=q)
        | Q(last_name__icontains=q)
        | Q(email__icontains=q)
        | Q(code__icontains=q)
        | Q(payment_reference__icontains=compact)
    )
    return list(customers.annotate(balance=Subquery(last, output_field=MONEY))[:20])


def _collections(enterprise, line):
    """SEPA collections not fully received that this credit may be part of: those expecting exactly
    this amount (what is left, or a payment block) first."""
    collections = [c for c in open_collections(enterprise) if line.amount <= c.total - c.credited]
    collections.sort(key=lambda c: (line.amount not in c.amounts, -c.collection_date.toordinal()))
    return collections[:10]


@require_GET
@manage_view(min_role=MANAGER)
def line_detail(request, enterprise, line):
    line = _line_or_404(enterprise, line)
    form = LineSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    matchable = line.status == StatementLine.Status.UNMATCHED and line.amount > 0
    context = {
        "enterprise": enterprise,
        "nav": "statements",
        "line": line,
        "form": form,
        "q": q,
        "matchable": matchable,
        "orders": _orders(enterprise, line, q) if matchable else [],
        "customers": _customers(enterprise, q) if matchable else [],
        "collections": _collections(enterprise, line) if matchable else [],
    }
    if line.payment_id:
        context["payment"] = line.payment
    return render(request, "manage/payments/statements/line.html", context)


def _chosen(queryset, value):
    """The object of `queryset` whose uuid is `value` (a form field), or None."""
    try:
        return queryset.filter(uuid=uuid.UUID(str(value))).first()
    except ValueError:
        return None


def _after_match(request, enterprise, action, success: str, line):
    try:
        action()
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:statement_line", enterprise.slug, line.uuid)
    messages.success(request, success)
    return redirect("payments:statement_lines", enterprise.slug)


def _describe(line) -> dict:
    return {"amount": money.format_eur(line.amount), "date": line.booked_on.strftime("%d/%m/%Y")}


def _match_chosen(request, enterprise, line, *, field, queryset, missing, success, params, service):
    """Match the credit `line` by hand to the object of `queryset` whose uuid is posted as `field`
    (an error `missing` if there is none), with `service(line=…, <field>=…, user=…)`; `success` is
    the message once done, filled with the line's amount and date and `params(chosen)`."""
    line = _line_or_404(enterprise, line)
    chosen = _chosen(queryset, request.POST.get(field))
    if chosen is None:
        messages.error(request, missing)
        return redirect("payments:statement_line", enterprise.slug, line.uuid)
    return _after_match(
        request,
        enterprise,
        lambda: service(line=line, user=request.user, **{field: chosen}),
        success % {**_describe(line), **params(chosen)},
        line,
    )


@require_POST
@manage_view(min_role=MANAGER)
def line_match_order(request, enterprise, line):
    return _match_chosen(
        request,
        enterprise,
        line,
        field="order",
        queryset=Order.objects.filter(seller=enterprise),
        missing=_("Choisissez une commande."),
        success=_("Le virement de %(amount)s du %(date)s est rapproché de la commande %(number)s."),
        params=lambda order: {"number": order.number},
        service=services.statement_line_match_order,
    )


@require_POST
@manage_view(min_role=MANAGER)
def line_match_account(request, enterprise, line):
    return _match_chosen(
        request,
        enterprise,
        line,
        field="customer",
        queryset=Customer.objects.filter(enterprise=enterprise),
        missing=_("Choisissez un client."),
        success=_("Le virement de %(amount)s du %(date)s approvisionne le compte de %(name)s."),
        params=lambda customer: {"name": str(customer)},
        service=services.statement_line_match_account,
    )


@require_POST
@manage_view(min_role=MANAGER)
def line_match_collection(request, enterprise, line):
    return _match_chosen(
        request,
        enterprise,
        line,
        field="collection",
        queryset=Collection.objects.filter(seller=enterprise),
        missing=_("Choisissez une remise de prélèvements."),
        success=_("Le crédit de %(amount)s du %(date)s est rapproché de la remise %(reference)s."),
        params=lambda collection: {"reference": collection.message_id},
        service=services.statement_line_match_collection,
    )


@require_POST
@manage_view(min_role=MANAGER)
def line_ignore(request, enterprise, line):
    line = _line_or_404(enterprise, line)
    success = _("L'opération de %(amount)s du %(date)s est ignorée.") % _describe(line)
    return _after_match(
        request,
        enterprise,
        lambda: services.statement_line_ignore(line=line, user=request.user),
        success,
        line,
    )
