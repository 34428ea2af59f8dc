"""Shops API: the open cycles of a shop, their products with the price breakdown, placing an order,
and reading an order.

The rules are the shopfront's: a private shop answers only its customers and members; the visibility
rules by customer tag (docs/visibility-rules.md) hide cycles, products, shipping and payment
methods from those they do not concern; an order is placed by `cabas.orders.placing.order_place`
(stock locked, totals computed once, confirmation email after commit).

An order number is unique per seller, not across Cabas: `GET /orders/{seller}/{number}` names
the seller; `GET /orders/{number}` looks among the orders the caller may read (as buyer or as a
manager of the seller) and answers 409 when several sellers gave the same number.
"""

from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError

from cabas.api import idempotency
from cabas.api.auth import token_auth
from cabas.api.errors import errors
from cabas.api.schemas import OrderNumber, Slug, text
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
from cabas.enterprises.models import Enterprise, Role, Sells
from cabas.errors import DomainError
from cabas.orders import cart as carts
from cabas.orders import placing
from cabas.orders.exceptions import (
    CheckoutInvalid,
    InsufficientStock,
    InvalidQuantity,
    NotOffered,
    StockChange,
)
from cabas.orders.models import Order
from cabas.orders.offers import (
    OFFER_RELATED,
    apply_offer_price,
    available_quantity,
    cycle_is_sellable,
    offered_variants,
)
from cabas.orders.visibility import customer_for_user, visible_filter
from cabas.payments.models import PaymentMethod

router = Router(tags=["Boutiques et commandes"])

MANAGER = Role.RANK[Role.Level.MANAGER]
# 401: a wrong token, or no token for a private shop; 403: a private shop's stranger.
READ_RESPONSES = errors(401, 403, 404, 422)
IdempotencyKey = text(80)
KEY_HEADER = Header("", alias="Idempotency-Key")


def money(value) -> str:
    return f"{Decimal(value):.2f}"


def rate(value) -> str:
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral() else f"{value.normalize():f}"


def _invalid(field: str, message: str):
    detail = _("Paramètres invalides : %(fields)s.") % {"fields": field} if field else message
    return Status(
        422, {"detail": detail, "errors": [{"field": field, "message": message, "type": "invalid"}]}
    )


# --- Who is asking, which shop ----------------------------------------------------------------


def _optional_user(request):
    """The token's user when a token is sent (a wrong one is refused), else a logged-in browser's."""
    user = token_auth(request)
    if user is not None:
        return user
    return request.user if request.user.is_authenticated else None


class _Shop:
    """A selling enterprise as one caller sees it: its customer record and visibility."""

    def __init__(self, enterprise: Enterprise, user):
        self.enterprise = enterprise
        self.customer = customer_for_user(enterprise, user) if user is not None else None
        self.visibility = visible_filter(enterprise, self.customer)


def _shop(slug: str, user) -> _Shop:
    """The shop `slug` (404 when it sells nothing); 401/403 when it is private and the caller is
    neither one of its customers nor a member."""
    enterprise = Enterprise.objects.exclude(sells=Sells.NONE).filter(slug=slug).first()
    if enterprise is None:
        raise Http404
    shop = _Shop(enterprise, user)
    if enterprise.shop_private and shop.customer is None:
        if user is None:
            raise HttpError(
                401,
                _(
                    "Cette boutique est réservée à ses clients : envoyez le jeton d'un compte "
                    "qu'elle connaît."
                ),
            )
        if not Role.objects.filter(user=user, enterprise=enterprise).exists():
            raise HttpError(403, _("Cette boutique est réservée à ses clients."))
    return shop


