"""The shopfront of a distributor (/<slug>/shop/) and its cart (/<slug>/shop/cart/).

The shopfront lists what the shop sells in one open cycle, a page at a time, in a constant number
of queries whatever the size of the catalogue: the shop and its cycles, the visitor's customer
record and the visibility rules, the filter choices (kept a minute in the shared cache), one page
of variants (with their product, producer, category, tax rate and first photo), their labels, the
cycle's fees and the cart.

With htmx the filters refresh the results and "add to cart" answers the variant's row plus the
cart summary (out of band); without JavaScript the same URLs serve whole pages and redirects.
"""

import hashlib

from django.contrib import messages
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.catalogue.models import Label, ProductPhoto, Variant
from cabas.cycles.pricing import FeeContext
from cabas.enterprises.models import VatRegime
from cabas.lib import money
from cabas.lib.text import fold
from cabas.orders import cart as carts
from cabas.orders.exceptions import OrderError
from cabas.orders.offers import OFFER_RELATED, apply_offer_price, available_quantity
from cabas.orders.shop import (
    Shop,
    shop_offer,
    shop_offers,
    shop_open,
    shop_variant,
)
from cabas.orders.shop_listing import (
    SECTION_ORDER,
    aisle,
    jump_list,
    page_number,
    page_url,
    product_cards,
    sections,
    shop_query,
    shop_url,
)
from cabas.orders.visibility import Subject

PER_PAGE = 30
LOW_STOCK = 3
SHOP = "shop/shopfront.html"


# --- the shop and its cycle -------------------------------------------------------------------


def shop_load(request, slug, *, cycle_uuid=None) -> Shop:
    """The shop `slug` (404 when it sells nothing) as the visitor sees it, with the open cycle asked
    for (?cycle=<uuid>) or the first one."""
    wanted = cycle_uuid or request.GET.get("cycle") or request.POST.get("cycle") or ""
    return shop_open(slug, request.user, wanted)


def cart_summary(request, shop: Shop, context: FeeContext):
    """The cart summary (number of items and total incl. fees) from the cart's current lines."""
    lines = carts.cart_lines_for_request(request, seller=shop.enterprise, cycle=shop.cycle)
    view = carts.cart_priced(
        lines=lines,
        cycle=shop.cycle,
        distributor=shop.enterprise,
        context=context,
        refresh=False,
        customer=shop.customer,
        user=request.user,
    )
    view.quantities = {line.variant_id: line.quantity for line in lines}
    return view


# --- the listing ------------------------------------------------------------------------------


def _filters(request) -> dict:
    params = shop_query(request.GET)
    return {
        "q": params.get("q", "").strip()[:100],
        "category": params.get("category", "").strip()[:80],
        "producer": params.get("producer", "").strip()[:80],
        "label": params.get("label", "").strip()[:80],
    }


