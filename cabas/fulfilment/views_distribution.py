"""The distribution evening, on a phone at the table: the seller's distribution dates, then for one
date a card per order to hand over (customer, phone, pickup or delivery, lines, total, paid or
what is left to pay) with a « Remis » button and, while something is left to pay, a form to take
cash or a cheque (`table_payment`); with htmx only the card (and the counter) is swapped, without
JavaScript the page is shown again. Volunteers and above; nothing about payments but paid / left to
pay."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.catalogue.models import Variant
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role, Sells
from cabas.fulfilment.distribution import (
    day_counter,
    day_order,
    day_orders,
    decorate,
    distribution_days,
    parse_day,
)
from cabas.fulfilment.forms import TablePaymentForm
from cabas.fulfilment.table_payments import table_payment
from cabas.lib import money
from cabas.orders.adjust import Adjustment, order_adjust, parse_weight
from cabas.orders.changes import order_collected
from cabas.orders.exceptions import OrderError
from cabas.payments.exceptions import PaymentError

NAV = "distribution"
REMAINING = "reste"


def _selling(enterprise) -> None:
    """404 for an enterprise that sells nothing (it has no distribution; the menu hides the page)."""
    if enterprise.sells == Sells.NONE:
        raise Http404


def _day_or_404(enterprise, value: str):
    _selling(enterprise)
    day = parse_day(value)
    if day is None:
        raise Http404
    return day


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def distribution_list(request, enterprise):
    _selling(enterprise)
    upcoming, recent = distribution_days(enterprise)
    context = {"enterprise": enterprise, "nav": NAV, "upcoming": upcoming, "recent": recent}
    return render(request, "manage/distribution/list.html", context)


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def distribution_day(request, enterprise, day):
    date = _day_or_404(enterprise, day)
    remaining = request.GET.get(REMAINING) == "1"
    orders = [_card_order(order) for order in day_orders(enterprise, date, remaining=remaining)]
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "day": date,
        "orders": orders,
        "counter": day_counter(enterprise, date),
        "remaining": remaining,
    }
    return render(request, "manage/distribution/day.html", context)


def _pay_form(order, data=None) -> TablePaymentForm:
    """The form to take money for `order` (decorated when unbound: what is left to pay pre-filled)."""
    initial = {"amount": order.due} if data is None else {}
    return TablePaymentForm(data, initial=initial, auto_id=f"pay-{order.uuid.hex}-%s")


def _card_order(order, pay_form=None):
    """`order` decorated for its card, with the form to take what is left to pay (if anything):
    `pay_form` when given (the one just refused, with what was typed)."""
    decorate(order)
    order.pay_form = (pay_form or _pay_form(order)) if order.due > 0 else None
    return order


def _render_card(
    request, enterprise, date, order, *, error="", pay_form=None, pay_error="", notice="", weigh_error=""
):
    context = {
        "enterprise": enterprise,
        "day": date,
        "order": _card_order(order, pay_form),
        "counter": day_counter(enterprise, date),
        "remaining": request.POST.get(REMAINING) == "1",
        "error": error,
        "pay_error": pay_error,
        "weigh_error": weigh_error,
        "notice": notice,
    }
    return render(request, "manage/distribution/_card_swap.html", context)


def _back_to_card(request, enterprise, day: str, order):
    url = reverse("fulfilment:distribution", args=[enterprise.slug, day])
    if request.POST.get(REMAINING) == "1":
        url += "?" + urlencode({REMAINING: "1"})
    return redirect(f"{url}#order-{order.uuid}")


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def order_collect(request, enterprise, day, order):
    date = _day_or_404(enterprise, day)
    found = day_order(enterprise, date, order)  # cancelled meanwhile: refused with a message
    if found is None:
        raise Http404
    collected, error = request.POST.get("collected") != "0", ""
    try:
        found = order_collected(order=found, user=request.user, collected=collected)
    except OrderError as exc:
        error = exc.message
    if request.htmx:
        return _render_card(request, enterprise, date, day_order(enterprise, date, order), error=error)
    if error:
        messages.error(request, error)
    return _back_to_card(request, enterprise, day, found)


def _take(request, enterprise, order, form) -> tuple[str, str]:
    """Record what `form` says was taken for `order`: the message to show (error, notice)."""
    if not form.is_valid():
        return form.error_text(), ""
    data = form.cleaned_data
    try:
        payment = table_payment(
            seller=enterprise,
            order=order,
            kind=data["kind"],
            amount=data["amount"],
            cheque_number=data["cheque_number"],
            idempotency_key="table-" + data["idempotency_key"],
            user=request.user,
        )
    except PaymentError as exc:
        return exc.message, ""
    notice = _("Paiement de %(amount)s enregistré (%(kind)s).")
    return "", notice % {
        "amount": money.format_eur(payment.amount),
        "kind": dict(form.fields["kind"].choices)[data["kind"]],
    }


def _weights(post, order) -> dict:
    """{variant uuid: weight} typed for `order`'s lines sold by weight (fields `w-<line id>`);
    InvalidQuantity for a weight that cannot be read."""
    lines = {f"w-{line.pk}": line.variant_id for line in order.lines.all() if line.weight_price is not None}
    uuids = dict(Variant.objects.filter(pk__in=lines.values()).values_list("pk", "uuid"))
    return {
        str(uuids[variant]): parse_weight(post.get(name, ""))
        for name, variant in lines.items()
        if name in post
    }


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def order_weigh(request, enterprise, day, order):
    """The weights of `order`'s products sold by weight, entered at the table: the line totals, the
    fees, the total and what is left to pay follow (`order_adjust`), and the customer is emailed."""
    date = _day_or_404(enterprise, day)
    found = day_order(enterprise, date, order)
    if found is None:
        raise Http404
    error, notice = "", ""
    try:
        result = order_adjust(
            order=found, adjustment=Adjustment(weights=_weights(request.POST, found)), user=request.user
        )
    except OrderError as exc:
        error = exc.message
    else:
        if result.changes:
            notice = _("Pesée enregistrée : nouveau total %(total)s.") % {
                "total": money.format_eur(result.after)
            }
    if request.htmx:
        found = day_order(enterprise, date, order)
        return _render_card(request, enterprise, date, found, weigh_error=error, notice=notice)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return _back_to_card(request, enterprise, day, found)


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def order_pay(request, enterprise, day, order):
    """Cash or a cheque taken at the table for `order`; the card shows it paid (or what is left)."""
    date = _day_or_404(enterprise, day)
    found = day_order(enterprise, date, order)
    if found is None:
        raise Http404
    form = _pay_form(found, request.POST)
    error, notice = _take(request, enterprise, found, form)
    if request.htmx:
        found = day_order(enterprise, date, order)
        pay_form = form if error else None
        return _render_card(
            request, enterprise, date, found, pay_form=pay_form, pay_error=error, notice=notice
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return _back_to_card(request, enterprise, day, found)
