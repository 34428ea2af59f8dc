"""Baskets: what a subscription receives at each delivery, as the producer's order; who collects a
shared basket; a variable basket's quantities; absences.

A basket's order holds the contract's products at their price per distribution; a solidarity tier
adds a fee line (a reduction below 100 %, a supplement above), a donation per distribution another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.distributions import pickup_at
from cabas.amap.exceptions import AbsenceRefused, AmapError
from cabas.amap.models import Basket, Contract, Delivery, Distribution, Subscription
from cabas.amap.plans import plan_rebalance
from cabas.cycles.models import Fee
from cabas.cycles.pricing import product_tax_rate
from cabas.lib.money import format_eur, round_money
from cabas.orders.models import Order
from cabas.orders.standing import (
    StandingFee,
    StandingLine,
    StandingOrder,
    standing_customer,
    standing_order_lines_set,
    standing_orders_cancel,
    standing_orders_move,
    standing_orders_place,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Content:
    """A basket's lines and fee lines, and what it costs."""

    lines: list[StandingLine]
    fees: list[StandingFee]

    @property
    def total(self) -> Decimal:
        items = sum((round_money(line.unit_price * line.quantity) for line in self.lines), ZERO)
        return items + sum((round_money(fee.amount) for fee in self.fees), ZERO)

    @property
    def items_total(self) -> Decimal:
        return sum((round_money(line.unit_price * line.quantity) for line in self.lines), ZERO)


def basket_content(subscription: Subscription, quantities: dict[int, int]) -> Content:
    """The content of one basket of `subscription` holding `quantities` (ContractProduct pk →
    units), priced at the contract's prices, its tier and its donation."""
    contract = subscription.contract
    products = {
        p.pk: p
        for p in contract.products.select_related(
            "variant__product__producer", "variant__tax_rate", "variant__product__category__default_tax_rate"
        )
    }
    lines = [
        StandingLine(variant=products[pk].variant, quantity=qty, unit_price=products[pk].price)
        for pk, qty in sorted(quantities.items(), key=lambda kv: (products[kv[0]].position, kv[0]))
        if qty > 0
    ]
    fees = []
    tier = subscription.tier
    if tier is not None and tier.percent != 100 and lines:
        # Per unit and per VAT rate, like a solidarity price: the order's VAT stays exact.
        by_rate: dict[Decimal, Decimal] = {}
        for line in lines:
            unit = round_money(line.unit_price * (Decimal(tier.percent) - 100) / 100)
            rate = product_tax_rate(line.variant)
            by_rate[rate] = by_rate.get(rate, ZERO) + unit * line.quantity
        name = _("Tarif « %(name)s » (%(percent)s %%)") % {"name": tier.name, "percent": tier.percent}
        fees += [
            StandingFee(
                enterprise=contract.producer,
                name=name,
                fee_type=Fee.Type.SOLIDARITY,
                amount=amount,
                tax_rate=rate,
            )
            for rate, amount in sorted(by_rate.items())
        ]
    if subscription.donation and lines:
        fees.append(
            StandingFee(
                enterprise=contract.producer,
                name=_("Don solidaire"),
                fee_type=Fee.Type.SOLIDARITY,
                amount=subscription.donation,
            )
        )
    return Content(lines=lines, fees=fees)


def collector_at(shares: list, index: int):
    """Who collects the `index`-th basket of a shared subscription (in turn), None if not shared."""
    return shares[index % len(shares)].customer if shares else None


def baskets_create(
    *, subscription: Subscription, deliveries: list[Delivery], quantities: dict[int, int], user=None
) -> list[Basket]:
    """One basket and its placed order per delivery, in a few queries; shared baskets alternate."""
    contract = subscription.contract
    member = subscription.customer
    buyer = standing_customer(
        seller=contract.producer,
        email=member.email,
        full_name=member.full_name,
        phone=member.phone,
        user=member.user,
    )
    content = basket_content(subscription, quantities)
    note = f"{contract.name} — {contract.season}"
    orders = standing_orders_place(
        seller=contract.producer,
        customer=buyer,
        user=member.user,
        orders=[
            StandingOrder(
                pickup_at=pickup_at(d.distribution),
                shipping_method=d.distribution.place,
                lines=content.lines,
                fees=content.fees,
                note=note,
            )
            for d in deliveries
        ],
    )
    shares = list(subscription.shares.select_related("customer"))
    return Basket.objects.bulk_create(
        Basket(subscription=subscription, delivery=d, order=o, collector=collector_at(shares, i))
        for i, (d, o) in enumerate(zip(deliveries, orders, strict=True))
    )


def basket_collector_set(*, basket: Basket, customer) -> Basket:
    """Swap who collects a shared basket: one of the members sharing it."""
    allowed = {s.customer_id for s in basket.subscription.shares.all()}
    if customer.pk not in allowed:
        raise AmapError(_("Ce panier se partage entre d'autres adhérents."), field="collector")
    basket.collector = customer
    basket.save(update_fields=["collector"])
    return basket


