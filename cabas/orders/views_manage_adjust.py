"""The seller fixing an order from its back-office page, also after the cycle closed: each line's
quantity, its final weight when it is sold by weight, the product given instead, a product added,
and a message for the customer (`cabas.orders.adjust.order_adjust`)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib.units import format_number
from cabas.orders.adjust import Adjustment, order_adjust, parse_weight
from cabas.orders.exceptions import InsufficientStock, OrderError
from cabas.orders.models import Order
from cabas.orders.offers import offer_choices
from cabas.orders.pricing import VARIANT_PRICING_RELATED_OF_LINE, placed_order_bill
from cabas.orders.views_manage_orders import order_for_manager


def _form_lines(order: Order, posted=None) -> list:
    lines = list(order.lines.select_related(*VARIANT_PRICING_RELATED_OF_LINE))
    placed_order_bill(order, lines=lines)  # each line at the shop's unit price, as its buyer reads it
    for line in lines:
        key = str(line.variant.uuid)
        line.key = key
        if posted is not None:
            line.posted_quantity = posted.get(f"q-{key}", line.quantity)
            line.posted_weight = posted.get(f"w-{key}", "")
            line.posted_substitute = posted.get(f"s-{key}", "")
        else:
            line.posted_quantity = line.quantity
            line.posted_weight = format_number(line.final_weight) if line.final_weight is not None else ""
            line.posted_substitute = ""
    return lines


def adjustment_from(post, lines) -> Adjustment:
    """The changes asked by the posted form over `lines`; InvalidQuantity for an unreadable weight."""
    adjustment = Adjustment()
    for line in lines:
        key = line.key
        if f"q-{key}" in post:
            adjustment.quantities[key] = post[f"q-{key}"]
        if line.weight_price is not None and f"w-{key}" in post:
            adjustment.weights[key] = parse_weight(post[f"w-{key}"])
        if post.get(f"s-{key}"):
            adjustment.substitutions[key] = post[f"s-{key}"]
    added, quantity = post.get("add", ""), post.get("add_quantity", "")
    if added:
        adjustment.quantities[added] = quantity or "1"
    return adjustment


def _page(request, enterprise, order, *, posted=None, error="", status=200):
    lines = _form_lines(order, posted)
    context = {
        "enterprise": enterprise,
        "nav": "orders",
        "order": order,
        "lines": lines,
        "offers": offer_choices(order, {line.variant_id for line in lines}),
        "posted": posted or {},
        "error": error,
    }
    return render(request, "manage/orders/adjust.html", context, status=status)


@manage_view(min_role=Role.Level.MANAGER)
def order_adjust_page(request, enterprise, uuid):
    order = order_for_manager(enterprise, uuid)
    if order.status not in (Order.Status.PLACED, Order.Status.FULFILLED):
        messages.error(request, _("Seule une commande passée ou remise peut être modifiée."))
        return redirect("orders:order", enterprise.slug, order.uuid)
    if request.method != "POST":
        return _page(request, enterprise, order)
    try:
        adjustment = adjustment_from(request.POST, _form_lines(order, request.POST))
        result = order_adjust(
            order=order, adjustment=adjustment, user=request.user, note=request.POST.get("note", "")
        )
    except InsufficientStock as error:
        message = " ".join(change.message for change in error.changes)
        return _page(request, enterprise, order, posted=request.POST, error=message, status=400)
    except OrderError as error:
        return _page(request, enterprise, order, posted=request.POST, error=str(error), status=400)
    if not result.changes:
        messages.info(request, _("Rien n'a changé."))
    else:
        messages.success(
            request,
            ngettext(
                "Commande modifiée (%(n)s changement) : le client est prévenu par e-mail.",
                "Commande modifiée (%(n)s changements) : le client est prévenu par e-mail.",
                len(result.changes),
            )
            % {"n": len(result.changes)},
        )
    return redirect("orders:order", enterprise.slug, order.uuid)
