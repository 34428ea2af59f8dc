"""Carts and orders: fill a cart, place it (stock, totals, number, email in one transaction), edit or
cancel it while its cycle is open, order the same again.

Locks are always taken in the same order — the order row, then the buyer's customer row, then the
variants by primary key, then the hub's inventory rows by primary key, then the seller's number
sequence — so that concurrent checkouts queue up instead of deadlocking. Stock is checked on the
locked rows and decremented by a conditional UPDATE (`on_hand >= quantity`), so it can never go
below zero nor be sold twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalogue.models import InventoryItem, Variant
from cabas.cycles.models import CycleDistributor, ShippingMethod
from cabas.cycles.pricing import FeeContext, order_totals
from cabas.enterprises.models import Enterprise
from cabas.lib import money
from cabas.orders import registry
from cabas.orders.exceptions import (
    CartEmpty,
    CheckoutInvalid,
    InsufficientStock,
    InvalidQuantity,
    NotOffered,
    OrderError,
    OrderNotEditable,
    ShopClosed,
    StockChange,
)
from cabas.orders.models import Customer, FeeLine, Line, Order, OrderEvent, OrderNumberSequence
from cabas.orders.offers import (
    OFFER_RELATED,
    apply_offer_price,
    available_quantity,
    cycle_is_sellable,
    offered_variants,
    stock_items,
)

MAX_QUANTITY = 999


# --- helpers ----------------------------------------------------------------------------------


def _offers(cycle, distributor, variant_ids) -> dict[int, Variant]:
    """The offered variants among `variant_ids`, priced at this shop's price, by id (one query)."""
    rows = offered_variants(cycle, distributor, Variant.objects.filter(pk__in=list(variant_ids)))
    return {v.pk: apply_offer_price(v) for v in rows.select_related(*OFFER_RELATED)}


def _display_name(variant: Variant) -> str:
    return " ".join(p for p in [variant.product.name, variant.name] if p)


def _line_snapshot(line: Line, variant: Variant, quantity: int, context: FeeContext) -> Line:
    """Fill `line` with what `variant` is now: names, size, producer price and VAT rate."""
    data = context.order_lines([(variant, quantity)])[0]
    line.variant = variant
    line.producer_id = variant.product.producer_id
    line.quantity = quantity
    line.product_name = variant.product.name[:150]
    line.variant_name = variant.name[:150]
    size = variant.measure.display()
    line.size = (_("environ %(size)s") % {"size": size} if variant.variable_weight else size)[:60]
    line.unit_price = data.unit_price
    line.tax_rate = data.tax_rate
    line.total = data.total
    return line


# What `_line_snapshot` writes on a line.
LINE_SNAPSHOT_FIELDS = (
    "quantity",
    "product_name",
    "variant_name",
    "size",
    "unit_price",
    "tax_rate",
    "total",
    "producer",
)


def _line_values(line: Line) -> tuple:
    """What `_line_snapshot` writes on `line`, to tell whether it changed."""
    return tuple(getattr(line, Line._meta.get_field(name).attname) for name in LINE_SNAPSHOT_FIELDS)


def _clean_quantity(quantity) -> int:
    try:
        value = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise InvalidQuantity(_("La quantité doit être un nombre entier, par exemple 2."))
    if value < 0:
        raise InvalidQuantity(_("La quantité ne peut pas être négative."))
    if value > MAX_QUANTITY:
        raise InvalidQuantity(_("Au plus %(max)s par produit.") % {"max": MAX_QUANTITY})
    return value


def _check_open(cycle) -> None:
    if cycle is None or not cycle_is_sellable(cycle):
        raise ShopClosed()


# --- cart -------------------------------------------------------------------------------------


