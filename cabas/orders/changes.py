"""A placed order changing: paid or released while it awaits its payment, edited or cancelled by its
buyer while its cycle is open (its stock given back or taken again in the same transaction),
ordered again into a new cart, and handed over to its buyer at the distribution (or that undone).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import FeeContext
from cabas.lib import money
from cabas.orders import registry
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import (
    NotOffered,
    OrderNotCancellable,
    OrderNotCollectable,
    OrderNotEditable,
    StockChange,
)
from cabas.orders.lines import clean_quantity, line_snapshot
from cabas.orders.models import FeeLine, Line, Order, OrderEvent
from cabas.orders.offers import available_quantity, cycle_is_sellable, offers_by_id
from cabas.orders.pricing import order_price
from cabas.orders.stock import stock_give_back
from cabas.orders.tasks import (
    order_adjusted_enqueue,
    order_cancellation_enqueue,
    order_confirmation_enqueue,
)

# --- awaiting its payment: paid or released --------------------------------------------------


def order_payment_confirmed(*, order: Order, detail: dict | None = None) -> None:
    """An order awaiting its payment (a card) is paid: it becomes placed and its confirmation is
    emailed after commit. Call inside the caller's transaction with `order` locked; an order no
    longer awaiting is left as it is."""
    if order.status != Order.Status.AWAITING:
        return
    event = order.transition(Order.Status.PLACED, detail={"number": order.number, **(detail or {})})
    order.save(update_fields=["status", "updated_at"])
    event.save()
    order_confirmation_enqueue(order)


def order_release(*, order: Order, reason: str, user=None) -> None:
    """Cancel an order still awaiting its payment (never paid) and give its stock back. Call inside
    the caller's transaction with `order` locked; an order no longer awaiting is left as it is."""
    if order.status != Order.Status.AWAITING:
        return
    lines = list(order.lines.all())
    stock_give_back(order=order, quantities={line.variant_id: line.quantity for line in lines})
    event = order.transition(Order.Status.CANCELLED, user=user, detail={"reason": reason})
    order.save(update_fields=["status", "updated_at"])
    event.save()


# --- at the distribution: handed over, or that undone -----------------------------------------


def _not_collectable(order: Order) -> OrderNotCollectable:
    if order.status == Order.Status.CANCELLED:
        return OrderNotCollectable(_("Cette commande est annulée : elle ne peut pas être remise."))
    if order.status == Order.Status.AWAITING:
        return OrderNotCollectable(
            _("Cette commande attend encore son paiement par carte : elle ne peut pas être remise.")
        )
    return OrderNotCollectable()


def order_collected(*, order: Order, user=None, collected: bool = True) -> Order:
    """Mark a placed order handed over to its buyer (« Remise »), or with `collected=False` put a
    handed-over order back to placed (a mis-tap undone). Idempotent: an order already in the wanted
    state is left as it is and nothing is recorded. Raises OrderNotCollectable for a cart, an order
    awaiting its payment or a cancelled order."""
    wanted = Order.Status.FULFILLED if collected else Order.Status.PLACED
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if order.status not in (Order.Status.PLACED, Order.Status.FULFILLED):
            raise _not_collectable(order)
        if order.status == wanted:
            return order
        event = order.transition(wanted, user=user, detail={"number": order.number})
        order.save(update_fields=["status", "updated_at"])
        event.save()
        return order


# --- by its buyer: edit, cancel, reorder -----------------------------------------------------


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


def order_refresh_totals(order: Order, lines: list[Line]) -> None:
    """Price `order` again (fee lines, VAT, totals; not saved) for its `lines` as they now are."""
    context = FeeContext.for_cycle(order.cycle, order.seller)
    variants = offers_by_id(order.cycle, order.seller, [line.variant_id for line in lines])
    order.fee_lines.exclude(fee_type=FeeLine.GOODWILL).delete()
    # A goodwill reduction granted with a refund stays, split again over what the order now holds.
    price = order_price(
        context=context,
        lines=lines,
        shipping_method=order.shipping_method,
        payment_method=order.payment_method,
        seller=order.seller,
        customer=order.customer,
        user=order.user,
        order=order,
        variants=variants,
    )
    price.totals_set(order)


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
        wanted = {str(k): clean_quantity(v) for k, v in quantities.items()}
        unknown = set(wanted) - set(lines)
        new_variants = {}
        if unknown:
            new_variants = {str(v.uuid): v for v in Variant.objects.filter(uuid__in=list(unknown))}
        if set(unknown) - set(new_variants):
            raise NotOffered()
        offers = offers_by_id(order.cycle, order.seller, [v.pk for v in new_variants.values()])
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
        stock_give_back(order=order, quantities=deltas)
        before, said = order.total, _lines_apply(order, lines, wanted, new_variants, offers)
        order_refresh_totals(order, list(lines.values()))
        registry.order_changed("edited", order=order, user=user)  # e.g. credit: the difference
        order.save()
        detail = {"quantities": wanted, "changes": said}
        OrderEvent.objects.create(order=order, kind="edited", user=user, detail=detail)
        if said:
            order_adjusted_enqueue(order, changes=said, before=before, by_buyer=True)
        return order


