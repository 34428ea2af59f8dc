"""The seller fixing a placed order, also after its cycle closed (a product missing at the packing,
another one given instead, a basket weighed at the distribution): quantities changed, lines added,
removed or replaced by another product, and the final weights of variable-weight lines entered.

One atomic service, `order_adjust`: the lines change, the stock follows (given back, or taken again
where it is left: never sold twice), the fee lines and the VAT are computed again as for an edit by
the buyer (`changes.order_refresh_totals`), the payment follows through the payments hooks (a
customer account is debited or credited the difference; what was paid otherwise shows as « reste à
payer » or as a refund due on the order's page), the change is recorded in the order's history and
the customer is emailed what changed and the difference, once the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import FeeContext
from cabas.lib import units
from cabas.lib.money import format_eur
from cabas.orders import registry
from cabas.orders.changes import order_refresh_totals
from cabas.orders.exceptions import InvalidQuantity, NotOffered, OrderNotEditable
from cabas.orders.lines import clean_quantity, line_snapshot
from cabas.orders.models import Line, Order, OrderEvent
from cabas.orders.offers import offers_by_id
from cabas.orders.stock import stock_give_back
from cabas.orders.tasks import order_adjusted_enqueue

MAX_WEIGHT = Decimal("999.999")  # kg or L on one line


@dataclass
class Adjustment:
    """What the seller changes, by variant uuid (str): `quantities` new units (0 removes the line;
    a variant not in the order adds it), `weights` the weight in kg or L of a variable-weight line
    (None: not weighed any more), `substitutions` the variant given instead (same quantity)."""

    quantities: dict[str, int] = field(default_factory=dict)
    weights: dict[str, Decimal | None] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.quantities or self.weights or self.substitutions)


@dataclass(frozen=True)
class AdjustResult:
    order: Order
    changes: list[str]  # what changed, in French, one sentence per line
    before: Decimal  # the total before
    after: Decimal  # the total now

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


def parse_weight(value) -> Decimal | None:
    """A weight typed at the table (« 1,234 », « 0.8 ») in kg or L; None when left empty. Raises
    InvalidQuantity (French message) for anything else."""
    text = str(value if value is not None else "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    text = text.removesuffix("kg").removesuffix("l").removesuffix("L")
    if not text:
        return None
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise InvalidQuantity(_("Le poids doit être un nombre, par exemple 1,250 (en kg)."))
    if not weight.is_finite() or weight <= 0:
        raise InvalidQuantity(_("Le poids doit être supérieur à zéro."))
    if weight > MAX_WEIGHT:
        raise InvalidQuantity(_("Au plus %(max)s kg sur une ligne.") % {"max": "999,999"})
    return weight.quantize(Decimal("0.001"))


def _weight_text(line: Line) -> str:
    return f"{units.format_number(line.final_weight)} {line.weight_unit or 'kg'}"


def _lock(order: Order) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("seller", "cycle", "shipping_method", "payment_method", "customer", "user")
        .get(pk=order.pk)
    )
    if order.status not in (Order.Status.PLACED, Order.Status.FULFILLED):
        if order.status == Order.Status.CANCELLED:
            raise OrderNotEditable(_("Cette commande est annulée : elle ne peut plus être modifiée."))
        raise OrderNotEditable(
            _("Cette commande attend encore son paiement : elle ne peut pas être modifiée.")
        )
    return order


class _Plan:
    """The order's lines while they are being changed, the stock each change moves and what each
    change says."""

    def __init__(self, order: Order):
        self.order = order
        self.lines = {str(line.variant.uuid): line for line in order.lines.select_related("variant__product")}
        self.deltas: dict[int, int] = {}  # variant id → units given back (negative: taken)
        self.changes: list[str] = []
        self.replaced: set[str] = set()  # the variants substituted: their other changes no longer apply
        self.context = FeeContext()

    def move(self, variant_id: int, units_back: int) -> None:
        self.deltas[variant_id] = self.deltas.get(variant_id, 0) + units_back

    def offers(self, uuids) -> dict[str, Variant]:
        """The variants of `uuids` this order's shop offers in its cycle, by uuid; NotOffered otherwise."""
        if not uuids:
            return {}
        variants = {str(v.uuid): v for v in Variant.objects.filter(uuid__in=list(uuids))}
        missing = set(uuids) - set(variants)
        if missing or self.order.cycle is None:
            raise NotOffered()
        offers = offers_by_id(self.order.cycle, self.order.seller, [v.pk for v in variants.values()])
        for variant in variants.values():
            if variant.pk not in offers:
                raise NotOffered(variant.product.name)
        return {key: offers[variant.pk] for key, variant in variants.items()}

    def add(self, offer: Variant, quantity: int) -> Line:
        line = line_snapshot(Line(order=self.order), offer, quantity, self.context)
        line.save()
        self.lines[str(offer.uuid)] = line
        self.move(offer.pk, -quantity)
        return line

    def remove(self, key: str) -> Line:
        line = self.lines.pop(key)
        self.move(line.variant_id, line.quantity)
        line.delete()
        return line


