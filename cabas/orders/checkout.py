"""Checking out, shared by the checkout page and the API: the distribution an order is placed in,
the shipping and payment methods the buyer may choose from, and `order_checkout`, which checks the
chosen methods (and, for lines sent without a cart, the products and their stock) and places the
order with `order_place`.

The apps above orders narrow and mark the payment methods the checkout page offers through
`cabas.orders.registry.checkout_payment_methods`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.cycles.models import CycleDistributor
from cabas.orders import registry
from cabas.orders.cart import cart_fill
from cabas.orders.exceptions import CheckoutInvalid, InsufficientStock, InvalidQuantity, StockChange
from cabas.orders.lines import display_name
from cabas.orders.models import Order
from cabas.orders.offers import available_quantity
from cabas.orders.placing import Offered, order_place
from cabas.orders.shop import Shop, distribution_methods, shop_distributions, shop_offers_by_uuid


@dataclass(frozen=True)
class Buyer:
    """Who the order is for, as the buyer gave it."""

    email: str
    full_name: str
    phone: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    note: str = ""


@dataclass(frozen=True)
class LineWanted:
    """A line of an order sent without a cart: `quantity` units of the variant `variant` (uuid)."""

    variant: UUID
    quantity: int


def checkout_distribution(shop: Shop, cycle_uuid: UUID | None = None) -> CycleDistributor:
    """The open distribution an order is placed in: the one of `cycle_uuid`, else the only one open,
    with the methods the buyer may choose from. Raises CheckoutInvalid ("cycle") otherwise."""
    distributions = shop_distributions(shop, cycle_uuid, methods=True)
    if not distributions:
        if cycle_uuid is not None:
            raise CheckoutInvalid("cycle", _("Ce cycle n'est pas ouvert aux commandes dans cette boutique."))
        raise CheckoutInvalid("cycle", _("Aucun cycle n'est ouvert aux commandes dans cette boutique."))
    if cycle_uuid is None and len(distributions) > 1:
        raise CheckoutInvalid("cycle", _("Plusieurs cycles sont ouverts : indiquez lequel dans `cycle`."))
    return distributions[0]


def checkout_offered(shop: Shop, distribution: CycleDistributor, *, request=None) -> Offered:
    """The distribution and the shipping and payment methods the buyer may choose from. With the
    checkout page's `request`, the apps above (payments) narrow and mark the payment methods: card
    only while the seller can take it, etc."""
    distribution_methods(shop, [distribution])
    payments = list(distribution.visible_payment_methods)
    if request is not None:
        payments = registry.checkout_payment_methods(request, shop.enterprise, payments)
    return Offered(distribution, tuple(distribution.visible_shipping_methods), tuple(payments))


def checkout_methods(offered: Offered, shipping_method, payment_method) -> tuple:
    """The offered shipping and payment methods of these uuids; CheckoutInvalid when not offered."""
    shipping = next((m for m in offered.shipping_methods if str(m.uuid) == str(shipping_method)), None)
    if shipping is None:
        raise CheckoutInvalid(
            "shipping_method", _("Ce mode de retrait ou de livraison n'est pas proposé dans ce cycle.")
        )
    payment = next((m for m in offered.payment_methods if str(m.uuid) == str(payment_method)), None)
    if payment is None:
        raise CheckoutInvalid("payment_method", _("Ce moyen de paiement n'est pas proposé dans ce cycle."))
    return shipping, payment


def _stock_changes(offers: dict, lines: list[LineWanted]) -> list[StockChange]:
    changes = []
    for line in lines:
        variant = offers[line.variant]
        available = available_quantity(variant)
        if available is not None and line.quantity > available:
            name = display_name(variant)
            changes.append(StockChange(str(variant.uuid), name, line.quantity, available))
    return changes


def _line_offers(shop: Shop, cycle, lines: list[LineWanted]) -> dict:
    """The offers of `lines` by uuid. Raises CheckoutInvalid for a variant sent twice or not
    offered, InsufficientStock when a line asks for more than is left."""
    seen = {}
    for index, line in enumerate(lines):
        if line.variant in seen:
            raise CheckoutInvalid(
                f"lines.{index}.variant",
                _("Cette variante est déjà ligne %(n)s.") % {"n": seen[line.variant]},
            )
        seen[line.variant] = index
    offers = shop_offers_by_uuid(shop, cycle, seen)
    for index, line in enumerate(lines):
        if line.variant not in offers:
            raise CheckoutInvalid(f"lines.{index}.variant", _("Ce produit n'est pas proposé dans ce cycle."))
    changes = _stock_changes(offers, lines)
    if changes:
        raise InsufficientStock(changes)
    return offers


def _place(*, cart, buyer: Buyer, shipping, payment, idempotency_key, user, offered) -> Order:
    return order_place(
        cart=cart,
        email=buyer.email,
        full_name=buyer.full_name,
        phone=buyer.phone,
        address=buyer.address,
        postcode=buyer.postcode,
        city=buyer.city,
        note=buyer.note,
        shipping_method=shipping,
        payment_method=payment,
        idempotency_key=idempotency_key,
        user=user,
        offered=offered,
    )


def _place_lines(*, shop: Shop, offered, lines, claim, **placing) -> Order:
    """Place `lines` through a new cart, in one transaction (`claim` runs first in it)."""
    cycle = offered.distribution.cycle
    offers = _line_offers(shop, cycle, lines)
    try:
        with transaction.atomic():
            if claim is not None:
                claim()
            cart = Order.objects.create(seller=shop.enterprise, cycle=cycle, user=placing["user"])
            cart_fill(cart=cart, offers=[(offers[line.variant], line.quantity) for line in lines])
            order = _place(cart=cart, offered=offered, **placing)
            if order.pk != cart.pk:  # the same key placed another order meanwhile: drop this cart
                cart.delete()
    except InvalidQuantity:
        # The stock changed between the check above and the cart: say what is left now.
        fresh = shop_offers_by_uuid(shop, cycle, [line.variant for line in lines])
        changes = _stock_changes(fresh, [line for line in lines if line.variant in fresh])
        if changes:
            raise InsufficientStock(changes)
        raise
    return order


def order_checkout(
    *,
    shop: Shop,
    offered: Offered,
    shipping_method,
    payment_method,
    buyer: Buyer,
    idempotency_key: str = "",
    user=None,
    cart: Order | None = None,
    lines: list[LineWanted] | None = None,
    claim: Callable[[], None] | None = None,
) -> Order:
    """Place the order of `cart`, or of `lines` (through a new cart, all or nothing), with the
    chosen methods (uuids) among those `offered`. `claim` (lines only) runs first in the placing
    transaction, e.g. to record an idempotency key that is freed again if nothing is placed.

    Raises CheckoutInvalid (with the field: a method, a line, a contact detail), InsufficientStock
    (nothing is placed), and the other errors of `order_place`."""
    shipping, payment = checkout_methods(offered, shipping_method, payment_method)
    placing = {
        "buyer": buyer,
        "shipping": shipping,
        "payment": payment,
        "idempotency_key": idempotency_key,
        "user": user,
    }
    if cart is None:
        return _place_lines(shop=shop, offered=offered, lines=lines, claim=claim, **placing)
    return _place(cart=cart, offered=offered, **placing)
