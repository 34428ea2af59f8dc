"""The seller's orders in the back-office: the list (its filters in `cabas.orders.manage_list`, its
downloads in `manage_exports`, its bulk actions in `manage_bulk`) and one order's page (with, from
the apps hooked into `cabas.orders.registry`, its payments: history, state, record a payment,
refund)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.orders import manage_bulk, manage_exports
from cabas.orders.manage_list import (
    OrderFiltersForm,
    clean_query,
    filtered_orders,
    is_clean,
    registry_filters,
)
from cabas.orders.models import Order
from cabas.orders.registry import ORDERS_LIST_FILTERS, order_page_context
from cabas.orders.views_my_orders import _order_context

PER_PAGE = 50


def _list_url(enterprise, query: QueryDict) -> str:
    url = reverse("orders:orders", args=[enterprise.slug])
    return f"{url}?{query.urlencode()}" if query else url


def _download(request, enterprise, form, orders):
    file_format, rows = request.GET.get("format", ""), request.GET.get("rows", "orders")
    if file_format not in manage_exports.FORMATS or rows not in manage_exports.ROWS:
        raise Http404
    producer = form.cleaned_data.get("producer")
    return manage_exports.download(enterprise, orders, file_format=file_format, rows=rows, producer=producer)


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def order_list(request, enterprise):
    form = OrderFiltersForm(request.GET, enterprise=enterprise)
    filters = form.filters()
    orders, list_filters = registry_filters(request.GET, filtered_orders(enterprise, filters))
    if "format" in request.GET and not form.errors:  # with a bad filter: the list says which
        return _download(request, enterprise, form, orders)
    if not is_clean(request.GET):
        return redirect(_list_url(enterprise, clean_query(request.GET)))
    page = Paginator(
        orders.order_by("-placed_at", "-pk").select_related("cycle", "shipping_method"), PER_PAGE
    )
    page = page.get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    for order in page.object_list:
        for list_filter in ORDERS_LIST_FILTERS:
            list_filter.decorate(order)
    context = {
        "enterprise": enterprise,
        "nav": "orders",
        "page": page,
        "form": form,
        "customer": filters.get("customer"),
        "list_filters": list_filters,
        "query": clean_query(request.GET, keep=()).urlencode(),
        "back_query": clean_query(request.GET).urlencode(),
        "bulk_form": manage_bulk.BulkForm(None, enterprise=enterprise),
        "max_orders": manage_bulk.MAX_ORDERS,
    }
    return render(request, "manage/orders/list.html", context)


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def order_bulk(request, enterprise):
    back = _list_url(enterprise, clean_query(QueryDict(request.POST.get("back", ""))))
    form = manage_bulk.BulkForm(request.POST, enterprise=enterprise)
    if not form.is_valid():
        messages.error(request, form.errors_text())
        return redirect(back)
    orders = form.orders()
    if not orders:
        messages.error(request, _("Aucune des commandes cochées n'est à vous : rien n'a changé."))
        return redirect(back)
    return manage_bulk.run(request, form, orders) or redirect(back)


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
