"""Carts: finding the cart of the person making a request — one cart (an Order with status `cart`)
per seller, cycle and buyer, the logged-in user or the browser's session for a guest —, filling it
and pricing it as it would be placed now.

A guest's cart is remembered in the session by its uuid, so that it survives logging in (Django
renews the session key then) and becomes the user's cart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import FeeContext
from cabas.lib import money
from cabas.lib.rows import Columns, fetch
from cabas.orders.exceptions import InvalidQuantity, NotOffered, OrderNotEditable, StockChange
from cabas.orders.lines import clean_quantity, display_name, line_snapshot
from cabas.orders.models import Line, Order
from cabas.orders.offers import OFFER_RELATED, available_quantity, check_open, offers_by_id
from cabas.orders.pricing import order_bill, order_price

# The lines of a cart with what pricing them reads (the variant's product, producer, tax rates).
LINE_RELATED = tuple(f"variant__{related}" for related in OFFER_RELATED)


def _session_key_name(seller, cycle) -> str:
    return f"cabas_cart_{seller.pk}_{cycle.pk}"


def cart_find(request, *, seller, cycle) -> Order | None:
    """The open cart of this request's buyer at `seller` for `cycle`, or None (no query written).
    The cart comes with `seller` and `cycle` attached (no query to reach them)."""
    cart = _cart_find(request, seller=seller, cycle=cycle)
    if cart is not None:
        cart.seller, cart.cycle = seller, cycle
    return cart


_CART = Columns(((Order, "o", None),))


def _cart_select(seller, cycle, condition: str, params: list) -> Order | None:
    """The first open cart at `seller` in `cycle` that also meets `condition` (SQL over `o`), the
    oldest first: written out, as it runs on every cart change and checkout."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {_CART.select} FROM {qn(Order._meta.db_table)} o "  # noqa: S608
        f"WHERE o.status = %s AND o.seller_id = %s AND o.cycle_id = %s AND {condition} "
        "ORDER BY o.created_at, o.id LIMIT 1"
    )
    rows = fetch(sql, [Order.Status.CART.value, seller.pk, cycle.pk, *params])
    return _CART.instances(rows[0])[0] if rows else None


def _cart_find(request, *, seller, cycle) -> Order | None:
    user = request.user if request.user.is_authenticated else None
    guest_uuid = request.session.get(_session_key_name(seller, cycle))
    if user is not None:
        cart = _cart_select(seller, cycle, "o.user_id = %s", [user.pk])
        if cart is not None:
            return cart
        if guest_uuid:
            # Filled as a guest, then logged in: the cart becomes the user's.
            cart = _guest_cart(seller, cycle, guest_uuid)
            if cart is not None:
                cart.user = user
                cart.save(update_fields=["user", "updated_at"])
            return cart
        return None
    if guest_uuid:
        return _guest_cart(seller, cycle, guest_uuid)
    return None


def _guest_cart(seller, cycle, guest_uuid) -> Order | None:
    try:
        key = Order._meta.get_field("uuid").get_db_prep_value(guest_uuid, connection)
    except ValidationError:  # not a uuid: no cart
        return None
    return _cart_select(seller, cycle, "o.uuid = %s AND o.user_id IS NULL", [key])


def cart_for_request(request, *, seller, cycle) -> Order:
    """The buyer's cart, created (and remembered in the session for a guest) when there is none."""
    cart = cart_find(request, seller=seller, cycle=cycle)
    if cart is not None:
        return cart
    if not request.session.session_key:
        request.session.save()
    user = request.user if request.user.is_authenticated else None
    cart = Order.objects.create(
        seller=seller,
        cycle=cycle,
        user=user,
        status=Order.Status.CART,
        session_key="" if user else request.session.session_key,
    )
    request.session[_session_key_name(seller, cycle)] = str(cart.uuid)
    return cart


def cart_forget(request, *, seller, cycle) -> None:
    """Forget the guest cart once it became an order."""
    request.session.pop(_session_key_name(seller, cycle), None)


def cart_set_quantity(*, cart: Order, variant: Variant, quantity) -> Line | None:
    """Put `quantity` units of `variant` in `cart` (0 removes it). Returns the line, or None.

    Raises ShopClosed when the cycle no longer sells, NotOffered for a variant this shop does not
    sell in the cycle, InvalidQuantity for a bad number or more than is left (nothing changes).
    Stock is not reserved: it is checked again when the order is placed.
    """
    quantity = clean_quantity(quantity)
    if cart.status != Order.Status.CART:
        raise OrderNotEditable()
    check_open(cart.cycle)
    with transaction.atomic():
        if quantity == 0:
            Line.objects.filter(order=cart, variant=variant).delete()
            Order.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
            return None
        offer = offers_by_id(cart.cycle, cart.seller, [variant.pk]).get(variant.pk)
        if offer is None:
            raise NotOffered(display_name(variant) if hasattr(variant, "product") else "")
        available = available_quantity(offer)
        if available is not None and quantity > available:
            raise InvalidQuantity(
                StockChange(str(offer.uuid), display_name(offer), quantity, available).message
            )
        line = Line.objects.filter(order=cart, variant=offer).first() or Line(order=cart)
        line_snapshot(line, offer, quantity, FeeContext())
        line.save()
        Order.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
        return line


