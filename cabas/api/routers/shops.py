"""Shops API: the open cycles of a shop, their products with the price breakdown, placing an order,
and reading an order.

The rules are the shopfront's: a private shop answers only its customers and members; the visibility
rules by customer tag (docs/visibility-rules.md) hide cycles, products, shipping and payment
methods from those they do not concern. The shop is read by `cabas.orders.shop` and an order is
placed by `cabas.orders.checkout.order_checkout` (stock locked, totals computed once, confirmation
email after commit), as on the shop pages; this module parses and answers.

An order number is unique per seller, not across Cabas: `GET /orders/{seller}/{number}` names
the seller; `GET /orders/{number}` looks among the orders the caller may read (as buyer or as a
manager of the seller) and answers 409 when several sellers gave the same number.
"""

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError

from cabas.api import idempotency
from cabas.api.access import optional_user
from cabas.api.auth import token_auth
from cabas.api.errors import errors, invalid
from cabas.api.schemas import OrderNumber, Slug, text
from cabas.api.schemas_products import money_text, rate_text
from cabas.api.schemas_shops import (
    CycleOut,
    CycleProductsPage,
    OrderIn,
    OrderOut,
    ProductsFilters,
    StockErrorOut,
)
from cabas.cycles.models import CycleDistributor, ShippingMethod
from cabas.cycles.pricing import FeeContext
from cabas.errors import DomainError
from cabas.orders import placing
from cabas.orders.checkout import (
    Buyer,
    LineWanted,
    checkout_distribution,
    checkout_offered,
    order_checkout,
)
from cabas.orders.exceptions import CheckoutInvalid, InsufficientStock, NotOffered, StockChange
from cabas.orders.models import Order
from cabas.orders.offers import apply_offer_price, available_quantity
from cabas.orders.selectors import order_detail, order_readable, orders_readable_by_number
from cabas.orders.shop import Shop, shop_distributions, shop_for, shop_products_page

router = Router(tags=["Boutiques et commandes"])

# 401: a wrong token, or no token for a private shop; 403: a private shop's stranger.
READ_RESPONSES = errors(401, 403, 404, 422)
IdempotencyKey = text(80)
KEY_HEADER = Header("", alias="Idempotency-Key")


# --- Who is asking, which shop ----------------------------------------------------------------


def _shop(slug: str, user) -> Shop:
    """The shop `slug` (404 when it sells nothing); 401/403 when it is private and the caller is
    neither one of its customers nor a member."""
    shop = shop_for(slug, user)
    if not shop.allowed:
        if user is None:
            raise HttpError(
                401,
                _(
                    "Cette boutique est réservée à ses clients : envoyez le jeton d'un compte "
                    "qu'elle connaît."
                ),
            )
        raise HttpError(403, _("Cette boutique est réservée à ses clients."))
    return shop


# --- Reading: cycles and products -------------------------------------------------------------


def _shipping(method: ShippingMethod) -> dict:
    codes = [c.strip() for c in method.postcodes.replace(";", ",").replace(" ", ",").split(",") if c.strip()]
    return {
        "uuid": method.uuid,
        "kind": method.kind,
        "name": method.name,
        "address": method.address,
        "postcode": method.postcode,
        "city": method.city,
        "instructions": method.instructions,
        "postcodes": codes,
        "fee": money_text(method.fee),
        "minimum_order": money_text(method.minimum_order) if method.minimum_order is not None else None,
    }


def _cycle(slug: str, distribution: CycleDistributor) -> dict:
    cycle = distribution.cycle
    path = reverse("api-1.0.0:shop_cycle_products", kwargs={"slug": slug, "cycle": cycle.uuid})
    return {
        "uuid": cycle.uuid,
        "name": cycle.name,
        "coordinator": {"slug": cycle.coordinator.slug, "name": cycle.coordinator.name},
        "opens_at": cycle.opens_at,
        "closes_at": cycle.closes_at,
        "pickup_at": distribution.pickup_at,
        "pickup_note": distribution.pickup_note,
        "shipping_methods": [_shipping(m) for m in distribution.visible_shipping_methods],
        "payment_methods": [
            {"uuid": m.uuid, "kind": m.kind, "name": m.name, "instructions": m.instructions}
            for m in distribution.visible_payment_methods
        ],
        "products_url": settings.SITE_URL + path,
    }


@router.get(
    "/shops/{slug}/cycles",
    response={200: list[CycleOut], **READ_RESPONSES},
    auth=None,
    url_name="shop_cycles",
    summary="Cycles de vente ouverts d'une boutique",
    description=(
        "Les cycles où l'on peut commander maintenant dans cette boutique, clôture la plus proche "
        "d'abord, avec les modes de retrait ou de livraison et les moyens de paiement proposés. "
        "Public, sauf pour une boutique réservée à ses clients (jeton d'un client ou d'un membre). "
        "Avec un jeton, les règles de visibilité de la boutique s'appliquent selon les étiquettes du client."
    ),
)
def shop_cycles(request: HttpRequest, slug: Slug):
    shop = _shop(slug, optional_user(request))
    return [_cycle(slug, d) for d in shop_distributions(shop, methods=True, coordinator=True)]


