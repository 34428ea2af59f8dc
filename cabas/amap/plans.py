"""Payment plans: a subscription paid in 1 to 12 instalments to the producer, whose amounts always
sum exactly to what the subscription costs, and whose open instalments are split again when that
changes (an absence not charged, a variable basket, a cancelled distribution, the end of season).

Amounts: the total in cents divided by the count, the leftover cents going one each to the first
instalments — so two instalments never differ by more than one cent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.exceptions import PlanInvalid
from cabas.amap.models import Instalment, Subscription
from cabas.lib.money import round_money
from cabas.lib.rhythm import Rhythm, rhythm_dates
from cabas.orders.models import Order

MAX_INSTALMENTS = 12
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PAID = (Instalment.State.RECEIVED, Instalment.State.HANDED_OVER)


def instalment_amounts(total: Decimal, count: int) -> list[Decimal]:
    """`total` (≥ 0, in euros) split in `count` amounts to the cent that sum exactly to it, the
    first ones one cent more when it does not divide evenly."""
    if not 1 <= count <= MAX_INSTALMENTS:
        raise PlanInvalid(
            _("Choisissez entre 1 et %(max)s versements.") % {"max": MAX_INSTALMENTS}, field="instalments"
        )
    cents = int(round_money(total) / CENT)
    if cents < 0:
        raise PlanInvalid(_("Le montant à régler ne peut pas être négatif."))
    base, extra = divmod(cents, count)
    return [(base + (1 if i < extra else 0)) * CENT for i in range(count)]


def instalment_dates(first: datetime.date, count: int) -> list[datetime.date]:
    """The planned cashing dates: `first`, then the same day of each following month."""
    last = first + datetime.timedelta(days=31 * count + 31)
    return rhythm_dates(rhythm=Rhythm.MONTHLY, first=first, last=last)[:count]


def plan_create(
    *, subscription: Subscription, count: int, first_cash_on: datetime.date, method: str
) -> list[Instalment]:
    """The plan of `subscription`: `count` instalments of `method` summing to what it costs."""
    if count > subscription.contract.max_instalments:
        raise PlanInvalid(
            _("Ce contrat se règle en %(max)s versements au plus.")
            % {"max": subscription.contract.max_instalments},
            field="instalments",
        )
    if method not in Instalment.Method.values or (
        method == Instalment.Method.SEPA and not subscription.contract.sepa_offered
    ):
        raise PlanInvalid(_("Ce moyen de paiement n'est pas proposé pour ce contrat."), field="method")
    amounts = instalment_amounts(subscription_due(subscription), count)
    dates = instalment_dates(first_cash_on, count)
    return Instalment.objects.bulk_create(
        Instalment(subscription=subscription, number=i + 1, amount=a, cash_on=d, method=method)
        for i, (a, d) in enumerate(zip(amounts, dates, strict=True))
    )


def subscription_due(subscription: Subscription) -> Decimal:
    """What the subscription costs now: the totals of its baskets' orders that are not cancelled."""
    total = (
        Order.objects.filter(amap_basket__subscription=subscription)
        .exclude(status=Order.Status.CANCELLED)
        .aggregate(s=Sum("total"))["s"]
    )
    return round_money(total or ZERO)


def subscription_received(subscription: Subscription) -> Decimal:
    """What the AMAP has received (or handed over) of the subscription's instalments."""
    total = subscription.instalments.filter(state__in=PAID).aggregate(s=Sum("amount"))["s"]
    return round_money(total or ZERO)


def plan_rebalance(subscription: Subscription) -> list[Instalment]:
    """Split again what is left to pay over the instalments still « à fournir », so that the plan
    sums to what the subscription now costs. With none left and something still due, a
    « régularisation » instalment is added; an overpayment leaves the open ones at zero (the
    balance then shows what the producer owes back). Returns the plan."""
    with transaction.atomic():
        plan = list(
            Instalment.objects.select_for_update().filter(subscription=subscription).order_by("number")
        )
        due = subscription_due(subscription)
        fixed = sum((i.amount for i in plan if i.state in PAID), ZERO)
        open_ = [i for i in plan if i.state not in PAID]
        left = due - fixed
        if open_:
            amounts = instalment_amounts(max(left, ZERO), len(open_))
            for instalment, amount in zip(open_, amounts, strict=True):
                instalment.amount = amount
            Instalment.objects.bulk_update(open_, ["amount"])
        elif left > 0 and plan:
            last = plan[-1]
            plan.append(
                Instalment.objects.create(
                    subscription=subscription,
                    number=last.number + 1,
                    amount=left,
                    cash_on=max(last.cash_on, timezone.localdate()),
                    method=last.method,
                )
            )
    return plan
