"""Placing an order: in one transaction, check the checkout, record the customer, lock and take the
stock, snapshot the lines and fee lines at today's prices, give the order its number and email the
confirmation after commit; a double submit (the same idempotency key) gets the order placed first.

Locks are always taken in the same order — the order row, then the buyer's customer row, then the
variants by primary key, then the hub's inventory rows by primary key, then the seller's number
sequence — so that concurrent checkouts queue up instead of deadlocking. Stock is checked on the
locked rows and decremented by a conditional UPDATE (`on_hand >= quantity`), so it can never go
below zero nor be sold twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.cycles.models import CycleDistributor, ShippingMethod
from cabas.cycles.pricing import FeeContext
from cabas.lib import money
from cabas.lib.rows import Columns, fetch
from cabas.orders import registry
from cabas.orders.exceptions import CartEmpty, CheckoutInvalid, OrderError, ShopClosed
from cabas.orders.lines import LINE_SNAPSHOT_FIELDS, fee_lines_write, line_snapshot, line_values
from cabas.orders.models import Customer, Line, Order, OrderNumberSequence
from cabas.orders.offers import check_open
from cabas.orders.pricing import order_price
from cabas.orders.stock import stock_check, stock_lock, stock_take
from cabas.orders.tasks import order_confirmation_enqueue


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
    return order_number(number_prefix(seller.slug), timezone.localdate().year, last)


def number_prefix(slug: str) -> str:
    """The start of a seller's order numbers: the initials of its slug, "FDC" for ferme-des-collines."""
    return "".join(part[0] for part in slug.split("-") if part)[:5].upper() or "C"


def order_number(prefix: str, year: int, last: int) -> str:
    """An order number: "FDC-2026-00042"."""
    return f"{prefix}-{year}-{last:05d}"


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


_CART_LOCK = Columns(((Order, "o", None), (Line, "l", None)))
_ORDER_PART = frozenset({0})  # the order is read from the first row only


def _cart_lock(cart: Order) -> tuple[Order, list[Line]]:
    """Lock the order row of `cart` and read it again with its lines (by variant): one written-out
    query, `SELECT ... FOR UPDATE OF` the order only. The cart's seller and cycle are kept when it
    has them (e.g. from `cart.cart_find`), else read."""
    qn = connection.ops.quote_name
    lock = " FOR UPDATE OF o" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {_CART_LOCK.select} FROM {qn(Order._meta.db_table)} o "  # noqa: S608
        f"LEFT OUTER JOIN {qn(Line._meta.db_table)} l ON l.order_id = o.id "
        f"WHERE o.id = %s ORDER BY l.variant_id{lock}"
    )
    rows = fetch(sql, [cart.pk])
    if not rows:
        raise Order.DoesNotExist
    order, line = _CART_LOCK.instances(rows[0])
    lines = [line] if line is not None else []
    lines += [_CART_LOCK.instances(row, skip=_ORDER_PART)[1] for row in rows[1:]]
    for line in lines:
        line.order = order
    if Order.seller.is_cached(cart) and Order.cycle.is_cached(cart):
        order.seller, order.cycle = cart.seller, cart.cycle
    return order, lines


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
    order, lines = _cart_lock(cart)
    if order.status != Order.Status.CART:
        if idempotency_key and order.idempotency_key == idempotency_key:
            return order
        raise OrderError(_("Cette commande a déjà été passée."))
    # The same key already placed through another cart: the unique (seller, idempotency_key)
    # constraint refuses this one when the order is saved, and `order_place` returns the other.
    check_open(order.cycle)
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

    offers, items = stock_lock(order=order, lines=lines)
    stock_check(lines=lines, offers=offers, items=items)
    snapshots = {line.pk: line_values(line) for line in lines}
    for line in lines:
        line_snapshot(line, offers[line.variant_id], line.quantity, context)
    price = order_price(
        context=context,
        lines=lines,
        shipping_method=shipping_method,
        payment_method=payment_method,
        seller=order.seller,
        customer=order.customer,
        user=user,
    )
    stock_take(lines=lines, offers=offers, items=items)
    # The cart's lines already hold what was shown; write only those whose price or names changed.
    changed = [line for line in lines if line_values(line) != snapshots[line.pk]]
    if changed:
        Line.objects.bulk_update(changed, LINE_SNAPSHOT_FIELDS)
    fee_lines_write(order, price.fee_lines)
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
    price.totals_set(order)
    order.idempotency_key = idempotency_key
    order.placed_at = timezone.now()
    # The payment method has its say (a transfer reference, a card payment still to make...).
    status = registry.order_placed(order=order, method=payment_method, user=user) or Order.Status.PLACED
    event = order.transition(status, user=user, detail={"number": order.number})
    order.save()
    event.save()
    if status == Order.Status.PLACED:  # awaiting a payment: confirmed once it is paid
        order_confirmation_enqueue(order)
    return order