def _breakdown(breakdown) -> dict:
    return {
        "producer_price": money_text(breakdown.producer_price),
        "producer_tax_rate": rate_text(breakdown.producer_tax_rate),
        "fees": [
            {
                "name": share.name,
                "fee_type": share.fee_type,
                "fee_type_label": share.get_fee_type_display(),
                "enterprise": share.enterprise.slug,
                "amount": money_text(share.amount),
                "tax_rate": rate_text(share.tax_rate),
            }
            for share in breakdown.fees
        ],
        "vat": money_text(breakdown.vat),
        "unit_price": money_text(breakdown.unit_price),
    }


def _product(variant, context: FeeContext) -> dict:
    apply_offer_price(variant)
    product = variant.product
    available = available_quantity(variant)
    breakdown = context.price_breakdown(variant)
    return {
        "variant": variant.uuid,
        "product": product.uuid,
        "name": product.name,
        "variant_name": variant.name,
        "size": variant.measure.display(),
        "category": product.category.slug,
        "producer": {"slug": product.producer.slug, "name": product.producer.name},
        "variable_weight": variant.variable_weight,
        "available": available,
        "in_stock": available is None or available > 0,
        "price": money_text(breakdown.unit_price),
        "breakdown": _breakdown(breakdown),
    }


@router.get(
    "/shops/{slug}/cycles/{cycle}/products",
    response={200: CycleProductsPage, **READ_RESPONSES},
    auth=None,
    url_name="shop_cycle_products",
    summary="Produits d'un cycle dans une boutique, avec la décomposition des prix",
    description=(
        "Les variantes proposées par la boutique dans ce cycle, par ordre alphabétique, avec le prix "
        "affiché et sa décomposition : prix du producteur, chaque frais par nom et par type, TVA. "
        "Filtres : `q`, `category`, `producer` ; pagination : `limit` (50 par défaut) et `offset`."
    ),
)
def shop_cycle_products(request: HttpRequest, slug: Slug, cycle: str, filters: Query[ProductsFilters]):
    shop = _shop(slug, optional_user(request))
    try:
        cycle_uuid = UUID(str(cycle))
    except ValueError:
        raise Http404
    distributions = shop_distributions(shop, cycle_uuid)
    if not distributions:
        raise Http404
    open_cycle = distributions[0].cycle
    count, page = shop_products_page(
        shop,
        open_cycle,
        q=filters.q,
        category=filters.category,
        producer=filters.producer,
        offset=filters.offset,
        limit=filters.limit,
    )
    context = FeeContext.for_cycle(open_cycle, shop.enterprise)
    return {"count": count, "items": [_product(v, context) for v in page]}


# --- Placing an order -------------------------------------------------------------------------


def _line_out(line) -> dict:
    return {
        "variant": line.variant.uuid,
        "product_name": line.product_name,
        "variant_name": line.variant_name,
        "size": line.size,
        "producer": line.producer.slug,
        "quantity": line.quantity,
        "unit_price": money_text(line.unit_price),
        "tax_rate": rate_text(line.tax_rate),
        "total": money_text(line.total),
    }


def _fee_line_out(fee) -> dict:
    return {
        "name": fee.name,
        "fee_type": fee.fee_type,
        "enterprise": fee.enterprise.slug,
        "amount": money_text(fee.amount),
        "tax_rate": rate_text(fee.tax_rate),
    }


def _order_out(order: Order) -> dict:
    path = reverse("api-1.0.0:order_of_seller", kwargs={"seller": order.seller.slug, "number": order.number})
    return {
        "number": order.number,
        "seller": {"slug": order.seller.slug, "name": order.seller.name},
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "cycle": order.cycle.uuid if order.cycle_id else None,
        "placed_at": order.placed_at,
        "pickup_at": order.pickup_at,
        "shipping_method": order.shipping_method.name if order.shipping_method_id else "",
        "payment_method": order.payment_method.name if order.payment_method_id else "",
        "payment_instructions": order.payment_method.instructions if order.payment_method_id else "",
        "full_name": order.full_name,
        "email": order.email,
        "phone": order.phone,
        "address": order.address,
        "postcode": order.postcode,
        "city": order.city,
        "lines": [_line_out(line) for line in order.lines.all()],
        "fee_lines": [_fee_line_out(fee) for fee in order.fee_lines.all()],
        "items_total": money_text(order.items_total),
        "fees_total": money_text(order.fees_total),
        "total": money_text(order.total),
        "vat_total": money_text(order.vat_total),
        "url": settings.SITE_URL + path,
    }


def _stock_conflict(changes: list[StockChange]):
    return Status(
        409,
        {
            "detail": _("Stock insuffisant : rien n'a été commandé."),
            "lines": [
                {
                    "variant": c.variant_uuid,
                    "name": c.name,
                    "requested": c.requested,
                    "available": c.available,
                    "message": c.message,
                }
                for c in changes
            ],
        },
    )


