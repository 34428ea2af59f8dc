"""Distributions: generated from a rhythm between two dates at a pickup point of the AMAP, then
edited one by one — cancelled, moved to another day, place or time — and a producer's delivery
postponed to another distribution (a double basket there). Every change moves or cancels the
baskets' orders in the same transaction and tells the members concerned by email after commit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.amap.exceptions import DistributionError
from cabas.amap.models import Basket, Delivery, Distribution
from cabas.amap.plans import plan_rebalance
from cabas.cycles.models import ShippingMethod
from cabas.lib.rhythm import RhythmError, rhythm_dates
from cabas.orders.models import Order
from cabas.orders.standing import standing_orders_cancel, standing_orders_move


def pickup_at(distribution: Distribution) -> datetime.datetime:
    """When a distribution starts, as an aware datetime (the baskets' orders' `pickup_at`)."""
    return timezone.make_aware(datetime.datetime.combine(distribution.date, distribution.starts_at))


def _check_place(amap, place: ShippingMethod) -> None:
    if place.enterprise_id != amap.pk or place.kind != ShippingMethod.Kind.PICKUP:
        raise DistributionError(_("Choisissez un lieu de retrait de l'AMAP."), field="place")


def _check_times(starts_at: datetime.time, ends_at: datetime.time) -> None:
    if ends_at <= starts_at:
        raise DistributionError(_("L'heure de fin doit suivre l'heure de début."), field="ends_at")


def distributions_generate(
    *,
    amap,
    place: ShippingMethod,
    rhythm: str,
    first: datetime.date,
    last: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    nth: int | None = None,
    weekday: int | None = None,
) -> tuple[list[Distribution], list[datetime.date]]:
    """Create the distributions of a rhythm at `place`; a date that already has one there is
    skipped. Returns (created, skipped dates). Raises DistributionError in French."""
    _check_place(amap, place)
    _check_times(starts_at, ends_at)
    try:
        dates = rhythm_dates(rhythm=rhythm, first=first, last=last, nth=nth, weekday=weekday)
    except RhythmError as error:
        raise DistributionError(error.message, field="rhythm") from error
    with transaction.atomic():
        taken = set(
            Distribution.objects.filter(place=place, date__in=dates, cancelled_at=None).values_list(
                "date", flat=True
            )
        )
        created = Distribution.objects.bulk_create(
            Distribution(amap=amap, place=place, date=d, starts_at=starts_at, ends_at=ends_at)
            for d in dates
            if d not in taken
        )
    return created, sorted(taken)


def _baskets_at(distribution: Distribution, deliveries=None):
    lookups = (
        {"delivery__in": deliveries} if deliveries is not None else {"delivery__distribution": distribution}
    )
    return Basket.objects.filter(**lookups).select_related("order", "subscription__customer", "collector")


def _members_tell(baskets, *, template: str, context: dict) -> None:
    """Email once each member concerned by `baskets` (the subscriber, and a sharer who collects)."""
    emails = set()
    for basket in baskets:
        emails.add(basket.subscription.customer.email)
        if basket.collector is not None:
            emails.add(basket.collector.email)
    for email in sorted(e for e in emails if e):
        enqueue_templated_email(template, to=email, context=context)


def _when(distribution: Distribution) -> str:
    return _("%(date)s de %(start)s à %(end)s") % {
        "date": formats.date_format(distribution.date, "l j F Y"),
        "start": formats.time_format(distribution.starts_at, "TIME_FORMAT"),
        "end": formats.time_format(distribution.ends_at, "TIME_FORMAT"),
    }


def distribution_cancel(*, distribution: Distribution, reason: str, user=None) -> int:
    """Cancel a distribution: its baskets are not delivered and not charged (their orders cancelled,
    the payment plans split again), the members are told `reason`. Returns the baskets cancelled."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DistributionError(_("Indiquez la raison : elle est envoyée aux adhérents."), field="reason")
    if distribution.cancelled_at is not None:
        raise DistributionError(_("Cette distribution est déjà annulée."))
    with transaction.atomic():
        distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
        baskets = list(_baskets_at(distribution))
        now = timezone.now()
        distribution.cancelled_at, distribution.note = now, reason[:300]
        distribution.save(update_fields=["cancelled_at", "note"])
        Delivery.objects.filter(distribution=distribution).update(cancelled_at=now)
        cancelled = standing_orders_cancel(orders=[b.order for b in baskets], reason=reason, user=user)
        for subscription in {b.subscription for b in baskets}:
            plan_rebalance(subscription)
        _members_tell(
            baskets,
            template="emails/amap/distribution_cancelled",
            context={"amap": distribution.amap.name, "when": _when(distribution), "reason": reason},
        )
    return cancelled


def distribution_move(
    *,
    distribution: Distribution,
    date: datetime.date,
    place: ShippingMethod,
    starts_at: datetime.time,
    ends_at: datetime.time,
    note: str = "",
    user=None,
) -> Distribution:
    """Move a distribution to another day, place or time; its baskets follow and the members are told."""
    _check_place(distribution.amap, place)
    _check_times(starts_at, ends_at)
    if distribution.cancelled_at is not None:
        raise DistributionError(_("Une distribution annulée ne peut pas être déplacée."))
    if date < timezone.localdate():
        raise DistributionError(_("Choisissez une date à venir."), field="date")
    clash = Distribution.objects.filter(place=place, date=date, cancelled_at=None).exclude(pk=distribution.pk)
    if clash.exists():
        raise DistributionError(_("Il y a déjà une distribution à ce lieu ce jour-là."), field="date")
    with transaction.atomic():
        before = _when(distribution)
        distribution.date, distribution.place = date, place
        distribution.starts_at, distribution.ends_at = starts_at, ends_at
        distribution.note = " ".join(note.split())[:300]
        distribution.save()
        baskets = list(_baskets_at(distribution))
        standing_orders_move(
            orders=[b.order for b in baskets],
            pickup_at=pickup_at(distribution),
            shipping_method=place,
            user=user,
        )
        _members_tell(
            baskets,
            template="emails/amap/distribution_moved",
            context={
                "amap": distribution.amap.name,
                "before": before,
                "when": _when(distribution),
                "place": place.name,
                "note": distribution.note,
            },
        )
    return distribution


def delivery_postpone(*, delivery: Delivery, to: Distribution, user=None) -> Delivery:
    """Postpone one producer's delivery to another distribution of the AMAP: its members collect two
    baskets there. The members concerned are told."""
    current = delivery.distribution
    if to.amap_id != current.amap_id or to.cancelled_at is not None or to.pk == current.pk:
        raise DistributionError(_("Choisissez une autre distribution de l'AMAP."), field="to")
    if to.date < timezone.localdate():
        raise DistributionError(_("Choisissez une distribution à venir."), field="to")
    if delivery.cancelled_at is not None:
        raise DistributionError(_("Cette livraison est annulée."))
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.planned_id = delivery.planned_id or current.pk
        delivery.distribution = to
        delivery.save(update_fields=["planned", "distribution"])
        baskets = list(_baskets_at(to, deliveries=[delivery]))
        moving = [b.order for b in baskets if b.order.status == Order.Status.PLACED and b.moved_to_id is None]
        standing_orders_move(orders=moving, pickup_at=pickup_at(to), shipping_method=to.place, user=user)
        _members_tell(
            baskets,
            template="emails/amap/delivery_postponed",
            context={
                "amap": to.amap.name,
                "contract": delivery.contract.name,
                "producer": delivery.contract.producer.name,
                "before": _when(current),
                "when": _when(to),
                "place": to.place.name,
            },
        )
    return delivery
