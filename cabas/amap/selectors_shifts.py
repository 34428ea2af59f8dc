"""Reads of volunteer shifts (« permanences »), in any enterprise: who may sign up, the shifts a
person took, the planning of the back office, the member page's list and who has not done their share.

Every function runs a fixed number of queries, whatever the number of shifts or people.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from cabas.amap.models import Distribution, Shift, ShiftRule, ShiftSignup
from cabas.enterprises.models import ModelPreset, Role
from cabas.orders.models import Customer

# The enterprises whose customers (with an account) take shifts too, as their members do: an AMAP's
# members run its distributions, so do a hub's or a buying group's volunteers. Elsewhere (a producer
# store whose farms staff the shop in turn) only the team does.
CUSTOMERS_TAKE_SHIFTS = {ModelPreset.AMAP, ModelPreset.HUB, ModelPreset.BUYING_GROUP}


def customers_take_shifts(enterprise) -> bool:
    return enterprise.model in CUSTOMERS_TAKE_SHIFTS


def shift_people(enterprise) -> QuerySet:
    """The active accounts that may sign up for `enterprise`'s shifts: its team (any role) and, for
    an AMAP or a hub, its customers with an account. Each person once (no join: safe to annotate)."""
    linked = Q(pk__in=Role.objects.filter(enterprise=enterprise).values("user_id"))
    if customers_take_shifts(enterprise):
        customers = Customer.objects.filter(enterprise=enterprise, user__isnull=False).values("user_id")
        linked |= Q(pk__in=customers)
    return get_user_model().objects.filter(linked, is_active=True)


def may_sign_up(enterprise, user) -> bool:
    """Whether `user` may sign up for `enterprise`'s shifts (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return shift_people(enterprise).filter(pk=user.pk).exists()


def shifts_of_user(user, *, upcoming: bool = True, today: datetime.date | None = None) -> QuerySet:
    """The shifts `user` signed up for, in every enterprise, by date (upcoming: from today on), with
    their enterprise and distribution's place (for the member portal and the iCal feed)."""
    shifts = Shift.objects.filter(signups__user=user).select_related("enterprise", "distribution__place")
    if upcoming:
        return shifts.filter(date__gte=today or timezone.localdate()).order_by("date", "starts_at", "role")
    return shifts.order_by("-date", "-starts_at", "role")


def _with_counts(shifts: QuerySet) -> QuerySet:
    """`taken` (people signed up), `left` (places left) and `missing` (people short of the minimum;
    zero or less: enough)."""
    shifts = shifts.annotate(taken=Count("signups", distinct=True))
    return shifts.annotate(
        left=ExpressionWrapper(F("max_people") - F("taken"), output_field=IntegerField()),
        missing=ExpressionWrapper(F("min_people") - F("taken"), output_field=IntegerField()),
    )


def planning(enterprise, *, past: bool = False, today: datetime.date | None = None) -> QuerySet:
    """The back office's shifts: upcoming ones by date (or past ones, latest first), with the number
    signed up (`taken`, `left`, `missing`), the people (`signups` prefetched with their user) and the
    distribution."""
    today = today or timezone.localdate()
    shifts = Shift.objects.filter(enterprise=enterprise).select_related("distribution__place")
    shifts = _with_counts(shifts).prefetch_related(
        Prefetch("signups", queryset=ShiftSignup.objects.select_related("user").order_by("created_at"))
    )
    if past:
        return shifts.filter(date__lt=today).order_by("-date", "-starts_at", "role")
    return shifts.filter(date__gte=today).order_by("date", "starts_at", "role")


def member_shifts(enterprise, user=None, *, today: datetime.date | None = None) -> QuerySet:
    """The member page's upcoming shifts with `taken`, `left`, `missing` and, for a logged-in person,
    `mine` (whether they signed up)."""
    today = today or timezone.localdate()
    shifts = _with_counts(Shift.objects.filter(enterprise=enterprise, date__gte=today))
    if user is not None and user.is_authenticated:
        mine = ShiftSignup.objects.filter(shift=OuterRef("pk"), user=user)
        shifts = shifts.annotate(mine=Exists(mine))
    return shifts.select_related("distribution__place").order_by("date", "starts_at", "role")


def shift_of(enterprise, uuid) -> Shift | None:
    return Shift.objects.filter(enterprise=enterprise, uuid=uuid).first()


def upcoming_distributions(enterprise, *, today: datetime.date | None = None) -> QuerySet:
    """The AMAP's distributions still to come, not cancelled (to add shifts to), with their place."""
    today = today or timezone.localdate()
    return Distribution.objects.filter(amap=enterprise, cancelled_at=None, date__gte=today).select_related(
        "place"
    )


def shift_rule_of(enterprise) -> ShiftRule | None:
    return ShiftRule.objects.filter(enterprise=enterprise).first()


@dataclass(frozen=True)
class ShareRow:
    """A person who took fewer shifts than expected since the season started."""

    name: str
    email: str
    done: int
    expected: int

    @property
    def missing(self) -> int:
        return self.expected - self.done


def share_missing(enterprise, rule: ShiftRule | None = None) -> list[ShareRow]:
    """The people of `enterprise` with fewer signups than its rule's `per_member` on its shifts
    dated from `season_start` on (upcoming ones included: a signup is a commitment), fewest first.
    Empty without a rule. Two queries at most (the rule, then the people with their counts)."""
    rule = rule or shift_rule_of(enterprise)
    if rule is None or rule.per_member == 0:
        return []
    counted = Q(
        shift_signups__shift__enterprise=enterprise, shift_signups__shift__date__gte=rule.season_start
    )
    people = (
        shift_people(enterprise)
        .annotate(done=Count("shift_signups", filter=counted))
        .filter(done__lt=rule.per_member)
        .order_by("done", "full_name", "email")
        .values_list("full_name", "email", "done")
    )
    return [
        ShareRow(name=name or email, email=email, done=done, expected=rule.per_member)
        for name, email, done in people
    ]