def cart_set_quantity(*, cart: Order, variant: Variant, quantity) -> Line | None:
    """Put `quantity` units of `variant` in `cart` (0 removes it). Returns the line, or None.

    Raises ShopClosed when the cycle no longer sells, NotOffered for a variant this shop does not
    sell in the cycle, InvalidQuantity for a bad number or more than is left (nothing changes).
    Stock is not reserved: it is checked again when the order is placed.
    """
    quantity = _clean_quantity(quantity)
    if cart.status != Order.Status.CART:
        raise OrderNotEditable()
    _check_open(cart.cycle)
    with transaction.atomic():
        if quantity == 0:
            Line.objects.filter(order=cart, variant=variant).delete()
            Order.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
            return None
        offer = _offers(cart.cycle, cart.seller, [variant.pk]).get(variant.pk)
        if offer is None:
            raise NotOffered(_display_name(variant) if hasattr(variant, "product") else "")
        available = available_quantity(offer)
        if available is not None and quantity > available:
            raise InvalidQuantity(
                StockChange(str(offer.uuid), _display_name(offer), quantity, available).message
            )
        line = Line.objects.filter(order=cart, variant=offer).first() or Line(order=cart)
        _line_snapshot(line, offer, quantity, FeeContext())
        line.save()
        Order.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
        return line


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

    @property
    def empty(self) -> bool:
        return not self.lines


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
    gets `breakdown`, `shop_unit_price` and `shop_total` (incl. per-item fees); fee lines and totals
    come from the pricing module, so every sum is exact. `customer` (the seller's record of the
    logged-in `user`) gets its solidarity prices, as negative fee lines."""
    context = context or FeeContext.for_cycle(cycle, distributor)
    lines = list(lines)
    unavailable = []
    if refresh:
        offers = _offers(cycle, distributor, [line.variant_id for line in lines])
        kept = []
        for line in lines:
            offer = offers.get(line.variant_id)
            if offer is None:
                unavailable.append(line)
                continue
            _line_snapshot(line, offer, line.quantity, context)
            line.available = available_quantity(offer)
            kept.append(line)
        lines = kept
    pairs = []
    for line in lines:
        breakdown = context.price_breakdown(line.variant, line.quantity, price=line.unit_price)
        line.breakdown = breakdown
        line.shop_unit_price = breakdown.unit_price
        line.shop_total = money.round_money(breakdown.unit_price * line.quantity)
        pairs.append((line.variant, line.quantity))
    fee_lines = context.order_fee_lines(pairs, shipping_method, payment_method) if pairs else []
    fee_lines += registry.price_reductions(seller=distributor, customer=customer, user=user, lines=lines)
    return CartView(
        lines=lines,
        unavailable=unavailable,
        fee_lines=fee_lines,
        totals=order_totals(lines, fee_lines),
        item_count=sum(line.quantity for line in lines),
    )


# --- placing an order -------------------------------------------------------------------------


def _sequence_take(seller_id: int) -> int | None:
    """Add one to the counter of `seller_id` and return it (the UPDATE locks the row until the
    commit); None when the seller has no counter yet."""
    table = connection.ops.quote_name(OrderNumberSequence._meta.db_table)
    last = connection.ops.quote_name("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE seller_id = %s RETURNING {last}",  # noqa: S608
            [seller_id],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _sequence_next(seller) -> str:
    """The next order number of `seller`, e.g. "FDC-2026-00042" (row lock, gap-free; one query once
    the seller's counter exists)."""
    last = _sequence_take(seller.pk)
    if last is None:  # the seller's first order: create the counter (concurrent creators agree)
        OrderNumberSequence.objects.get_or_create(seller=seller)
        last = _sequence_take(seller.pk)
    prefix = "".join(part[0] for part in seller.slug.split("-") if part)[:5].upper() or "C"
    return f"{prefix}-{timezone.localdate().year}-{last:05d}"


@dataclass(frozen=True)
class Offered:
    """What a caller read of the seller's distribution in the cart's cycle during this request: the
    distribution and its active shipping and payment methods (those the buyer may choose from), so
    that `order_place` does not read them again. Ignored when it is not the cart's distribution."""

    distribution: CycleDistributor
    shipping_methods: tuple
    payment_methods: tuple


def _distribution_for_checkout(
    order: Order, shipping_method, payment_method, offered: Offered | None = None
) -> tuple[CycleDistributor | None, bool, bool]:
    """The seller's distribution in the order's cycle and whether it offers the chosen (active)
    shipping and payment methods: from `offered` when the caller has it, else one query."""
    if offered is not None:
        distribution = offered.distribution
        if distribution.cycle_id == order.cycle_id and distribution.distributor_id == order.seller_id:
            return (
                distribution,
                shipping_method is not None
                and any(m.pk == shipping_method.pk and m.active for m in offered.shipping_methods),
                payment_method is not None
                and any(m.pk == payment_method.pk and m.active for m in offered.payment_methods),
            )

    def is_offered(relation, column, method):
        if method is None:
            return Value(False)
        through = relation.through.objects.filter(cycledistributor=OuterRef("pk"), **{column: method.pk})
        return Exists(through.filter(**{column.removesuffix("_id") + "__active": True}))

    distribution = (
        CycleDistributor.objects.filter(cycle_id=order.cycle_id, distributor_id=order.seller_id)
        .annotate(
            shipping_offered=is_offered(
                CycleDistributor.shipping_methods, "shippingmethod_id", shipping_method
            ),
            payment_offered=is_offered(CycleDistributor.payment_methods, "paymentmethod_id", payment_method),
        )
        .order_by("pk")
        .first()
    )
    if distribution is None:
        return None, False, False
    return distribution, distribution.shipping_offered, distribution.payment_offered


def _check_checkout(
    *,
    distribution,
    shipping_offered,
    payment_offered,
    shipping_method,
    payment_method,
    address,
    postcode,
    items_total,
):
    if distribution is None:
        raise ShopClosed()
    if shipping_method is None or not shipping_offered:
        raise CheckoutInvalid("shipping_method", _("Choisissez un mode de retrait ou de livraison proposé."))
    if payment_method is None or not payment_offered:
        raise CheckoutInvalid("payment_method", _("Choisissez un moyen de paiement proposé."))
    if shipping_method.kind == ShippingMethod.Kind.DELIVERY:
        if not address.strip() or not postcode.strip():
            raise CheckoutInvalid("address", _("Indiquez l'adresse de livraison et son code postal."))
        if not shipping_method.serves(postcode):
            raise CheckoutInvalid(
                "postcode",
                _("« %(method)s » ne livre pas le code postal %(postcode)s.")
                % {"method": shipping_method.name, "postcode": postcode.strip()},
            )
        if shipping_method.minimum_order and items_total < shipping_method.minimum_order:
            raise CheckoutInvalid(
                "shipping_method",
                _("La livraison demande une commande d'au moins %(minimum)s (votre panier : %(total)s).")
                % {
                    "minimum": money.format_eur(shipping_method.minimum_order),
                    "total": money.format_eur(items_total),
                },
            )


# The producer's columns that placing an order does not read (the producer comes with each variant
# for `pricing.product_tax_rate`, which reads `vat_regime`): fewer columns to compile and load.
_PRODUCER_UNUSED = tuple(
    f"product__producer__{field.name}"
    for field in Enterprise._meta.concrete_fields
    if not field.primary_key and field.name != "vat_regime"
)


def _lock_offers(*, order: Order, lines: list[Line]) -> tuple[dict[int, Variant], dict[int, InventoryItem]]:
    """Lock the variants of `lines` in primary-key order and read them as this shop offers them now
    (price, stock), then lock the hub's own stocks of them: one query each. Variants no longer
    offered are neither locked nor returned."""
    ids = sorted({line.variant_id for line in lines})
    rows = offered_variants(order.cycle, order.seller, Variant.objects.filter(pk__in=ids))
    rows = rows.select_related(*OFFER_RELATED).select_for_update(of=("self",)).order_by("pk")
    rows = rows.defer(*_PRODUCER_UNUSED)  # pricing reads only the producer's VAT regime
    offers = {v.pk: apply_offer_price(v) for v in rows}
    items = stock_items(order.seller, sorted(offers), lock=True) if offers else {}
    return offers, items


def _check_stock(*, lines: list[Line], offers: dict[int, Variant], items: dict[int, InventoryItem]) -> None:
    """Raise InsufficientStock listing every line that cannot be served as asked from the locked
    `offers` and hub stocks `items` (a line no longer offered has 0 left)."""
    changes = []
    missing = [line.variant_id for line in lines if line.variant_id not in offers]
    uuids = dict(Variant.objects.filter(pk__in=missing).values_list("pk", "uuid")) if missing else {}
    for line in lines:
        name = " ".join(p for p in [line.product_name, line.variant_name] if p)
        variant = offers.get(line.variant_id)
        if variant is None:
            changes.append(StockChange(str(uuids[line.variant_id]), name, line.quantity, 0))
            continue
        item = items.get(line.variant_id)
        if item is not None:
            available = item.on_hand
        elif variant.on_demand:
            continue
        else:
            available = variant.on_hand
        if line.quantity > available:
            changes.append(StockChange(str(variant.uuid), name, line.quantity, max(0, available)))
    if changes:
        raise InsufficientStock(changes)


def _take_stock(model, quantities: dict[int, int]) -> int:
    """UPDATE `model` SET on_hand = on_hand - quantity for each primary key of `quantities`, only on
    the rows that have enough; the number of rows taken from. Written out: the ORM's Case/When and
    OR-ed conditions cost more to compile than the statement costs to run, on every checkout."""
    qn = connection.ops.quote_name
    table, pk, on_hand = (
        qn(model._meta.db_table),
        qn(model._meta.pk.column),
        qn(model._meta.get_field("on_hand").column),
    )
    items = list(quantities.items())
    whens = " ".join(f"WHEN %s THEN {on_hand} - %s" for _ in items)
    enough = " OR ".join(f"({pk} = %s AND {on_hand} >= %s)" for _ in items)
    params = [value for pair in items for value in pair] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {on_hand} = CASE {pk} {whens} END WHERE {enough}",  # noqa: S608
            params,
        )
        return cursor.rowcount