def _substitute(plan: _Plan, substitutions: dict[str, str]) -> None:
    pairs = {str(old): str(new) for old, new in substitutions.items() if new and str(new) != str(old)}
    if set(pairs) - set(plan.lines):
        raise OrderNotEditable(_("Cette ligne n'est plus dans la commande : rechargez la page."))
    if len(set(pairs.values())) != len(pairs) or set(pairs.values()) & set(plan.lines):
        raise OrderNotEditable(_("Ce produit est déjà dans la commande : changez plutôt sa quantité."))
    offers = plan.offers(set(pairs.values()))
    for old, new in pairs.items():
        removed = plan.remove(old)
        plan.replaced.add(old)
        added = plan.add(offers[new], removed.quantity)
        plan.changes.append(
            _("%(old)s remplacé par %(new)s (%(n)s).")
            % {"old": removed.name, "new": added.name, "n": added.quantity}
        )


def _set_quantities(plan: _Plan, quantities: dict[str, int]) -> None:
    wanted = {
        str(key): clean_quantity(value) for key, value in quantities.items() if str(key) not in plan.replaced
    }
    new = {key for key, quantity in wanted.items() if key not in plan.lines and quantity}
    offers = plan.offers(new)
    for key, quantity in wanted.items():
        line = plan.lines.get(key)
        if line is None:
            if quantity:
                added = plan.add(offers[key], quantity)
                plan.changes.append(_("Ajouté : %(n)s × %(name)s.") % {"n": quantity, "name": added.name})
        elif quantity == 0:
            plan.remove(key)
            plan.changes.append(_("Retiré : %(name)s.") % {"name": line.name})
        elif quantity != line.quantity:
            plan.move(line.variant_id, line.quantity - quantity)
            plan.changes.append(
                _("%(name)s : %(old)s → %(new)s.")
                % {"name": line.name, "old": line.quantity, "new": quantity}
            )
            line.quantity = quantity
            line.final_weight = None  # other pieces: to weigh again
            line.total = line.unit_price * quantity
            line.save(update_fields=["quantity", "final_weight", "total"])


def _set_weights(plan: _Plan, weights: dict[str, Decimal | None]) -> None:
    for key, weight in weights.items():
        if str(key) in plan.replaced:
            continue
        line = plan.lines.get(str(key))
        if line is None:
            raise OrderNotEditable(_("Cette ligne n'est plus dans la commande : rechargez la page."))
        if line.weight_price is None:
            raise InvalidQuantity(_("%(name)s n'est pas vendu au poids.") % {"name": line.name})
        if weight == line.final_weight:
            continue
        line.final_weight = weight
        if weight is None:
            line.total = line.unit_price * line.quantity
            plan.changes.append(_("%(name)s : pesée effacée, prix estimé.") % {"name": line.name})
        else:
            line.total = line.weighed_total
            plan.changes.append(
                _("%(name)s pesé : %(weight)s à %(price)s le %(unit)s, soit %(total)s.")
                % {
                    "name": line.name,
                    "weight": _weight_text(line),
                    "price": format_eur(line.weight_price),
                    "unit": line.weight_unit or "kg",
                    "total": format_eur(line.total),
                }
            )
        line.save(update_fields=["final_weight", "total"])


def order_adjust(*, order: Order, adjustment: Adjustment, user=None, note: str = "") -> AdjustResult:
    """Apply `adjustment` to a placed or handed-over `order` as its seller (see the module). Raises an
    OrderError (French message) and changes nothing when a product is not offered in the order's
    cycle, the stock is short, a weight or quantity is invalid, or the order would be empty."""
    with transaction.atomic():
        order = _lock(order)
        before = order.total
        plan = _Plan(order)
        _substitute(plan, adjustment.substitutions)
        _set_quantities(plan, adjustment.quantities)
        _set_weights(plan, adjustment.weights)
        if not plan.lines:
            raise OrderNotEditable(_("Une commande ne peut pas être vide : annulez-la plutôt."))
        if not plan.changes:
            return AdjustResult(order=order, changes=[], before=before, after=before)
        stock_give_back(order=order, quantities=plan.deltas)
        order_refresh_totals(order, list(plan.lines.values()))
        registry.order_changed("edited", order=order, user=user)  # e.g. a customer account: the difference
        order.save()
        detail = {"changes": plan.changes, "before": str(before), "after": str(order.total)}
        if note.strip():
            detail["note"] = note.strip()[:500]
        OrderEvent.objects.create(order=order, kind="adjusted", user=user, detail=detail)
        order_adjusted_enqueue(order, changes=plan.changes, before=before, note=note.strip()[:500])
        return AdjustResult(order=order, changes=plan.changes, before=before, after=order.total)
