"""The member portal (« Mon AMAP ») and what it posts: an absence declared or taken back, a variable
basket's quantities, who collects a shared basket, a new address for the iCal feed; and the feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.amap.baskets import absence_cancel, absence_declare, basket_collector_set, basket_quantities_set
from cabas.amap.exceptions import AmapError
from cabas.amap.feed import feed_ics, member_feed, member_feed_renew
from cabas.amap.models import Distribution, MemberFeed
from cabas.amap.portal import my_basket, portal_for

PORTAL = "amap_member:portal"


@login_required
@require_GET
def portal(request):
    feed = member_feed(request.user)
    context = {
        "portal": portal_for(request.user),
        "feed_url": request.build_absolute_uri(reverse("amap_member:feed", args=[feed.token])),
    }
    return render(request, "amap/member/portal.html", context)


def _basket_or_404(request, pk):
    basket = my_basket(request.user, pk)
    if basket is None:
        raise Http404
    return basket


def _done(request, call, success: str):
    """Run the service; its refusal is shown in French, nothing changed."""
    try:
        call()
    except AmapError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(reverse(PORTAL) + "#paniers")


@login_required
@require_POST
def basket_absence(request, pk):
    basket = _basket_or_404(request, pk)
    move_to = None
    if request.POST.get("move_to", "").isdigit():
        move_to = Distribution.objects.filter(
            pk=request.POST["move_to"], amap_id=basket.delivery.distribution.amap_id
        ).first()

    def call():
        absence_declare(basket=basket, user=request.user, move_to=move_to)

    return _done(request, call, _("Votre absence est enregistrée."))


@login_required
@require_POST
def basket_absence_cancel(request, pk):
    basket = _basket_or_404(request, pk)
    return _done(
        request, lambda: absence_cancel(basket=basket, user=request.user), _("Votre absence est annulée.")
    )


def _quantities(request, basket) -> dict[int, int] | None:
    quantities = {}
    for product in basket.subscription.contract.products.all():
        raw = request.POST.get(f"q_{product.pk}", "0").strip() or "0"
        if not raw.isdigit():
            return None
        quantities[product.pk] = int(raw)
    return quantities


@login_required
@require_POST
def basket_quantities(request, pk):
    basket = _basket_or_404(request, pk)
    quantities = _quantities(request, basket)
    if quantities is None:
        messages.error(request, _("Indiquez des quantités en nombres entiers."))
        return redirect(reverse(PORTAL) + "#paniers")
    return _done(
        request,
        lambda: basket_quantities_set(basket=basket, quantities=quantities, user=request.user),
        _("Les quantités de ce panier sont enregistrées."),
    )


@login_required
@require_POST
def basket_collector(request, pk):
    basket = _basket_or_404(request, pk)
    shares = {str(s.customer_id): s.customer for s in basket.subscription.shares.select_related("customer")}
    customer = shares.get(request.POST.get("collector", ""))
    if customer is None:
        messages.error(request, _("Choisissez l'un des adhérents qui partagent ce panier."))
        return redirect(reverse(PORTAL) + "#paniers")
    return _done(
        request,
        lambda: basket_collector_set(basket=basket, customer=customer),
        _("%(name)s récupérera ce panier.") % {"name": customer.full_name or customer.email},
    )


@login_required
@require_POST
def feed_renew(request):
    member_feed_renew(user=request.user)
    messages.success(request, _("Votre calendrier a une nouvelle adresse : l'ancienne ne fonctionne plus."))
    return redirect(reverse(PORTAL) + "#calendrier")


@require_GET
def feed(request, token):
    feed = get_object_or_404(MemberFeed.objects.select_related("user"), token=token, user__is_active=True)
    response = HttpResponse(feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cabas-amap.ics"'
    return response
