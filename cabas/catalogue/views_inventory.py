"""Back-office inventory: a hub sets its own price, stock and visibility for the variants of the
producers that let it sell their products; a producer sees what each hub overrides.

Each inventory row is a small form: with htmx it posts and swaps the row; without JavaScript it
posts, then comes back to the same page (or shows the page again with the row's error).
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.catalogue import services_inventory
from cabas.catalogue.exceptions import InvalidOverride, InventoryError, NotAHub
from cabas.catalogue.models import Variant
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib.money import format_eur

PER_PAGE = 40
ACTIONS = {"save", "reset_price", "reset_stock", "hide", "show"}


def _input_price(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _input_stock(value) -> str:
    return "" if value is None else str(value)


@dataclass
class InventoryRow:
    """One variant of the inventory as the page shows it, with the form's values and errors."""

    variant: Variant
    price: str = ""
    on_hand: str = ""
    errors: dict = field(default_factory=dict)
    saved: str = ""

    @classmethod
    def of(cls, variant, **kwargs):
        kwargs.setdefault("price", _input_price(variant.override_price))
        kwargs.setdefault("on_hand", _input_stock(variant.override_on_hand))
        return cls(variant=variant, **kwargs)

    @property
    def producer_price(self) -> str:
        return format_eur(self.variant.price)

    @property
    def reference_price(self) -> str:
        variant = self.variant
        return f"{format_eur(variant.reference_price())}/{variant.measure.reference_label()}"

    @property
    def price_overridden(self) -> bool:
        return self.variant.override_price is not None

    @property
    def stock_overridden(self) -> bool:
        return self.variant.override_on_hand is not None

    @property
    def shop_price(self) -> str:
        return format_eur(self.variant.offer_price)


def _offers(hub):
    return services_inventory.offers_for(hub).select_related("product__producer")