def cart_fill(*, cart: Order, offers: list[tuple[Variant, int]]) -> None:
    """Fill a new, empty `cart` with (offer, quantity) pairs the caller has just read as offered
    (`offered_variants`) and checked against the stock: one INSERT. Raises InvalidQuantity for a
    bad number. Stock is not reserved: it is checked again when the order is placed."""
    context = FeeContext()
    Line.objects.bulk_create(
        line_snapshot(Line(order=cart), offer, clean_quantity(quantity), context)
        for offer, quantity in offers
    )


def cart_clear(*, cart: Order) -> None:
    """Empty `cart`."""
    if cart.status != Order.Status.CART:
        raise OrderNotEditable()
    with transaction.atomic():
        cart.lines.all().delete()


def cart_apply_changes(*, cart: Order, changes: list[StockChange]) -> None:
    """Bring `cart` down to what is left (the changes an InsufficientStock reported): lines with
    nothing left go away, the others get the quantity still available."""
    with transaction.atomic():
        for change in changes:
            lines = Line.objects.filter(order=cart, variant__uuid=change.variant_uuid)
            if change.available <= 0:
                lines.delete()
            else:
                for line in lines:
                    line.quantity = change.available
                    line.total = money.round_money(line.unit_price * line.quantity)
                    line.save(update_fields=["quantity", "total"])


@dataclass
class CartView:
    """A cart as shown: its lines (with the shop's unit price incl. fees), the lines no longer
    offered, fee lines and totals."""

    lines: list
    unavailable: list
    fee_lines: list
    totals: object
    item_count: int
    bill: object = None  # orders.pricing.Bill: what the buyer reads

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def estimated(self) -> bool:
        """Some lines are sold by weight and weighed at the handing over: the total is an estimate."""
        return any(line.estimated for line in self.lines)


def cart_priced(
    *,
    lines,
    cycle,
    distributor,
    shipping_method=None,
    payment_method=None,
    context=None,
    refresh=True,
    customer=None,
    user=None,
) -> CartView:
    """Price cart `lines` as they would be placed now. With `refresh`, each line is brought up to
    today's offer in memory (one query; lines no longer offered go to `unavailable`); otherwise
    the lines' variants must have OFFER_RELATED loaded and their snapshot price is used. Each line
    gets `breakdown` and, from `order_bill`, `shop_unit_price` and `shop_total` (incl. per-item
    fees); fee lines and totals come from `order_price`, so every sum is exact (`bill`: what the
    buyer reads). `customer` (the seller's record of the logged-in `user`) gets its solidarity
    prices, as negative fee lines."""
    context = context or FeeContext.for_cycle(cycle, distributor)
    lines = list(lines)
    unavailable = []
    if refresh:
        offers = offers_by_id(cycle, distributor, [line.variant_id for line in lines])
        kept = []
        for line in lines:
            offer = offers.get(line.variant_id)
            if offer is None:
                unavailable.append(line)
                continue
            line_snapshot(line, offer, line.quantity, context)
            line.available = available_quantity(offer)
            kept.append(line)
        lines = kept
    for line in lines:
        line.breakdown = context.price_breakdown(line.variant, line.quantity, price=line.unit_price)
    price = order_price(
        context=context,
        lines=lines,
        shipping_method=shipping_method,
        payment_method=payment_method,
        seller=distributor,
        customer=customer,
        user=user,
    )
    bill = order_bill(
        context=context,
        lines=lines,
        fee_lines=price.fee_lines,
        total=price.totals.total,
        vat_total=price.totals.vat_total,
    )
    return CartView(
        lines=lines,
        unavailable=unavailable,
        fee_lines=price.fee_lines,
        totals=price.totals,
        item_count=sum(line.quantity for line in lines),
        bill=bill,
    )


def cart_lines_for_request(request, *, seller, cycle) -> list[Line]:
    """The lines of the request's buyer's cart at `seller` in `cycle` (one query, nothing created or
    changed: a guest cart becomes the user's when the cart itself is next looked up)."""
    if cycle is None:
        return []
    lines = Line.objects.filter(
        order__status=Order.Status.CART, order__seller=seller, order__cycle=cycle
    ).select_related(*LINE_RELATED)
    if request.user.is_authenticated:
        lines = lines.filter(order__user=request.user)
    else:
        guest = request.session.get(_session_key_name(seller, cycle))
        if not guest:
            return []
        lines = lines.filter(order__uuid=guest, order__user__isnull=True)
    return list(lines.order_by("pk"))


def cart_lines(cart: Order | None) -> list[Line]:
    """The lines of `cart` (None: no cart, no line), ready to price (one query)."""
    return list(cart.lines.select_related(*LINE_RELATED)) if cart else []