def _decrement(*, lines: list[Line], offers: dict[int, Variant], items: dict[int, InventoryItem]) -> None:
    """Take the quantities of `lines` from the locked stocks: one conditional UPDATE for the hub's
    stocks and one for the producers' (each row only if it has enough: never below 0)."""
    hub, producer = {}, {}
    for line in lines:
        item = items.get(line.variant_id)
        if item is not None:
            hub[item.pk] = line.quantity
        elif not offers[line.variant_id].on_demand:
            producer[line.variant_id] = line.quantity
    for model, quantities in ((InventoryItem, hub), (Variant, producer)):
        if quantities and _take_stock(model, quantities) != len(quantities):
            # Cannot happen under the locks; never sell what is not there.
            line = lines[0]
            raise InsufficientStock(
                [StockChange(str(offers[line.variant_id].uuid), line.product_name, line.quantity, 0)]
            )


def _give_back(*, order: Order, quantities: dict[int, int]) -> None:
    """Return stock (`quantities`: variant id → units, negative to take) to where it was taken:
    the hub's own stock when it has one, else the producer's (on-demand variants: nothing)."""
    ids = sorted(quantities)
    locked = {v.pk: v for v in Variant.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    items = stock_items(order.seller, ids, lock=True)
    changes = []
    for variant_id in ids:
        delta = quantities[variant_id]
        if not delta:
            continue
        item = items.get(variant_id)
        if item is not None:
            rows = InventoryItem.objects.filter(pk=item.pk)
        elif locked[variant_id].on_demand:
            continue
        else:
            rows = Variant.objects.filter(pk=variant_id)
        if delta < 0:
            rows = rows.filter(on_hand__gte=-delta)
        if rows.update(on_hand=F("on_hand") + delta) != 1:
            variant = locked[variant_id]
            available = item.on_hand if item is not None else variant.on_hand
            changes.append(StockChange(str(variant.uuid), variant.product.name, -delta, available))
    if changes:
        raise InsufficientStock(changes)


def _customer_for(*, seller, user, email, full_name, phone, address, postcode, city) -> Customer:
    """The seller's customer with this email address, created from the checkout's details when
    there is none; an existing customer keeps its details and gets `user` if it had no account.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, PostgreSQL and SQLite ≥ 3.35)
    instead of a get_or_create's SELECT, SAVEPOINT, INSERT, RELEASE; concurrent checkouts with the
    same address agree on one row. It locks the customer's row until the commit (like a payment
    from the customer's account does)."""
    first, _sep, last = full_name.strip().partition(" ")
    new = Customer(
        enterprise=seller,
        email=email.lower(),
        user=user,
        first_name=first[:80],
        last_name=last[:80],
        phone=phone[:30],
        address=address[:200],
        postcode=postcode[:10],
        city=city[:100],
    )
    meta, qn = Customer._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table, user_column = qn(meta.db_table), qn(meta.get_field("user").column)
    conflict = ", ".join(qn(meta.get_field(name).column) for name in ("enterprise", "email"))
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {user_column} = "
        f"COALESCE({table}.{user_column}, EXCLUDED.{user_column}) "
        f"RETURNING {', '.join(qn(f.column) for f in meta.concrete_fields)}"
    )
    params = [f.get_db_prep_save(f.pre_save(new, add=True), connection) for f in fields]
    customer = next(iter(Customer.objects.raw(sql, params)))
    if user is not None and customer.user_id == user.pk:
        customer.user = user  # no query to reach it
    customer.enterprise = seller
    return customer