def _lines_apply(order: Order, lines: dict, wanted: dict, new_variants: dict, offers: dict) -> list[str]:
    """Write the buyer's `wanted` quantities on `lines` (by variant uuid, updated in place);
    returns what changed, in French, one sentence per line (as the seller's adjustments say it)."""
    context, said = FeeContext(), []
    for key, quantity in wanted.items():
        if key in lines:
            line = lines[key]
            if quantity == 0:
                line.delete()
                del lines[key]
                said.append(_("Retiré : %(name)s.") % {"name": line.name})
            elif quantity != line.quantity:
                said.append(
                    _("%(name)s : %(old)s → %(new)s.")
                    % {"name": line.name, "old": line.quantity, "new": quantity}
                )
                line.quantity = quantity
                line.total = money.round_money(line.unit_price * quantity)
                line.save(update_fields=["quantity", "total"])
        elif quantity:
            line = line_snapshot(Line(order=order), offers[new_variants[key].pk], quantity, context)
            line.save()
            lines[key] = line
            said.append(_("Ajouté : %(n)s × %(name)s.") % {"n": quantity, "name": line.name})
    return said


def order_cancel(*, order: Order, user=None) -> Order:
    """Cancel a placed order while its cycle is open and the shop allows it; its stock goes back."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("seller", "cycle", "payment_method", "user")
            .get(pk=order.pk)
        )
        _check_changeable(order)
        payment_notes = registry.cancellation_notes(order)  # what was paid, and how it comes back
        lines = list(order.lines.all())
        stock_give_back(order=order, quantities={line.variant_id: line.quantity for line in lines})
        event = order.transition(Order.Status.CANCELLED, user=user)
        registry.order_changed("cancelled", order=order, user=user)  # e.g. credit: given back
        order.save()
        event.save()
        order_cancellation_enqueue(order, payment_notes=payment_notes)
        return order


# --- by its seller: cancel, send the confirmation again ---------------------------------------


def order_cancel_by_seller(*, order: Order, reason: str, user=None) -> Order:
    """The seller cancels `order` for `reason`: a placed order at any time (also once its cycle has
    closed): its stock goes back and its payment follows (e.g. credit given back); an order still
    awaiting its card payment is released. The buyer is emailed the reason after commit. Raises
    OrderNotCancellable without a reason, or for an order handed over or already cancelled."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise OrderNotCancellable(_("Indiquez la raison de l'annulation : elle est envoyée au client."))
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("seller", "cycle", "payment_method", "user")
            .get(pk=order.pk)
        )
        if order.status == Order.Status.AWAITING:
            order_release(order=order, reason=reason, user=user)
        elif order.status == Order.Status.PLACED:
            lines = list(order.lines.all())
            stock_give_back(order=order, quantities={line.variant_id: line.quantity for line in lines})
            event = order.transition(Order.Status.CANCELLED, user=user, detail={"reason": reason})
            registry.order_changed("cancelled", order=order, user=user)  # e.g. credit: given back
            order.save()
            event.save()
        else:
            raise OrderNotCancellable()
        order_cancellation_enqueue(order, reason)
        return order


def order_confirmation_resend(*, order: Order, user=None) -> None:
    """Email the buyer the confirmation of a placed (or handed over) order again, after commit, and
    record it in the order's history."""
    OrderEvent.objects.create(order=order, kind="confirmation_resent", user=user)
    order_confirmation_enqueue(order)


def reorder(*, order: Order, cart: Order) -> list[str]:
    """Put the products of a past `order` into `cart` (its current cycle), as many as are left.
    Returns French notes about what could not be added as before."""
    notes = []
    lines = list(order.lines.select_related("variant__product"))
    offers = offers_by_id(cart.cycle, cart.seller, [line.variant_id for line in lines])
    with transaction.atomic():
        for line in lines:
            name = line.name
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
