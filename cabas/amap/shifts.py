"""Volunteer shifts (« permanences ») of any enterprise: an AMAP's distributions, a hub's, a producer
store's opening hours. The managers create them one by one or for many distributions at once; the
enterprise's people (see `selectors_shifts.shift_people`) sign up and leave; a rule says how many
shifts each person is expected to take per season. Every refusal is a `ShiftError` in French and
changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.accounts.emails import enqueue_templated_email
from cabas.amap.exceptions import AmapError
from cabas.amap.models import Distribution, Shift, ShiftRule, ShiftSignup
from cabas.amap.selectors_shifts import may_sign_up

ROLE_MAX_LENGTH = 80
MAX_PEOPLE = 50
LEAVE_DAYS_BEFORE = 2  # a person leaves a shift until 2 days before it; a manager at any time
PER_MEMBER_MAX = 52


class ShiftError(AmapError):
    """A shift that cannot be created, changed or deleted, a signup or a leaving refused."""


@dataclass(frozen=True)
class RoleSpec:
    """A role to add to distributions: its name, people needed and times (None: the distribution's)."""

    name: str
    min_people: int = 1
    max_people: int = 2
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None


# --- checks -------------------------------------------------------------------------------------


def _role_name(role: str) -> str:
    role = " ".join((role or "").split())
    if not role:
        raise ShiftError(_("Indiquez le rôle, par exemple « Accueil »."), field="role")
    if len(role) > ROLE_MAX_LENGTH:
        raise ShiftError(_("Le rôle tient en 80 caractères au plus."), field="role")
    return role


def _check_people(min_people: int, max_people: int) -> None:
    if max_people is None or max_people < 1 or max_people > MAX_PEOPLE:
        raise ShiftError(_("Indiquez entre 1 et 50 personnes au plus."), field="max_people")
    if min_people is None or min_people < 0 or min_people > max_people:
        raise ShiftError(
            _("Le nombre minimum de personnes doit être compris entre 0 et le maximum."), field="min_people"
        )


def _check_times(starts_at: datetime.time, ends_at: datetime.time) -> None:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ShiftError(_("L'heure de fin doit suivre l'heure de début."), field="ends_at")


def _check_date(date: datetime.date, today: datetime.date) -> None:
    if date is None or date < today:
        raise ShiftError(_("Choisissez une date à venir."), field="date")


def _check_distribution(enterprise, distribution: Distribution | None) -> None:
    if distribution is None:
        return
    if distribution.amap_id != enterprise.pk or distribution.cancelled_at is not None:
        raise ShiftError(_("Choisissez une distribution de la structure, non annulée."), field="distribution")


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# --- shifts -------------------------------------------------------------------------------------


def shift_create(
    *,
    enterprise,
    role: str,
    date: datetime.date | None = None,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    min_people: int = 1,
    max_people: int = 2,
    distribution: Distribution | None = None,
    today: datetime.date | None = None,
) -> Shift:
    """A shift of `enterprise`; at a distribution, its date and (unless given) times are the
    distribution's."""
    _check_distribution(enterprise, distribution)
    if distribution is not None:
        date = distribution.date
        starts_at, ends_at = starts_at or distribution.starts_at, ends_at or distribution.ends_at
    role = _role_name(role)
    _check_date(date, _today(today))
    _check_times(starts_at, ends_at)
    _check_people(min_people, max_people)
    return Shift.objects.create(
        enterprise=enterprise,
        distribution=distribution,
        role=role,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        min_people=min_people,
        max_people=max_people,
    )


def shifts_for_distributions(
    *, enterprise, distributions, roles, today: datetime.date | None = None
) -> tuple[list[Shift], int]:
    """Add each role of `roles` — `RoleSpec`s or tuples (name, min, max, start, end), start and end
    None for the distribution's own times — to each of `distributions` (an AMAP adds « Accueil, 2 à
    3 personnes » to a whole season in one go). A role a distribution already has (same name) is
    skipped, so running it twice adds nothing. Returns (the shifts created, how many were skipped)."""
    specs = [r if isinstance(r, RoleSpec) else RoleSpec(*r) for r in roles]
    if not specs:
        raise ShiftError(_("Indiquez au moins un rôle."), field="role")
    specs = [RoleSpec(_role_name(s.name), s.min_people, s.max_people, s.starts_at, s.ends_at) for s in specs]
    for spec in specs:
        _check_people(spec.min_people, spec.max_people)
        if spec.starts_at is not None or spec.ends_at is not None:
            _check_times(spec.starts_at, spec.ends_at)
    distributions = list(distributions)
    if not distributions:
        raise ShiftError(_("Choisissez au moins une distribution."), field="distributions")
    today = _today(today)
    for distribution in distributions:
        _check_distribution(enterprise, distribution)
        _check_date(distribution.date, today)
    with transaction.atomic():
        existing = set(
            Shift.objects.filter(distribution__in=distributions).values_list("distribution_id", "role")
        )
        taken = {(pk, role.casefold()) for pk, role in existing}
        new = [
            Shift(
                enterprise=enterprise,
                distribution=d,
                role=spec.name,
                date=d.date,
                starts_at=spec.starts_at or d.starts_at,
                ends_at=spec.ends_at or d.ends_at,
                min_people=spec.min_people,
                max_people=spec.max_people,
            )
            for d in distributions
            for spec in specs
            if (d.pk, spec.name.casefold()) not in taken
        ]
        created = Shift.objects.bulk_create(new)
    return created, len(distributions) * len(specs) - len(created)


def _when(shift: Shift) -> str:
    return _("%(date)s de %(start)s à %(end)s") % {
        "date": formats.date_format(shift.date, "l j F Y"),
        "start": formats.time_format(shift.starts_at, "TIME_FORMAT"),
        "end": formats.time_format(shift.ends_at, "TIME_FORMAT"),
    }


def shifts_url(enterprise) -> str:
    """The member page of `enterprise`'s shifts, as a full address (for emails)."""
    return settings.SITE_URL + reverse("amap_member:shifts", args=[enterprise.slug])


def _tell_signed_up(shift: Shift, *, template: str, context: dict) -> None:
    for user in [s.user for s in shift.signups.select_related("user")]:
        enqueue_templated_email(
            template,
            to=user.email,
            context={"full_name": user.full_name, "enterprise": shift.enterprise.name, **context},
            from_name=shift.enterprise.name,
        )


def shift_update(
    *,
    shift: Shift,
    role: str,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    min_people: int,
    max_people: int,
    today: datetime.date | None = None,
) -> Shift:
    """Change a shift. Its maximum cannot fall below the people already signed up; when its day or
    times change, they are told by email."""
    role = _role_name(role)
    _check_times(starts_at, ends_at)
    _check_people(min_people, max_people)
    if date != shift.date:
        _check_date(date, _today(today))
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("enterprise").get(pk=shift.pk)
        taken = shift.signups.count()
        if max_people < taken:
            raise ShiftError(
                ngettext(
                    "%(count)d personne est inscrite : le maximum ne peut être inférieur.",
                    "%(count)d personnes sont inscrites : le maximum ne peut être inférieur.",
                    taken,
                )
                % {"count": taken},
                field="max_people",
            )
        before = _when(shift)
        moved = (date, starts_at, ends_at) != (shift.date, shift.starts_at, shift.ends_at)
        shift.role, shift.date, shift.starts_at, shift.ends_at = role, date, starts_at, ends_at
        shift.min_people, shift.max_people = min_people, max_people
        if moved:
            shift.reminded_at = shift.vacancy_alerted_at = None
        shift.save()
        if moved:
            _tell_signed_up(
                shift,
                template="emails/amap/shift_moved",
                context={
                    "role": shift.role,
                    "before": before,
                    "when": _when(shift),
                    "url": shifts_url(shift.enterprise),
                },
            )
    return shift


def shift_delete(*, shift: Shift, force: bool = False, notice: str = "") -> int:
    """Delete a shift. With people signed up it is refused unless `force`: then each of them is told
    by email (with `notice`, the managers' word). Returns how many people were signed up."""
    notice = " ".join((notice or "").split())[:500]
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("enterprise").get(pk=shift.pk)
        taken = shift.signups.count()
        if taken and not force:
            raise ShiftError(
                ngettext(
                    "%(count)d personne est inscrite à cette permanence : confirmez la suppression, "
                    "elle sera prévenue par e-mail.",
                    "%(count)d personnes sont inscrites à cette permanence : confirmez la suppression, "
                    "elles seront prévenues par e-mail.",
                    taken,
                )
                % {"count": taken},
                field="force",
            )
        if taken:
            _tell_signed_up(
                shift,
                template="emails/amap/shift_cancelled",
                context={
                    "role": shift.role,
                    "when": _when(shift),
                    "notice": notice,
                    "url": shifts_url(shift.enterprise),
                },
            )
        shift.delete()
    return taken


# --- signing up -----------------------------------------------------------------------------------


def _started(shift: Shift, today: datetime.date, now: datetime.datetime | None) -> bool:
    if shift.date != today:
        return shift.date < today
    now = timezone.localtime(now) if now is not None else timezone.localtime()
    return shift.starts_at <= now.time()


def shift_signup(
    *, shift: Shift, user, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> ShiftSignup:
    """Sign `user` up for `shift`: they must be one of the enterprise's people, the shift must be to
    come and have a place left, and they must not be signed up already."""
    today = _today(today)
    if _started(shift, today, now):
        raise ShiftError(_("Cette permanence est passée : on ne peut plus s'y inscrire."))
    if not may_sign_up(shift.enterprise, user):
        raise ShiftError(
            _("Les permanences de %(name)s sont réservées à son équipe et à ses adhérents.")
            % {"name": shift.enterprise.name}
        )
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        people = set(locked.signups.values_list("user_id", flat=True))
        if user.pk in people:
            raise ShiftError(_("Vous êtes déjà inscrit·e à cette permanence."))
        if len(people) >= locked.max_people:
            raise ShiftError(_("Cette permanence est complète : choisissez-en une autre."))
        try:
            with transaction.atomic():
                return ShiftSignup.objects.create(shift=locked, user=user)
        except IntegrityError:
            raise ShiftError(_("Vous êtes déjà inscrit·e à cette permanence.")) from None


def shift_leave(*, shift: Shift, user, by_manager: bool = False, today: datetime.date | None = None) -> None:
    """Take `user` off `shift`: themselves until 2 days before it, a manager at any time."""
    signup = ShiftSignup.objects.filter(shift=shift, user=user).first()
    if signup is None:
        raise ShiftError(_("Cette personne n'est pas inscrite à cette permanence."))
    if not by_manager:
        today = _today(today)
        if shift.date < today:
            raise ShiftError(_("Cette permanence est passée."))
        if (shift.date - today).days < LEAVE_DAYS_BEFORE:
            raise ShiftError(
                _(
                    "Il est trop tard pour vous désinscrire en ligne (au plus tard %(days)d jours avant) : "
                    "prévenez l'équipe de %(name)s pour être remplacé·e."
                )
                % {"days": LEAVE_DAYS_BEFORE, "name": shift.enterprise.name}
            )
    signup.delete()


# --- the rule -------------------------------------------------------------------------------------


def shift_rule_set(*, enterprise, per_member: int, season_start: datetime.date) -> ShiftRule:
    """How many shifts each person is expected to take per season, counted from `season_start`."""
    if per_member is None or per_member < 0 or per_member > PER_MEMBER_MAX:
        raise ShiftError(_("Indiquez un nombre de permanences entre 0 et 52."), field="per_member")
    if season_start is None:
        raise ShiftError(_("Indiquez la date de début de la saison."), field="season_start")
    rule, _created = ShiftRule.objects.update_or_create(
        enterprise=enterprise, defaults={"per_member": per_member, "season_start": season_start}
    )
    return rule