def _fee_lines_write(order: Order, fee_data) -> None:
    """Snapshot the computed fee lines on `order` (names cut to the column size)."""
    FeeLine.objects.bulk_create(
        FeeLine(
            order=order, fee=f.fee, enterprise=f.enterprise, name=f.name[:120], fee_type=f.fee_type,
            amount=f.amount, tax_rate=f.tax_rate,
        )
        for f in fee_data
    )


def order_place(
    *,
    cart: Order,
    email: str,
    full_name: str,
    phone: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    note: str = "",
    shipping_method: ShippingMethod | None,
    payment_method,
    idempotency_key: str = "",
    user=None,
    offered: Offered | None = None,
) -> Order:
    """Place `cart`: in one transaction, lock and decrement the stock, snapshot the lines and fee
    lines at today's prices, compute the totals once, give the order its number, record the
    customer and the event, and email the confirmation after commit.

    The same `idempotency_key` twice (a double submit) returns the order placed the first time.
    Raises CartEmpty, ShopClosed, CheckoutInvalid (with the field) or InsufficientStock (with
    per-line changes: nothing is placed; see `cart_apply_changes`). `offered`: the distribution and
    methods the caller loaded in this request (see `Offered`), not read again.
    """
    idempotency_key = (idempotency_key or "")[:80]
    email = (email or "").strip()
    if not email:
        raise CheckoutInvalid("email", _("Indiquez votre adresse e-mail."))
    if not (full_name or "").strip():
        raise CheckoutInvalid("full_name", _("Indiquez votre nom."))
    try:
        with transaction.atomic():
            order = _order_place(
                cart=cart,
                email=email,
                full_name=full_name.strip(),
                phone=phone.strip(),
                address=address.strip(),
                postcode=postcode.strip(),
                city=city.strip(),
                note=note.strip(),
                shipping_method=shipping_method,
                payment_method=payment_method,
                idempotency_key=idempotency_key,
                user=user,
                offered=offered,
            )
    except IntegrityError:
        # Two submits of the same key raced past each other: the other one placed the order.
        existing = _placed_with_key(cart.seller_id, idempotency_key)
        if existing is None:
            raise
        return existing
    return order