def _inventory_rows(hub, params):
    """The filtered, paginated inventory of `hub` and the producers it may sell for."""
    producers = list(services_inventory.granting_producers(hub).only("pk", "slug", "name").order_by("name"))
    variants = _offers(hub)
    producer_slug = params.get("producer", "")
    if producer_slug:
        variants = variants.filter(product__producer__slug=producer_slug)
    q = params.get("q", "").strip()[:100]
    if q:
        variants = variants.filter(product__name__icontains=q)
    shown = params.get("shown", "")
    if shown == "hidden":
        variants = variants.filter(offer_visible=False)
    elif shown == "overridden":
        variants = variants.exclude(override_price__isnull=True, override_on_hand__isnull=True)
    variants = variants.order_by(
        "product__producer__name", "product__producer__pk", "product__name", "product__pk", "position", "pk"
    )
    page = Paginator(variants, PER_PAGE).get_page(params.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    filters = {"producer": producer_slug, "q": q, "shown": shown}
    return producers, page, filters


def _render_inventory(request, hub, params, *, bound: InventoryRow | None = None, status=200):
    producers, page, filters = _inventory_rows(hub, params)
    rows = []
    for variant in page.object_list:
        if bound is not None and variant.pk == bound.variant.pk:
            bound.variant = variant
            rows.append(bound)
        else:
            rows.append(InventoryRow.of(variant))
    context = {
        "enterprise": hub,
        "nav": "inventory",
        "producers": producers,
        "page": page,
        "rows": rows,
        "filters": filters,
        "has_filters": any(filters.values()),
        "next": request.get_full_path() if request.method == "GET" else request.POST.get("next", ""),
    }
    return render(request, "manage/inventory/inventory.html", context, status=status)


@manage_view(min_role=Role.Level.MANAGER)
@require_GET
def inventory(request, enterprise):
    if not services_inventory.sells_others_products(enterprise):
        context = {"enterprise": enterprise, "nav": "inventory"}
        return render(request, "manage/inventory/not_a_hub.html", context)
    return _render_inventory(request, enterprise, request.GET)


def _next_url(request, enterprise) -> str:
    base = reverse("catalogue:inventory", args=[enterprise.slug])
    wanted = request.POST.get("next", "")
    if wanted.startswith(base) and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted
    return base


def _params_of(url: str) -> QueryDict:
    return QueryDict(url.partition("?")[2])


def _apply(hub, variant, action: str, post) -> str:
    """Run the row's action; returns the success message (raises InventoryError)."""
    name = variant.product.name
    if action == "reset_price":
        services_inventory.inventory_reset(hub=hub, variant=variant, fields=("price",))
        return _("%(name)s : prix du producteur rétabli.") % {"name": name}
    if action == "reset_stock":
        services_inventory.inventory_reset(hub=hub, variant=variant, fields=("on_hand",))
        return _("%(name)s : stock du producteur rétabli.") % {"name": name}
    if action in ("hide", "show"):
        services_inventory.inventory_set(hub=hub, variant=variant, visible=action == "show")
        if action == "show":
            return _("%(name)s est de nouveau visible dans votre boutique.") % {"name": name}
        return _("%(name)s est masqué dans votre boutique.") % {"name": name}
    services_inventory.inventory_set(
        hub=hub, variant=variant, price=post.get("price", "").strip(), on_hand=post.get("on_hand", "").strip()
    )
    return _("%(name)s : enregistré.") % {"name": name}


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def inventory_item(request, enterprise, variant_uuid):
    if not services_inventory.sells_others_products(enterprise):
        messages.error(request, NotAHub().message)
        return redirect("catalogue:inventory", enterprise.slug)
    variant = get_object_or_404(_offers(enterprise), uuid=variant_uuid)
    action = request.POST.get("action") or "save"
    if action not in ACTIONS:
        raise Http404
    try:
        message = _apply(enterprise, variant, action, request.POST)
    except InventoryError as error:
        errors = {error.field if isinstance(error, InvalidOverride) else "form": error.message}
        post = request.POST
        row = InventoryRow.of(
            variant, price=post.get("price", ""), on_hand=post.get("on_hand", ""), errors=errors
        )
        if request.htmx:
            return _render_row(request, enterprise, row)
        messages.error(request, error.message)
        return _render_inventory(
            request, enterprise, _params_of(_next_url(request, enterprise)), bound=row, status=400
        )
    if request.htmx:
        fresh = _offers(enterprise).get(pk=variant.pk)
        return _render_row(request, enterprise, InventoryRow.of(fresh, saved=message))
    messages.success(request, message)
    return redirect(_next_url(request, enterprise))


def _render_row(request, hub, row):
    context = {"enterprise": hub, "row": row, "next": request.POST.get("next", "")}
    return render(request, "manage/inventory/inventory.html#row", context)


@dataclass
class ShopOverride:
    """What one hub changes on one of the producer's variants."""

    hub: object
    price: str = ""
    on_hand: int | None = None
    hidden: bool = False


def _in_shops_rows(variants):
    rows = []
    for variant in variants:
        overrides = [
            ShopOverride(
                hub=item.hub,
                price=format_eur(item.price) if item.price is not None else "",
                on_hand=item.on_hand,
                hidden=not item.visible,
            )
            for item in variant.overrides
        ]
        rows.append({"variant": variant, "your_price": format_eur(variant.price), "overrides": overrides})
    return rows


@manage_view(min_role=Role.Level.MANAGER)
@require_GET
def products_in_shops(request, enterprise):
    """The producer's variants that hubs sell with their own price, stock or visibility."""
    context = {"enterprise": enterprise, "nav": "in_shops"}
    if not enterprise.is_producer:
        return render(request, "manage/inventory/in_shops.html", context)
    overrides = services_inventory.overrides_of(enterprise)
    variants = (
        Variant.objects.active()
        .filter(product__producer=enterprise, pk__in=overrides.values("variant"))
        .select_related("product")
        .prefetch_related(Prefetch("inventory_items", queryset=overrides, to_attr="overrides"))
        .order_by("product__name", "product__pk", "position", "pk")
    )
    page = Paginator(variants, PER_PAGE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    context.update(
        page=page,
        rows=_in_shops_rows(page.object_list),
        shops=list(services_inventory.granted_hubs(enterprise).only("pk", "slug", "name").order_by("name")),
    )
    return render(request, "manage/inventory/in_shops.html", context)
