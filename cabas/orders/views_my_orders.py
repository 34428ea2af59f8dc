"""The buyer's side of placed orders: "Mes commandes", an order's page, editing or cancelling it
while its cycle is open (when the shop allows it), and ordering the same again.

An order's page is shown to its buyer (the account that placed it, or, for a guest order, the
browser that placed it or opened its signed link: see `cabas.orders.links`) and to the seller's
managers; anyone else gets 404. A guest who lost the link asks the shop to email it again
(« Retrouver ma commande »).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabas.accounts import ratelimit
from cabas.enterprises.models import Enterprise, Sells
from cabas.enterprises.selectors import MANAGING, role_in
from cabas.orders import cart as carts
from cabas.orders import changes, tasks
from cabas.orders.exceptions import OrderError
from cabas.orders.links import guest_token_valid, order_path
from cabas.orders.models import Order
from cabas.orders.offers import offer_choices, sellable_cycles
from cabas.orders.pricing import VARIANT_PRICING_RELATED_OF_LINE, placed_order_bill
from cabas.orders.registry import cancellation_notes, order_page_context
from cabas.orders.views_checkout import GUEST_ORDERS, remember_guest_order

PER_PAGE = 20


def _is_seller_manager(user, order) -> bool:
    if not user.is_authenticated:
        return False
    return role_in(user, order.seller) in MANAGING


def _is_buyer(request, order) -> bool:
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    return order.user_id is None and str(order.uuid) in request.session.get(GUEST_ORDERS, [])


def _placed():
    return Order.objects.exclude(status=Order.Status.CART).select_related(
        "seller", "cycle", "shipping_method", "payment_method", "customer"
    )


def order_for(request, uuid, *, buyer_only: bool = False) -> Order:
    """The placed order `uuid` if the visitor may see it (404 otherwise)."""
    order = get_object_or_404(_placed(), uuid=uuid)
    order.is_buyer = _is_buyer(request, order)
    if order.is_buyer:
        return order
    if not buyer_only and _is_seller_manager(request.user, order):
        return order
    raise Http404


@require_GET
@login_required
def my_orders(request):
    orders = (
        Order.objects.filter(user=request.user)
        .exclude(status=Order.Status.CART)
        .select_related("seller", "cycle")
        .order_by("-placed_at", "-pk")
    )
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return render(request, "shop/my_orders.html", {"page": page})


def _order_context(request, order) -> dict:
    bill = placed_order_bill(order)
    return {
        "order": order,
        "bill": bill,
        "can_change": order.is_buyer and changes.order_can_change(order),
        "can_edit": order.is_buyer and changes.order_can_edit(order),
        "can_reorder": order.is_buyer,
        "events": list(order.events.all()),  # its history: placed, edited, cancelled…
    }


def _order_page(request, order):
    context = _order_context(request, order)
    context.update(order_page_context(request, order, manager=False))  # e.g. how to pay by transfer
    if order.is_buyer and order.user_id is None:
        context["guest_link"] = request.build_absolute_uri(order_path(order))
    return render(request, "shop/order.html", context)


def _order_not_found(request):
    # The same page whether the order does not exist or is not the visitor's: it tells nothing.
    return render(request, "shop/order_not_found.html", status=404)


@require_GET
def order_detail(request, uuid):
    try:
        order = order_for(request, uuid)
    except Http404:
        return _order_not_found(request)
    return _order_page(request, order)


@require_GET
def order_guest(request, uuid, token):
    """A guest order from its signed link, in any browser. The browser then remembers the order, as
    the one that placed it does, so that editing, cancelling, paying and reordering work from it."""
    if not guest_token_valid(uuid, token):
        return _order_not_found(request)
    order = _placed().filter(uuid=uuid, user__isnull=True).first()
    if order is None:  # e.g. deleted since, or a token for an order placed with an account
        return _order_not_found(request)
    remember_guest_order(request, order)
    order.is_buyer = True
    return _order_page(request, order)


def _posted_quantities(request, lines) -> dict:
    """The quantities posted for the order's `lines` and, with `add`, for a product not in it yet."""
    quantities = {str(line.variant.uuid): request.POST.get(f"q-{line.variant.uuid}", "") for line in lines}
    if request.POST.get("add"):
        quantities[request.POST["add"]] = request.POST.get("add_quantity") or "1"
    return quantities


