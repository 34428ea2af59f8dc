"""What to bring: once a cycle closes, each of its producers gets one email with the totals of the
cycle's placed orders per distributor (the `cycles_notify_producers` command and task).

Each cycle is announced once: it is claimed in the database before any email leaves, so running the
job twice, or on two workers, sends nothing more.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cabas.accounts.emails import enqueue_templated_email
from cabas.cycles.models import OrderCycle
from cabas.cycles.services import PARIS
from cabas.enterprises.models import Enterprise, Role
from cabas.enterprises.services import member_emails, site_url
from cabas.lib.units import format_number
from cabas.orders.models import Line, Order

# Cycles closed longer ago than this are never announced to their producers (a first run on an
# old database must not email about last year's cycles).
NOTIFY_LOOKBACK = datetime.timedelta(days=7)


def cycle_pick_list(cycle: OrderCycle) -> dict[int, list[dict]]:
    """For each producer (id), per distributor, the total quantity of each variant in the cycle's
    placed orders: [{"distributor": …, "pickup": …, "items": [{"product", "variant", "size",
    "quantity"}]}]. Two queries."""
    rows = (
        Line.objects.filter(order__cycle=cycle, order__status=Order.Status.PLACED)
        .values("producer_id", "order__seller_id", "variant_id", "product_name", "variant_name", "size")
        .annotate(total=Sum("quantity"))
        .order_by("producer_id", "order__seller_id", "product_name", "variant_name", "variant_id")
    )
    distributors = {row.distributor_id: row for row in cycle.distributors.select_related("distributor")}
    result: dict[int, dict[int, dict]] = {}
    for row in rows:
        per_distributor = result.setdefault(row["producer_id"], {})
        seller_id = row["order__seller_id"]
        if seller_id not in per_distributor:
            entry = distributors.get(seller_id)
            enterprise = entry.distributor if entry else Enterprise.objects.get(pk=seller_id)
            pickup_at = entry.pickup_at.astimezone(PARIS) if entry and entry.pickup_at else None
            per_distributor[seller_id] = {
                "distributor": enterprise.name,
                "address": " ".join(
                    p for p in [enterprise.address, enterprise.postcode, enterprise.city] if p
                ),
                "pickup": pickup_at.strftime("%d/%m/%Y %H:%M") if pickup_at else "",
                "note": entry.pickup_note if entry else "",
                "items": [],
            }
        per_distributor[seller_id]["items"].append(
            {
                "product": row["product_name"],
                "variant": row["variant_name"],
                "size": row["size"],
                "quantity": format_number(row["total"]),
            }
        )
    return {producer: list(by_seller.values()) for producer, by_seller in result.items()}


def cycle_producers_notify(*, cycle: OrderCycle, now=None) -> int:
    """Email each supplier of a closed cycle what to bring, per distributor — once.

    The cycle is claimed by a conditional UPDATE of `producers_notified_at` in the same transaction
    as reading the orders: a second run (or a second worker) finds it claimed and sends nothing.
    The emails leave after commit. Returns the number of producers emailed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = OrderCycle.objects.filter(
            pk=cycle.pk, producers_notified_at__isnull=True, closes_at__lte=now
        ).update(producers_notified_at=now)
        if not claimed:
            return 0
        cycle = OrderCycle.objects.select_related("coordinator").get(pk=cycle.pk)
        pick_list = cycle_pick_list(cycle)
        sent = 0
        for row in cycle.suppliers.select_related("supplier").order_by("supplier__name"):
            producer = row.supplier
            emails = member_emails(producer, levels=(Role.Level.OWNER, Role.Level.MANAGER))
            if not emails:
                continue
            distributors = pick_list.get(producer.pk, [])
            enqueue_templated_email(
                "emails/cycles/what_to_bring",
                to=emails,
                from_name=cycle.coordinator.name,
                context={
                    "producer": producer.name,
                    "cycle": cycle.name,
                    "coordinator": cycle.coordinator.name,
                    "closed_at": cycle.closes_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
                    "distributors": distributors,
                    "url": site_url(reverse("manage:dashboard", args=[producer.slug])),
                },
            )
            sent += 1
    return sent


def cycles_notify_producers(*, now=None) -> int:
    """Announce every cycle that closed (within the last week) and was not announced yet
    (the `cycles_notify_producers` command and task). Returns the number of emails."""
    now = now or timezone.now()
    due = OrderCycle.objects.filter(
        producers_notified_at__isnull=True, closes_at__lte=now, closes_at__gt=now - NOTIFY_LOOKBACK
    ).order_by("closes_at", "pk")
    return sum(cycle_producers_notify(cycle=cycle, now=now) for cycle in due)
