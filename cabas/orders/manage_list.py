"""The seller's orders list in the back-office: its filters (a form bound to the query string, each
choice among the seller's own placed orders), the orders they select, and the clean query string a
filtered list keeps in its links (no empty or repeated parameter).

The filters: number, name or e-mail (`q`), status, distribution day (`day`, the local date of the
order's pickup or delivery), cycle, pickup point or delivery (`shipping`), producer (`producer`:
the orders holding at least one of its lines), customer (`customer`, from the customer's page), and
those the apps hooked into `cabas.orders.registry` add (the payment state). Their choices cost one
query each, whatever the number of orders.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise
from cabas.lib.days import DateInput, day_bounds
from cabas.lib.query import canonical_query
from cabas.orders.models import Customer, Line, Order
from cabas.orders.registry import ORDERS_LIST_FILTERS

FILTERS = ("q", "status", "day", "cycle", "shipping", "producer", "customer")


class ShippingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, method):
        return f"{method.get_kind_display()} — {method.name}"


def listed_orders(enterprise: Enterprise) -> QuerySet:
    """Every order the list may show: the seller's orders but its buyers' carts."""
    return Order.objects.filter(seller=enterprise).exclude(status=Order.Status.CART)


def _statuses() -> list[tuple[str, str]]:
    return [("", _("Tous"))] + [(v, label) for v, label in Order.Status.choices if v != Order.Status.CART]


class OrderFiltersForm(forms.Form):
    """Bound to the query string; an invalid value is refused with a French error and not applied."""

    q = forms.CharField(label=_("Numéro, nom ou e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("État"), required=False, choices=_statuses)
    day = forms.DateField(
        label=_("Retrait ou livraison le"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"]
    )

    def __init__(self, data, *, enterprise: Enterprise):
        super().__init__(data, auto_id="orders-%s")
        sold = listed_orders(enterprise)
        optional = {"required": False, "empty_label": _("Tous")}
        self.fields["cycle"] = forms.ModelChoiceField(
            OrderCycle.objects.filter(pk__in=sold.values("cycle_id")).order_by("-opens_at", "pk"),
            label=_("Cycle"),
            to_field_name="uuid",
            **optional,
        )
        self.fields["shipping"] = ShippingChoiceField(
            ShippingMethod.objects.filter(pk__in=sold.values("shipping_method_id")).order_by(
                "kind", "position", "name", "pk"
            ),
            label=_("Retrait ou livraison"),
            to_field_name="uuid",
            **optional,
        )
        self.fields["producer"] = forms.ModelChoiceField(
            Enterprise.objects.filter(
                pk__in=Line.objects.filter(order__in=sold.values("pk")).values("producer_id")
            ).order_by("name", "pk"),
            label=_("Producteur"),
            to_field_name="slug",
            **optional,
        )
        # Set by the links of a customer's page: a hidden field, its choices never listed.
        self.fields["customer"] = forms.ModelChoiceField(
            Customer.objects.filter(enterprise=enterprise),
            label=_("Client"),
            to_field_name="uuid",
            required=False,
            widget=forms.HiddenInput,
        )

    def filters(self) -> dict:
        """The valid filters (the others are left out), by name."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def filtered_orders(enterprise: Enterprise, filters: dict) -> QuerySet:
    """The seller's listed orders that `filters` (from `OrderFiltersForm.filters`) select."""
    orders = listed_orders(enterprise)
    if "q" in filters:
        q = filters["q"].strip()
        orders = orders.filter(Q(number__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    if "status" in filters:
        orders = orders.filter(status=filters["status"])
    if "day" in filters:
        start, end = day_bounds(filters["day"])
        orders = orders.filter(pickup_at__gte=start, pickup_at__lt=end)
    if "cycle" in filters:
        orders = orders.filter(cycle=filters["cycle"])
    if "shipping" in filters:
        orders = orders.filter(shipping_method=filters["shipping"])
    if "producer" in filters:
        orders = orders.filter(
            Exists(Line.objects.filter(order=OuterRef("pk"), producer=filters["producer"]))
        )
    if "customer" in filters:
        orders = orders.filter(customer=filters["customer"])
    return orders


def registry_filters(query: QueryDict, orders: QuerySet) -> tuple[QuerySet, list[dict]]:
    """Apply the filters the apps hooked into the registry add to the list (e.g. the payment state,
    from payments); returns the filtered orders and the filters for the page."""
    list_filters = []
    for list_filter in ORDERS_LIST_FILTERS:
        value = query.get(list_filter.param, "")
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


def clean_query(query: QueryDict, *, keep: tuple[str, ...] = ("page",)) -> QueryDict:
    """`query` with only the list's parameters (its filters, the registry's, and `keep`), each once
    (its first non-empty value), in the order they came."""
    return canonical_query(query, {*FILTERS, *(f.param for f in ORDERS_LIST_FILTERS), *keep})


def is_clean(query: QueryDict) -> bool:
    """Whether `query` is already the clean query string of the list (nothing to drop)."""
    return query.urlencode() == clean_query(query).urlencode()