def _edit_page(request, order, lines, error=None):
    for line in lines:
        line.posted = request.POST.get(f"q-{line.variant.uuid}", line.quantity) if error else line.quantity
    context = {
        "order": order,
        "order_url": order_path(order),
        "lines": lines,
        "error": error,
        "offers": offer_choices(order, {line.variant_id for line in lines}),  # to add one
        "posted": request.POST if error else {},
    }
    return render(request, "shop/order_edit.html", context)


def order_edit(request, uuid):
    order = order_for(request, uuid, buyer_only=True)
    if not changes.order_can_edit(order):
        messages.error(request, _("Cette commande ne peut plus être modifiée."))
        return redirect(order_path(order))
    lines = list(order.lines.select_related(*VARIANT_PRICING_RELATED_OF_LINE))
    placed_order_bill(order, lines=lines)  # each line at the shop's unit price, as on the order's page
    if request.method != "POST":
        return _edit_page(request, order, lines)
    try:
        changes.order_edit(
            order=order,
            quantities=_posted_quantities(request, lines),
            user=request.user if request.user.is_authenticated else None,
        )
    except OrderError as exc:
        return _edit_page(request, order, lines, error=exc.message)
    messages.success(request, _("Votre commande est modifiée."))
    return redirect(order_path(order))


@require_http_methods(["GET", "POST"])
def order_cancel(request, uuid):
    """« Annuler la commande »: a page saying what cancelling does, then a POST that confirms it
    (a POST without `confirm` only shows the page). Back to the order's page (signed for a guest)."""
    order = order_for(request, uuid, buyer_only=True)
    if not changes.order_can_change(order):
        messages.error(request, _("Cette commande ne peut plus être annulée."))
        return redirect(order_path(order))
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        context = {"order": order, "order_url": order_path(order), "notes": cancellation_notes(order)}
        return render(request, "shop/order_cancel.html", context)
    try:
        changes.order_cancel(order=order, user=request.user if request.user.is_authenticated else None)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Votre commande %(number)s est annulée.") % {"number": order.number})
    return redirect(order_path(order))


@require_POST
def order_reorder(request, uuid):
    order = order_for(request, uuid, buyer_only=True)
    cycles = sellable_cycles(order.seller)
    if not cycles:
        messages.error(
            request, _("Pas de vente en cours chez %(name)s pour l'instant.") % {"name": order.seller.name}
        )
        return redirect(order_path(order))
    cycle = cycles[0]
    cart = carts.cart_for_request(request, seller=order.seller, cycle=cycle)
    notes = changes.reorder(order=order, cart=cart)
    for note in notes:
        messages.warning(request, note)
    messages.success(
        request,
        _("Les produits de la commande %(number)s sont dans votre panier.") % {"number": order.number},
    )
    return redirect(reverse("shop:cart", args=[order.seller.slug]) + f"?cycle={cycle.uuid}")


# --- « Retrouver ma commande »: the links of a guest's orders, emailed again -------------------


class FindOrdersForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail donnée à la commande"), max_length=254)


@require_http_methods(["GET", "POST"])
def find_orders(request, slug):
    """A guest types an email address; the shop emails it the links of its recent orders there.

    The answer is the same whether or not the address has orders (the email is only sent when it
    has), and requests are throttled per address and per IP like the account emails."""
    enterprise = get_object_or_404(Enterprise.objects.exclude(sells=Sells.NONE), slug=slug)
    form = FindOrdersForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = ratelimit.client_ip(request)
        if ratelimit.blocked("order-links", email=email, ip=ip):
            form.add_error(
                None,
                _("Trop de demandes. Réessayez dans %(minutes)s minutes.")
                % {"minutes": ratelimit.window_minutes("order-links")},
            )
            status = 429
        else:
            ratelimit.record("order-links", email=email, ip=ip)
            tasks.order_links_request(seller=enterprise, email=email, language=translation.get_language())
            messages.success(
                request,
                _(
                    "Si des commandes ont été passées avec cette adresse dans cette boutique, leurs liens "
                    "viennent d'être envoyés à %(email)s. Pensez à regarder dans les indésirables."
                )
                % {"email": email},
            )
            return redirect("shop:find_orders", enterprise.slug)
    return render(request, "shop/find_orders.html", {"enterprise": enterprise, "form": form}, status=status)