def _placed_with_key(seller_id, key: str) -> Order | None:
    if not key:
        return None
    placed = Order.objects.filter(seller_id=seller_id, idempotency_key=key)
    return placed.exclude(status=Order.Status.CART).first()


def order_by_idempotency_key(*, seller, key: str) -> Order | None:
    """The order already placed at `seller` with this checkout key (a double submit), or None."""
    return _placed_with_key(seller.pk, key)


def _order_place(
    *,
    cart,
    email,
    full_name,
    phone,
    address,
    postcode,
    city,
    note,
    shipping_method,
    payment_method,
    idempotency_key,
    user,
    offered=None,
) -> Order:
    locked = Order.objects.select_for_update(of=("self",))
    if Order.seller.is_cached(cart) and Order.cycle.is_cached(cart):  # e.g. from `cart.cart_find`
        order = locked.get(pk=cart.pk)
        order.seller, order.cycle = cart.seller, cart.cycle
    else:
        order = locked.select_related("seller", "cycle").get(pk=cart.pk)
    if order.status != Order.Status.CART:
        if idempotency_key and order.idempotency_key == idempotency_key:
            return order
        raise OrderError(_("Cette commande a déjà été passée."))
    # The same key already placed through another cart: the unique (seller, idempotency_key)
    # constraint refuses this one when the order is saved, and `order_place` returns the other.
    _check_open(order.cycle)
    lines = list(order.lines.order_by("variant_id"))
    if not lines:
        raise CartEmpty()
    distribution, shipping_offered, payment_offered = _distribution_for_checkout(
        order, shipping_method, payment_method, offered
    )
    estimate = sum((line.total for line in lines), money.ZERO)
    _check_checkout(
        distribution=distribution,
        shipping_offered=shipping_offered,
        payment_offered=payment_offered,
        shipping_method=shipping_method,
        payment_method=payment_method,
        address=address,
        postcode=postcode,
        items_total=estimate,
    )
    # Everything that only reads (fees) or writes rows nobody else touches (the customer) comes
    # first; the rows every checkout of this shop competes for — the stock of popular variants,
    # then the order-number counter — are locked last, so they are held for as short a time as
    # possible before the commit.
    context = FeeContext.for_cycle(order.cycle, order.seller)
    order.customer = _customer_for(
        seller=order.seller,
        user=user,
        email=email,
        full_name=full_name,
        phone=phone,
        address=address,
        postcode=postcode,
        city=city,
    )

    offers, items = _lock_offers(order=order, lines=lines)
    _check_stock(lines=lines, offers=offers, items=items)
    snapshots = {line.pk: _line_values(line) for line in lines}
    for line in lines:
        _line_snapshot(line, offers[line.variant_id], line.quantity, context)
    fee_data = context.order_fee_lines(
        [(offers[line.variant_id], line.quantity) for line in lines], shipping_method, payment_method
    )
    fee_data += registry.price_reductions(
        seller=order.seller, customer=order.customer, user=user, lines=lines
    )
    totals = order_totals(lines, fee_data)
    _decrement(lines=lines, offers=offers, items=items)
    # The cart's lines already hold what was shown; write only those whose price or names changed.
    changed = [line for line in lines if _line_values(line) != snapshots[line.pk]]
    if changed:
        Line.objects.bulk_update(changed, LINE_SNAPSHOT_FIELDS)
    _fee_lines_write(order, fee_data)
    order.number = _sequence_next(order.seller)
    order.user = user or order.user
    order.email, order.full_name, order.phone = email[:254], full_name[:160], phone[:30]
    delivery = shipping_method.kind == ShippingMethod.Kind.DELIVERY
    order.address, order.postcode, order.city = (
        (address[:200], postcode[:10], city[:100]) if delivery else ("", "", "")
    )
    order.note = note
    order.shipping_method, order.payment_method = shipping_method, payment_method
    order.pickup_at = distribution.pickup_at
    order.items_total, order.fees_total = totals.items_total, totals.fees_total
    order.total, order.vat_total = totals.total, totals.vat_total
    order.idempotency_key = idempotency_key
    order.placed_at = timezone.now()
    # The payment method has its say (a transfer reference, a card payment still to make...).
    status = registry.order_placed(order=order, method=payment_method, user=user) or Order.Status.PLACED
    event = order.transition(status, user=user, detail={"number": order.number})
    order.save()
    event.save()
    if status == Order.Status.PLACED:  # awaiting a payment: confirmed once it is paid
        _confirmation_enqueue(order)
    return order


