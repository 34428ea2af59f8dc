"""The distribution evening, on a phone at the table: the seller's distribution dates, then for one
date a card per order to hand over (customer, phone, pickup or delivery, lines, total, paid or
what is left to pay) with a « Remis » button; with htmx only the card (and the counter) is
swapped, without JavaScript the page is shown again. Volunteers and above; nothing about payments
but paid / left to pay."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role, Sells
from cabas.fulfilment.distribution import day_counter, day_orders, decorate, distribution_days, parse_day
from cabas.orders.changes import order_collected
from cabas.orders.exceptions import OrderError

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
    orders = [decorate(order) for order in day_orders(enterprise, date, remaining=remaining)]
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "day": date,
        "orders": orders,
        "counter": day_counter(enterprise, date),
        "remaining": remaining,
    }
    return render(request, "manage/distribution/day.html", context)


def _render_card(request, enterprise, date, order, *, error: str = ""):
    context = {
        "enterprise": enterprise,
        "day": date,
        "order": decorate(order),
        "counter": day_counter(enterprise, date),
        "remaining": request.POST.get(REMAINING) == "1",
        "error": error,
    }
    return render(request, "manage/distribution/_card_swap.html", context)


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def order_collect(request, enterprise, day, order):
    date = _day_or_404(enterprise, day)
    found = get_object_or_404(day_orders(enterprise, date), uuid=order)
    collected, error = request.POST.get("collected") != "0", ""
    try:
        found = order_collected(order=found, user=request.user, collected=collected)
    except OrderError as exc:
        error = exc.message
    if request.htmx:
        found = day_orders(enterprise, date).filter(pk=found.pk).first() or found
        return _render_card(request, enterprise, date, found, error=error)
    if error:
        messages.error(request, error)
    url = reverse("fulfilment:distribution", args=[enterprise.slug, day])
    if request.POST.get(REMAINING) == "1":
        url += "?" + urlencode({REMAINING: "1"})
    return redirect(f"{url}#order-{found.uuid}")
