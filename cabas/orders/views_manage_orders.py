"""The seller's orders in the back-office: the list (status, payment state, cycle, search) and one
order's page (with, from the apps hooked into `cabas.orders.registry`, its payments: history,
state, record a payment, refund)."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cabas.cycles.models import OrderCycle
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.orders.models import Order
from cabas.orders.registry import ORDERS_LIST_FILTERS, order_page_context
from cabas.orders.views_my_orders import _order_context

PER_PAGE = 50


def _registry_filters(request, orders):
    """Apply the filters the apps hooked into the registry add to the list (e.g. the payment state,
    from payments); returns the filtered orders and the filters for the page."""
    list_filters = []
    for list_filter in ORDERS_LIST_FILTERS:
        value = request.GET.get(list_filter.param, "")
        orders = list_filter.queryset(orders, value)
        list_filters.append(
            {
                "param": list_filter.param,
                "label": list_filter.label,
                "choices": list_filter.choices(),
                "value": value,
            }
        )
    return orders, list_filters


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def order_list(request, enterprise):
    orders = Order.objects.filter(seller=enterprise).exclude(status=Order.Status.CART).select_related("cycle")
    status = request.GET.get("status", "")
    if status in Order.Status.values and status != Order.Status.CART:
        orders = orders.filter(status=status)
    cycle = request.GET.get("cycle", "")
    cycles = list(OrderCycle.objects.filter(orders__seller=enterprise).distinct().order_by("-opens_at")[:50])
    if cycle and any(str(c.uuid) == cycle for c in cycles):
        orders = orders.filter(cycle__uuid=cycle)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        orders = orders.filter(Q(number__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    orders, list_filters = _registry_filters(request, orders)
    page = Paginator(orders.order_by("-placed_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    for order in page.object_list:
        for list_filter in ORDERS_LIST_FILTERS:
            list_filter.decorate(order)
    statuses = [(value, label) for value, label in Order.Status.choices if value != Order.Status.CART]
    context = {
        "enterprise": enterprise,
        "nav": "orders",
        "page": page,
        "statuses": statuses,
        "status": status,
        "cycles": cycles,
        "cycle": cycle,
        "list_filters": list_filters,
        "q": q,
    }
    return render(request, "manage/orders/list.html", context)


def order_for_manager(enterprise, uuid) -> Order:
    """The placed (not cart) order `uuid` of `enterprise`, or 404."""
    return get_object_or_404(
        Order.objects.exclude(status=Order.Status.CART).select_related(
            "seller", "cycle", "shipping_method", "payment_method", "customer"
        ),
        seller=enterprise,
        uuid=uuid,
    )


def render_order_detail(request, enterprise, order, *, status=200, **payment_forms):
    """The order's page; `payment_forms` (record_form, refund_form, refund_payment) show a posted
    form again with its errors."""
    order.is_buyer = False
    context = _order_context(request, order)
    context.update(enterprise=enterprise, nav="orders", events=order.events.select_related("user"))
    context.update(order_page_context(request, order, manager=True, **payment_forms))
    return render(request, "manage/orders/detail.html", context, status=status)


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def order_detail(request, enterprise, uuid):
    return render_order_detail(request, enterprise, order_for_manager(enterprise, uuid))