def _confirmation_enqueue(order: Order) -> None:
    from cabas.orders.tasks import order_confirmation_send

    transaction.on_commit(lambda: order_confirmation_send.enqueue(order_uuid=str(order.uuid)))


def order_payment_confirmed(*, order: Order, detail: dict | None = None) -> None:
    """An order awaiting its payment (a card) is paid: it becomes placed and its confirmation is
    emailed after commit. Call inside the caller's transaction with `order` locked; an order no
    longer awaiting is left as it is."""
    if order.status != Order.Status.AWAITING:
        return
    event = order.transition(Order.Status.PLACED, detail={"number": order.number, **(detail or {})})
    order.save(update_fields=["status", "updated_at"])
    event.save()
    _confirmation_enqueue(order)


def order_release(*, order: Order, reason: str) -> None:
    """Cancel an order still awaiting its payment (never paid) and give its stock back. Call inside
    the caller's transaction with `order` locked; an order no longer awaiting is left as it is."""
    if order.status != Order.Status.AWAITING:
        return
    lines = list(order.lines.all())
    _give_back(order=order, quantities={line.variant_id: line.quantity for line in lines})
    event = order.transition(Order.Status.CANCELLED, detail={"reason": reason})
    order.save(update_fields=["status", "updated_at"])
    event.save()