def _key_reused():
    return invalid("Idempotency-Key", _("Cette clé a déjà servi pour une autre commande."))


def _placed_before(shop: Shop, user, key: str, claim) -> Order | None:
    """The order this key placed before (a retry), or None; KeyReused when the key came from someone
    else or with another request."""
    existing = placing.order_by_idempotency_key(seller=shop.enterprise, key=key) if key else None
    if existing is not None:
        if existing.user_id != user.pk:
            raise idempotency.KeyReused
        claim()
    return existing


def _place(shop: Shop, payload: OrderIn, user, key: str, claim) -> Order:
    offered = checkout_offered(shop, checkout_distribution(shop, payload.cycle))
    return order_checkout(
        shop=shop,
        offered=offered,
        shipping_method=payload.shipping_method,
        payment_method=payload.payment_method,
        buyer=Buyer(
            email=payload.email or user.email,
            full_name=payload.full_name or user.full_name or user.email,
            phone=payload.phone or user.phone,
            address=payload.address,
            postcode=payload.postcode,
            city=payload.city,
            note=payload.note,
        ),
        idempotency_key=key,
        user=user,
        lines=[LineWanted(line.variant, line.quantity) for line in payload.lines],
        claim=claim if key else None,  # freed again if nothing is placed
    )


@router.post(
    "/shops/{slug}/orders",
    response={201: OrderOut, **errors(400, 401, 403, 404, 422), 409: StockErrorOut},
    auth=token_auth,
    url_name="shop_order_place",
    summary="Passer une commande",
    description=(
        "Passe une commande dans la boutique : les lignes `[{variant, quantity}]`, le mode de retrait "
        "ou de livraison et le moyen de paiement proposés dans le cycle (voir `/shops/{slug}/cycles`). "
        "Tout ou rien : le stock est vérifié et décompté sous verrou, les totaux calculés une fois, "
        "l'e-mail de confirmation envoyé. Envoyez un en-tête `Idempotency-Key` (une valeur par "
        "commande) : le même appel répété donne la même commande, jamais deux ; la clé envoyée avec une "
        "autre demande, ou par quelqu'un d'autre, donne 422. Réponses : 201 avec la commande ; 409 avec "
        "les lignes en rupture (rien n'est commandé) ; 422 si la demande est invalide."
    ),
)
def shop_order_place(
    request: HttpRequest,
    slug: Slug,
    payload: OrderIn,
    idempotency_key: IdempotencyKey = KEY_HEADER,
):
    user = request.auth
    shop = _shop(slug, user)
    key = idempotency_key
    # The same key again: the same request from the same person (a retry), or a refusal.
    request_print = idempotency.fingerprint(payload, user=user.pk)

    def claim():
        idempotency.claim(seller=shop.enterprise, kind="order", key=key, fingerprint=request_print)

    try:
        order = _placed_before(shop, user, key, claim) or _place(shop, payload, user, key, claim)
    except idempotency.KeyReused:
        return _key_reused()
    except InsufficientStock as error:
        return _stock_conflict(error.changes)
    except NotOffered as error:
        return invalid("lines", error.message)
    except CheckoutInvalid as error:
        return invalid(error.field, error.message)
    except DomainError as error:
        return invalid("", error.message)
    return Status(201, _order_out(order_detail(order.pk)))


# --- Reading an order -------------------------------------------------------------------------


@router.get(
    "/orders/{seller}/{number}",
    response={200: OrderOut, **errors(401, 404, 422)},
    auth=token_auth,
    url_name="order_of_seller",
    summary="Une commande, par vendeur et numéro",
    description=(
        "La commande `number` du vendeur `seller` (slug), pour son acheteur ou les responsables et "
        "gestionnaires du vendeur. Les autres reçoivent 404."
    ),
)
def order_of_seller(request: HttpRequest, seller: Slug, number: OrderNumber):
    order = order_readable(request.auth, seller=seller, number=number)
    if order is None:
        raise Http404
    return _order_out(order)


@router.get(
    "/orders/{number}",
    response={200: OrderOut, **errors(401, 404, 409, 422)},
    auth=token_auth,
    url_name="order_by_number",
    summary="Une commande, par numéro",
    description=(
        "La commande portant ce numéro parmi celles que l'appelant peut lire (comme acheteur, ou comme "
        "responsable ou gestionnaire du vendeur). Un numéro n'est unique que chez un vendeur : si "
        "plusieurs commandes lisibles le portent, la réponse est 409 ; utilisez alors "
        "`/orders/{seller}/{number}`."
    ),
)
def order_by_number(request: HttpRequest, number: OrderNumber):
    orders = orders_readable_by_number(request.auth, number)
    if not orders:
        raise Http404
    if len(orders) > 1:
        raise HttpError(
            409,
            _(
                "Plusieurs commandes portent ce numéro : précisez le vendeur, "
                "/api/v1/orders/<vendeur>/%(number)s."
            )
            % {"number": number},
        )
    return _order_out(orders[0])