def _facets(base) -> tuple[list, list, list]:
    """The categories (top level), producers and labels present in `base` (two queries)."""
    rows = (
        base.values_list(
            "product__category__slug",
            "product__category__name",
            "product__category__name_en",
            "product__category__parent__slug",
            "product__category__parent__name",
            "product__category__parent__name_en",
            "product__producer__slug",
            "product__producer__name",
        )
        .distinct()
        .order_by()
    )
    from django.utils.translation import get_language

    english = (get_language() or "fr").startswith("en")
    categories, producers = {}, {}
    for slug, name, name_en, parent_slug, parent_name, parent_en, producer_slug, producer_name in rows:
        if parent_slug:
            categories[parent_slug] = parent_en if english and parent_en else parent_name
        else:
            categories[slug] = name_en if english and name_en else name
        producers[producer_slug] = producer_name
    labels = list(
        Label.objects.filter(products__variants__in=base.values("pk"))
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    return (
        sorted(categories.items(), key=lambda kv: fold(kv[1])),
        sorted(producers.items(), key=lambda kv: fold(kv[1])),
        labels,
    )


# How long the filter lists of a shop may lag behind its catalogue (a product just added to the
# cycle shows at once; its category or producer joins the filters within this delay).
FACETS_SECONDS = 60


def _facets_cached(shop: Shop, base) -> tuple[list, list, list]:
    """`_facets(base)`, kept a minute per cycle, shop, language and set of hidden products: the two
    heaviest queries of the shop page, which only change when the catalogue does."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    hidden = sorted(shop.visibility.hidden.get(Subject.PRODUCTS, ()))
    signature = hashlib.sha256(",".join(map(str, hidden)).encode()).hexdigest()[:16]
    key = f"shop-facets:{shop.cycle.uuid}:{shop.enterprise.pk}:{get_language()}:{signature}"
    facets = cache.get(key)
    if facets is None:
        facets = _facets(base)
        cache.set(key, facets, FACETS_SECONDS)
    return facets


def _filtered(base, filters: dict):
    if filters["category"]:
        base = base.filter(
            Q(product__category__slug=filters["category"])
            | Q(product__category__parent__slug=filters["category"])
        )
    if filters["producer"]:
        base = base.filter(product__producer__slug=filters["producer"])
    if filters["label"]:
        base = base.filter(product__labels__slug=filters["label"])
    if filters["q"]:
        for word in filters["q"].split()[:5]:
            base = base.filter(
                Q(product__name__icontains=word)
                | Q(name__icontains=word)
                | Q(product__producer__name__icontains=word)
                | Q(product__category__name__icontains=word)
            )
    return base


def decorate(variant: Variant, context: FeeContext, quantity_in_cart: int = 0) -> Variant:
    """Attach what a row shows: size, price incl. fees, price per kg/L/piece, breakdown, stock."""
    apply_offer_price(variant)
    breakdown = context.price_breakdown(variant, max(1, quantity_in_cart))
    measure = variant.measure
    variant.breakdown = breakdown
    variant.size_display = (
        _("environ %(size)s") % {"size": measure.display()} if variant.variable_weight else measure.display()
    )
    variant.price_display = money.format_eur(breakdown.unit_price)
    reference_quantity = measure.reference_quantity()
    variant.reference_display = ""
    if reference_quantity != 1:
        per_unit = money.unit_price(breakdown.unit_price, reference_quantity)
        variant.reference_display = f"{money.format_eur(per_unit)} / {measure.reference_label()}"
    variant.available = available_quantity(variant)
    variant.sold_out = variant.available is not None and variant.available <= 0
    threshold = variant.low_stock_threshold or LOW_STOCK
    variant.few_left = variant.available is not None and 0 < variant.available <= threshold
    variant.in_cart = quantity_in_cart
    variant.can_add = not variant.sold_out and (
        variant.available is None or quantity_in_cart < variant.available
    )
    variant.franchise = variant.product.producer.vat_regime == VatRegime.FRANCHISE
    return variant


def _page_rows(base, offset: int, *, with_previous: bool = False):
    """One page of variants from `offset` (and the one before it, with `with_previous`), and whether
    there are more."""
    photos = ProductPhoto.objects.filter(product=OuterRef("product_id")).order_by("position", "pk")
    start = max(0, offset - 1) if with_previous else offset
    rows = list(
        base.select_related(*OFFER_RELATED, "product__category__parent")
        .prefetch_related("product__labels")
        .annotate(
            photo_thumb=Subquery(photos.values("thumbnail")[:1]),
            photo_image=Subquery(photos.values("image")[:1]),
            photo_alt=Subquery(photos.values("alt")[:1]),
        )
        .order_by(*SECTION_ORDER)[start : offset + PER_PAGE + 1]
    )
    previous = rows.pop(0) if start < offset else None
    return rows[:PER_PAGE], len(rows) > PER_PAGE, previous


def _listing(request, shop: Shop, filters: dict) -> dict:
    """What the shopfront shows of the shop's cycle: the cart summary, the filter choices and one
    page of variants, decorated, by top-level category."""
    fees = FeeContext.for_cycle(shop.cycle, shop.enterprise)
    summary = cart_summary(request, shop, fees)
    base = shop_offers(shop, shop.cycle)
    categories, producers, labels = _facets_cached(shop, base)
    query = shop_query(request.GET)
    page = page_number(query)
    appended = bool(request.htmx and request.htmx.target == "shop-more")
    rows, more, previous = _page_rows(_filtered(base, filters), (page - 1) * PER_PAGE, with_previous=appended)
    for variant in rows:
        decorate(variant, fees, summary.quantities.get(variant.pk, 0))
    here = shop_url(request, query)
    query.setdefault("cycle", str(shop.cycle.uuid))
    cards = product_cards(rows)
    page_sections = sections(cards, page=page, continues=aisle(previous.product).slug if previous else "")
    return {
        "summary": summary,
        "groups": cards,
        "sections": page_sections,
        "jump_list": [] if appended else jump_list(page_sections),
        "categories": categories,
        "producers": producers,
        "labels": labels,
        "page": page,
        "next_url": page_url(request, query, page + 1) if more else "",
        "previous_url": page_url(request, query, page - 1) if page > 1 else "",
        "here": here,
        "searched": any(filters.values()),
    }


def _listing_template(request) -> str:
    """The part htmx asks for (the results, the next page), else the whole page."""
    if request.htmx and request.htmx.target == "shop-results":
        return f"{SHOP}#results"
    if request.htmx and request.htmx.target == "shop-more":
        return f"{SHOP}#more"
    return SHOP


@require_GET
def shopfront(request, slug):
    """The shop's products. A URL with a repeated or empty parameter (a form sent as it is, filters
    added to a link) is redirected once to its canonical URL; htmx is told the canonical URL to put
    in the address bar."""
    query = shop_query(request.GET)
    if not request.htmx and request.GET.urlencode() != query.urlencode():
        return redirect(shop_url(request, query))
    shop = shop_load(request, slug)
    filters = _filters(request)
    context = {"shop": shop, "enterprise": shop.enterprise, "filters": filters}
    template = SHOP
    if shop.cycle is not None:
        context.update(_listing(request, shop, filters))
        template = _listing_template(request)
    response = render(request, template, context)
    if request.htmx and request.htmx.target == "shop-results":
        response["HX-Push-Url"] = shop_url(request, query)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- cart -------------------------------------------------------------------------------------


def _back(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


def _require_open(shop: Shop):
    if not shop.allowed or shop.cycle is None:
        raise Http404


def _posted_quantity(request) -> str:
    return request.POST.get("set") or request.POST.get("quantity", "")


@require_POST
def cart_set(request, slug):
    """Set the quantity of one variant in the cart (the stepper's buttons or the quantity field)."""
    shop = shop_load(request, slug)
    _require_open(shop)
    variant = shop_variant(shop, request.POST.get("variant", ""))
    default = reverse("shop:front", args=[slug]) + f"?cycle={shop.cycle.uuid}"
    error = ""
    if variant is None:
        error = _("Ce produit n'est pas proposé dans ce cycle.")
    else:
        cart = carts.cart_for_request(request, seller=shop.enterprise, cycle=shop.cycle)
        try:
            carts.cart_set_quantity(cart=cart, variant=variant, quantity=_posted_quantity(request))
        except OrderError as exc:
            error = exc.message
    if request.htmx and variant is not None and not request.POST.get("page_cart"):
        return _row_response(request, shop, variant, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Panier mis à jour."))
    return redirect(_back(request, default))


def _row_response(request, shop: Shop, variant: Variant, error: str):
    """The variant's row (shopfront or cart page) and the cart summary out of band."""
    fees = FeeContext.for_cycle(shop.cycle, shop.enterprise)
    summary = cart_summary(request, shop, fees)
    row = shop_offer(shop, shop.cycle, variant.pk)
    context = {
        "shop": shop,
        "enterprise": shop.enterprise,
        "summary": summary,
        "error": error,
        "here": _back(request, reverse("shop:front", args=[shop.enterprise.slug])),
        "oob": True,
    }
    if row is None:
        context["gone"] = variant
        return render(request, f"{SHOP}#row-gone", context)
    context["variant"] = decorate(row, fees, summary.quantities.get(row.pk, 0))
    return render(request, f"{SHOP}#row-response", context)


@require_GET
def cart_page(request, slug):
    shop = shop_load(request, slug)
    context = {"shop": shop, "enterprise": shop.enterprise}
    if shop.cycle is not None:
        cart = carts.cart_find(request, seller=shop.enterprise, cycle=shop.cycle)
        lines = carts.cart_lines(cart)
        context["view"] = carts.cart_priced(
            lines=lines,
            cycle=shop.cycle,
            distributor=shop.enterprise,
            customer=shop.customer,
            user=request.user,
        )
        context["here"] = request.get_full_path()
    return render(request, "shop/cart.html", context)


@require_POST
def cart_clear(request, slug):
    shop = shop_load(request, slug)
    _require_open(shop)
    cart = carts.cart_find(request, seller=shop.enterprise, cycle=shop.cycle)
    if cart is not None:
        carts.cart_clear(cart=cart)
    messages.success(request, _("Votre panier est vide."))
    return redirect(reverse("shop:cart", args=[slug]) + f"?cycle={shop.cycle.uuid}")