def order_links_request(*, seller, email: str, language: str) -> None:
    """Email `email` the signed links of its recent guest orders at `seller` (after commit).

    The task looks the orders up and sends nothing when there are none: the request does the same
    work either way, so neither its answer nor its timing tells whether the address has orders."""
    from cabas.orders.tasks import order_links_send

    transaction.on_commit(
        lambda: order_links_send.enqueue(seller_id=seller.pk, email=email, language=language)
    )


# --- after placing: edit, cancel, reorder -----------------------------------------------------


def order_can_change(order: Order) -> bool:
    """Whether the buyer may still edit or cancel `order` (placed, cycle open, shop allows it)."""
    return (
        order.status == Order.Status.PLACED
        and order.seller.orders_editable
        and order.cycle is not None
        and cycle_is_sellable(order.cycle)
    )


def order_can_edit(order: Order) -> bool:
    """Whether the buyer may still change the quantities of `order`: as `order_can_change`, except
    for an order paid by card or solidarity allowance (its payment is fixed: cancel it — it is
    refunded — and order again)."""
    return order_can_change(order) and not registry.order_edit_blocked(order)


def _check_changeable(order: Order) -> None:
    if order.status != Order.Status.PLACED:
        raise OrderNotEditable()
    if not order.seller.orders_editable:
        raise OrderNotEditable(
            _("Cette boutique ne permet pas de modifier une commande passée : contactez-la.")
        )
    if order.cycle is None or not cycle_is_sellable(order.cycle):
        raise OrderNotEditable(_("Le cycle est fermé : la commande ne peut plus être modifiée."))


def _refresh_totals(order: Order, lines: list[Line]) -> None:
    context = FeeContext.for_cycle(order.cycle, order.seller)
    variants = _offers(order.cycle, order.seller, [line.variant_id for line in lines])
    order.fee_lines.exclude(fee_type=FeeLine.GOODWILL).delete()
    pairs = [(variants.get(line.variant_id) or line.variant, line.quantity) for line in lines]
    fee_data = context.order_fee_lines(pairs, order.shipping_method, order.payment_method) if lines else []
    fee_data += registry.price_reductions(
        seller=order.seller, customer=order.customer, user=order.user, lines=lines
    )
    _fee_lines_write(order, fee_data)
    # A goodwill reduction granted with a refund stays, split again over what the order now holds.
    adjusted = registry.totals_adjustments(order=order, lines=lines, fee_lines=fee_data)
    totals = order_totals(lines, [*fee_data, *adjusted])
    order.items_total, order.fees_total = totals.items_total, totals.fees_total
    order.total, order.vat_total = totals.total, totals.vat_total