def order_closes_at(contract: Contract, distribution: Distribution):
    """When a variable basket's quantities stop changing: N days before the distribution, at midnight."""
    day = distribution.date - datetime.timedelta(days=contract.order_closes_days_before)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def basket_quantities_set(*, basket: Basket, quantities: dict[int, int], user=None) -> Basket:
    """A variable basket's quantities for its distribution, while its window is open, within each
    product's maximum and the contract's minimum per distribution; the payment plan follows."""
    subscription = basket.subscription
    contract = subscription.contract
    if contract.kind != Contract.Kind.VARIABLE:
        raise AmapError(_("Ce panier est fixe : il ne se modifie pas."))
    if timezone.now() >= order_closes_at(contract, basket.delivery.distribution):
        raise AmapError(_("Les commandes de cette distribution sont closes."))
    if basket.order.status != Order.Status.PLACED:
        raise AmapError(_("Ce panier n'est plus modifiable."))
    products = {p.pk: p for p in contract.products.all()}
    for pk, qty in quantities.items():
        if pk not in products or not 0 <= qty <= products[pk].max_quantity:
            raise AmapError(_("Quantité impossible pour ce produit."), field=str(pk))
    content = basket_content(subscription, quantities)
    if content.items_total < contract.minimum_per_distribution:
        raise AmapError(
            _("Le minimum par distribution est de %(min)s.")
            % {"min": format_eur(contract.minimum_per_distribution)}
        )
    with transaction.atomic():
        standing_order_lines_set(order=basket.order, lines=content.lines, fees=content.fees, user=user)
        plan_rebalance(subscription)
    basket.order.refresh_from_db()
    return basket


def absences_used(subscription: Subscription) -> int:
    return subscription.baskets.exclude(absence="").count()


def absence_deadline(contract: Contract, distribution: Distribution):
    """The last day an absence at `distribution` may be declared."""
    return distribution.date - datetime.timedelta(days=contract.absence_deadline_days)


def absence_declare(
    *, basket: Basket, user=None, move_to: Distribution | None = None, by_manager: bool = False
) -> Basket:
    """Declare the member absent at a basket's distribution, within the contract's quota and before
    its deadline (a manager may pass the deadline, never a past date). What happens to the basket
    is the contract's rule: to the solidarity pool (still paid), moved to `move_to` (a double basket
    there), or not delivered and not charged (the plan is split again)."""
    subscription = basket.subscription
    contract = subscription.contract
    distribution = basket.delivery.distribution
    today = timezone.localdate()
    if distribution.date < today or (distribution.date == today and not by_manager):
        raise AbsenceRefused(_("Cette distribution est passée : l'absence ne peut plus être déclarée."))
    if not by_manager and today > absence_deadline(contract, distribution):
        raise AbsenceRefused(
            _("Les absences se déclarent au plus tard %(days)s jours avant la distribution.")
            % {"days": contract.absence_deadline_days}
        )
    if basket.absence:
        raise AbsenceRefused(_("Cette absence est déjà déclarée."))
    if basket.order.status != Order.Status.PLACED:
        raise AbsenceRefused(_("Ce panier n'est pas à livrer."))
    if absences_used(subscription) >= contract.absence_quota:
        raise AbsenceRefused(
            _("Vous avez déjà déclaré les %(quota)s absences permises par ce contrat.")
            % {"quota": contract.absence_quota}
        )
    policy = contract.absence_policy
    if policy == Contract.AbsencePolicy.MOVED:
        _move_check(basket, move_to)
    with transaction.atomic():
        basket.absence, basket.absence_declared_at = policy, timezone.now()
        if policy == Contract.AbsencePolicy.MOVED:
            basket.moved_to = move_to
            standing_orders_move(
                orders=[basket.order], pickup_at=pickup_at(move_to), shipping_method=move_to.place, user=user
            )
        elif policy == Contract.AbsencePolicy.SKIPPED:
            standing_orders_cancel(orders=[basket.order], reason=str(_("Absence déclarée")), user=user)
        basket.save(update_fields=["absence", "absence_declared_at", "moved_to"])
        if policy == Contract.AbsencePolicy.SKIPPED:
            plan_rebalance(subscription)
    return basket


def _move_check(basket: Basket, move_to: Distribution | None) -> None:
    targets = move_targets(basket)
    if move_to is None or move_to.pk not in {d.pk for d in targets}:
        raise AbsenceRefused(_("Choisissez la distribution où reprendre ce panier."), field="move_to")


def move_targets(basket: Basket) -> list[Distribution]:
    """Where an absent member's basket may be collected instead: the contract's later distributions."""
    return list(
        Distribution.objects.filter(
            deliveries__contract_id=basket.subscription.contract_id,
            deliveries__cancelled_at=None,
            cancelled_at=None,
            date__gt=basket.delivery.distribution.date,
        )
        .select_related("place")
        .distinct()
    )


def absence_cancel(*, basket: Basket, user=None) -> Basket:
    """Take back an absence before its deadline (a basket moved or given comes back; a skipped one
    is not placed again: ask the AMAP)."""
    if basket.absence == Basket.Absence.SKIPPED:
        raise AbsenceRefused(_("Ce panier a été retiré de la livraison : voyez avec l'AMAP."))
    distribution = basket.delivery.distribution
    if timezone.localdate() > absence_deadline(basket.subscription.contract, distribution):
        raise AbsenceRefused(_("Il est trop tard pour revenir sur cette absence."))
    with transaction.atomic():
        if basket.absence == Basket.Absence.MOVED:
            standing_orders_move(
                orders=[basket.order],
                pickup_at=pickup_at(distribution),
                shipping_method=distribution.place,
                user=user,
            )
        basket.absence, basket.absence_declared_at, basket.moved_to = "", None, None
        basket.save(update_fields=["absence", "absence_declared_at", "moved_to"])
    return basket


def remaining_deliveries(contract: Contract, starts_on) -> list[Delivery]:
    """The contract's deliveries on or after `starts_on` that still happen, in date order."""
    return list(
        contract.deliveries.filter(cancelled_at=None, distribution__date__gte=starts_on)
        .select_related("distribution__place")
        .order_by("distribution__date", "pk")
    )


def deliveries_count(contract: Contract) -> int:
    return contract.deliveries.filter(cancelled_at=None).count()


def quantities_of(items: Iterable) -> dict[int, int]:
    return {item.product_id: item.quantity for item in items}