def _distributions(shop: _Shop, cycle_uuid: UUID | None = None) -> list[CycleDistributor]:
    """The open distributions of the shop the caller may see (with their methods), one query each."""
    from django.utils import timezone

    now = timezone.now()
    visibility = shop.visibility
    rows = (
        CycleDistributor.objects.filter(
            distributor=shop.enterprise, cycle__opens_at__lte=now, cycle__closes_at__gt=now
        )
        .select_related("cycle__coordinator")
        .prefetch_related(
            Prefetch(
                "shipping_methods",
                queryset=visibility.shipping_methods(ShippingMethod.objects.filter(active=True)),
            ),
            Prefetch(
                "payment_methods",
                queryset=visibility.payment_methods(PaymentMethod.objects.filter(active=True)),
            ),
        )
        .order_by("cycle__closes_at", "cycle__pk")
    )
    if cycle_uuid is not None:
        rows = rows.filter(cycle__uuid=cycle_uuid)
    return [d for d in rows if cycle_is_sellable(d.cycle) and visibility.shows("cycles", d.cycle_id)]


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
        "fee": money(method.fee),
        "minimum_order": money(method.minimum_order) if method.minimum_order is not None else None,
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
        "shipping_methods": [_shipping(m) for m in distribution.shipping_methods.all()],
        "payment_methods": [
            {"uuid": m.uuid, "kind": m.kind, "name": m.name, "instructions": m.instructions}
            for m in distribution.payment_methods.all()
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
    shop = _shop(slug, _optional_user(request))
    return [_cycle(slug, d) for d in _distributions(shop)]


def _breakdown(breakdown) -> dict:
    return {
        "producer_price": money(breakdown.producer_price),
        "producer_tax_rate": rate(breakdown.producer_tax_rate),
        "fees": [
            {
                "name": share.name,
                "fee_type": share.fee_type,
                "fee_type_label": share.get_fee_type_display(),
                "enterprise": share.enterprise.slug,
                "amount": money(share.amount),
                "tax_rate": rate(share.tax_rate),
            }
            for share in breakdown.fees
        ],
        "vat": money(breakdown.vat),
        "unit_price": money(breakdown.unit_price),
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
        "price": money(breakdown.unit_price),
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
    shop = _shop(slug, _optional_user(request))
    try:
        cycle_uuid = UUID(str(cycle))
    except ValueError:
        raise Http404
    distributions = _distributions(shop, cycle_uuid)
    if not distributions:
        raise Http404
    open_cycle = distributions[0].cycle
    variants = shop.visibility.variants(offered_variants(open_cycle, shop.enterprise))
    if filters.q.strip():
        variants = variants.filter(product__name__icontains=filters.q.strip())
    if filters.category:
        variants = variants.filter(
            Q(product__category__slug=filters.category) | Q(product__category__parent__slug=filters.category)
        )
    if filters.producer:
        variants = variants.filter(product__producer__slug=filters.producer)
    count = variants.count()
    page = list(
        variants.select_related(*OFFER_RELATED, "product__category").order_by(
            "product__name", "product_id", "position", "pk"
        )[filters.offset : filters.offset + filters.limit]
    )
    context = FeeContext.for_cycle(open_cycle, shop.enterprise)
    return {"count": count, "items": [_product(v, context) for v in page]}


# --- Placing an order -------------------------------------------------------------------------


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
        "lines": [
            {
                "variant": line.variant.uuid,
                "product_name": line.product_name,
                "variant_name": line.variant_name,
                "size": line.size,
                "producer": line.producer.slug,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "tax_rate": rate(line.tax_rate),
                "total": money(line.total),
            }
            for line in order.lines.all()
        ],
        "fee_lines": [
            {
                "name": fee.name,
                "fee_type": fee.fee_type,
                "enterprise": fee.enterprise.slug,
                "amount": money(fee.amount),
                "tax_rate": rate(fee.tax_rate),
            }
            for fee in order.fee_lines.all()
        ],
        "items_total": money(order.items_total),
        "fees_total": money(order.fees_total),
        "total": money(order.total),
        "vat_total": money(order.vat_total),
        "url": settings.SITE_URL + path,
    }


def _orders():
    return (
        Order.objects.exclude(status=Order.Status.CART)
        .select_related("seller", "cycle", "shipping_method", "payment_method")
        .prefetch_related(
            Prefetch(
                "lines", queryset=Order.lines.rel.related_model.objects.select_related("variant", "producer")
            ),
            Prefetch(
                "fee_lines", queryset=Order.fee_lines.rel.related_model.objects.select_related("enterprise")
            ),
        )
    )


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


def _stock_changes(offers: dict, lines) -> list[StockChange]:
    changes = []
    for line in lines:
        variant = offers[line.variant]
        available = available_quantity(variant)
        if available is not None and line.quantity > available:
            name = " ".join(p for p in [variant.product.name, variant.name] if p)
            changes.append(StockChange(str(variant.uuid), name, line.quantity, available))
    return changes


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
    key_reused = _invalid("Idempotency-Key", _("Cette clé a déjà servi pour une autre commande."))
    if key:
        existing = placing.order_by_idempotency_key(seller=shop.enterprise, key=key)
        if existing is not None:
            if existing.user_id != user.pk:
                return key_reused
            try:
                idempotency.claim(seller=shop.enterprise, kind="order", key=key, fingerprint=request_print)
            except idempotency.KeyReused:
                return key_reused
            return Status(201, _order_out(_orders().get(pk=existing.pk)))

    distributions = _distributions(shop, payload.cycle)
    if not distributions:
        if payload.cycle is not None:
            return _invalid("cycle", _("Ce cycle n'est pas ouvert aux commandes dans cette boutique."))
        return _invalid("cycle", _("Aucun cycle n'est ouvert aux commandes dans cette boutique."))
    if payload.cycle is None and len(distributions) > 1:
        return _invalid("cycle", _("Plusieurs cycles sont ouverts : indiquez lequel dans `cycle`."))
    distribution = distributions[0]
    cycle = distribution.cycle

    shipping = {m.uuid: m for m in distribution.shipping_methods.all()}.get(payload.shipping_method)
    if shipping is None:
        return _invalid(
            "shipping_method", _("Ce mode de retrait ou de livraison n'est pas proposé dans ce cycle.")
        )
    payment = {m.uuid: m for m in distribution.payment_methods.all()}.get(payload.payment_method)
    if payment is None:
        return _invalid("payment_method", _("Ce moyen de paiement n'est pas proposé dans ce cycle."))

    seen = {}
    for index, line in enumerate(payload.lines):
        if line.variant in seen:
            return _invalid(
                f"lines.{index}.variant",
                _("Cette variante est déjà ligne %(n)s.") % {"n": seen[line.variant]},
            )
        seen[line.variant] = index
    offered = shop.visibility.variants(offered_variants(cycle, shop.enterprise)).filter(uuid__in=list(seen))
    offers = {v.uuid: v for v in offered.select_related(*OFFER_RELATED)}
    for index, line in enumerate(payload.lines):
        if line.variant not in offers:
            return _invalid(f"lines.{index}.variant", _("Ce produit n'est pas proposé dans ce cycle."))
    changes = _stock_changes(offers, payload.lines)
    if changes:
        return _stock_conflict(changes)

    try:
        with transaction.atomic():
            if key:  # freed again if nothing is placed; a concurrent retry waits here for this one
                idempotency.claim(seller=shop.enterprise, kind="order", key=key, fingerprint=request_print)
            cart = Order.objects.create(seller=shop.enterprise, cycle=cycle, user=user)
            for line in payload.lines:
                carts.cart_set_quantity(cart=cart, variant=offers[line.variant], quantity=line.quantity)
            order = placing.order_place(
                cart=cart,
                email=payload.email or user.email,
                full_name=payload.full_name or user.full_name or user.email,
                phone=payload.phone or user.phone,
                address=payload.address,
                postcode=payload.postcode,
                city=payload.city,
                note=payload.note,
                shipping_method=shipping,
                payment_method=payment,
                idempotency_key=key,
                user=user,
            )
            if order.pk != cart.pk:  # the same key placed another order meanwhile: drop this cart
                cart.delete()
    except idempotency.KeyReused:
        return key_reused
    except InsufficientStock as error:
        return _stock_conflict(error.changes)
    except InvalidQuantity:
        # The stock changed between the check above and the cart: answer with what is left now.
        fresh = {v.uuid: v for v in offered.select_related(*OFFER_RELATED)}
        changes = _stock_changes(fresh, [line for line in payload.lines if line.variant in fresh])
        if changes:
            return _stock_conflict(changes)
        raise
    except NotOffered as error:
        return _invalid("lines", error.message)
    except CheckoutInvalid as error:
        return _invalid(error.field, error.message)
    except DomainError as error:
        return _invalid("", error.message)
    return Status(201, _order_out(_orders().get(pk=order.pk)))


# --- Reading an order -------------------------------------------------------------------------


def _readable_by(user):
    """The orders `user` may read: as the buyer, or as a manager or owner of the seller."""
    managed = Role.objects.filter(user=user, role__in=[Role.Level.MANAGER, Role.Level.OWNER]).values(
        "enterprise"
    )
    return Q(user=user) | Q(seller__in=managed)


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
    order = _orders().filter(_readable_by(request.auth), seller__slug=seller, number=number).first()
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
    orders = list(_orders().filter(_readable_by(request.auth), number=number)[:2])
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