def order_edit(*, order: Order, quantities: dict, user=None) -> Order:
    """Change the quantities of a placed order (`quantities`: variant uuid str → units, 0 removes
    the line) while its cycle is open and the shop allows it. Stock is given back or taken again
    in the same transaction; new lines are priced today, kept lines keep their price."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("seller", "cycle", "shipping_method", "payment_method")
            .get(pk=order.pk)
        )
        _check_changeable(order)
        if registry.order_edit_blocked(order):
            raise OrderNotEditable(
                _(
                    "Une commande payée par carte ou par allocation solidaire ne se modifie pas : "
                    "annulez-la (elle vous est remboursée) et commandez à nouveau."
                )
            )
        lines = {str(line.variant.uuid): line for line in order.lines.select_related("variant")}
        wanted = {str(k): _clean_quantity(v) for k, v in quantities.items()}
        unknown = set(wanted) - set(lines)
        new_variants = {}
        if unknown:
            new_variants = {str(v.uuid): v for v in Variant.objects.filter(uuid__in=list(unknown))}
        if set(unknown) - set(new_variants):
            raise NotOffered()
        offers = _offers(order.cycle, order.seller, [v.pk for v in new_variants.values()])
        deltas = {}
        for key, quantity in wanted.items():
            if key in lines:
                delta = lines[key].quantity - quantity
                deltas[lines[key].variant_id] = delta
            elif quantity:
                variant = new_variants[key]
                if variant.pk not in offers:
                    raise NotOffered(variant.product.name)
                deltas[variant.pk] = -quantity
        if not any(wanted.get(k, line.quantity) for k, line in lines.items()) and not any(
            wanted.get(k) for k in new_variants
        ):
            raise OrderNotEditable(_("Une commande ne peut pas être vide : annulez-la plutôt."))
        _give_back(order=order, quantities=deltas)
        context = FeeContext()
        for key, quantity in wanted.items():
            if key in lines:
                line = lines[key]
                if quantity == 0:
                    line.delete()
                    del lines[key]
                elif quantity != line.quantity:
                    line.quantity = quantity
                    line.total = money.round_money(line.unit_price * quantity)
                    line.save(update_fields=["quantity", "total"])
            elif quantity:
                line = _line_snapshot(Line(order=order), offers[new_variants[key].pk], quantity, context)
                line.save()
                lines[key] = line
        _refresh_totals(order, list(lines.values()))
        registry.order_changed("edited", order=order, user=user)  # e.g. credit: the difference
        order.save()
        OrderEvent.objects.create(order=order, kind="edited", user=user, detail={"quantities": wanted})
        return order


def order_cancel(*, order: Order, user=None) -> Order:
    """Cancel a placed order while its cycle is open and the shop allows it; its stock goes back."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("seller", "cycle", "payment_method")
            .get(pk=order.pk)
        )
        _check_changeable(order)
        lines = list(order.lines.all())
        _give_back(order=order, quantities={line.variant_id: line.quantity for line in lines})
        event = order.transition(Order.Status.CANCELLED, user=user)
        registry.order_changed("cancelled", order=order, user=user)  # e.g. credit: given back
        order.save()
        event.save()
        return order


def reorder(*, order: Order, cart: Order) -> list[str]:
    """Put the products of a past `order` into `cart` (its current cycle), as many as are left.
    Returns French notes about what could not be added as before."""
    notes = []
    lines = list(order.lines.select_related("variant__product"))
    offers = _offers(cart.cycle, cart.seller, [line.variant_id for line in lines])
    with transaction.atomic():
        for line in lines:
            name = " ".join(p for p in [line.product_name, line.variant_name] if p)
            offer = offers.get(line.variant_id)
            if offer is None:
                notes.append(_("%(name)s n'est pas proposé dans ce cycle.") % {"name": name})
                continue
            available = available_quantity(offer)
            quantity = line.quantity if available is None else min(line.quantity, available)
            if quantity <= 0:
                notes.append(_("%(name)s : plus de stock.") % {"name": name})
                continue
            if quantity < line.quantity:
                notes.append(StockChange(str(offer.uuid), name, line.quantity, quantity).message)
            cart_set_quantity(cart=cart, variant=offer, quantity=quantity)
    return notes
