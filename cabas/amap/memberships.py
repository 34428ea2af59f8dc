"""Memberships (adhésions): the AMAP's rules (required or not, minimum and suggested amounts, to
whom the cheque is made out) and each member's membership of a year, recorded paid or not, then
marked paid. The reads are in `cabas.amap.selectors_payments`."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.exceptions import AmapError
from cabas.amap.models import AmapSettings, Membership
from cabas.lib.money import ZERO, format_eur, round_money

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("10000.00")


class MembershipRefused(AmapError):
    """A membership or a setting that cannot be recorded (French message)."""


def amap_settings_save(
    *, amap, required: bool, minimum: Decimal, suggested: Decimal, payee: str = ""
) -> AmapSettings:
    """Save `amap`'s membership rules: a minimum ≥ 0 and a suggested amount not below it."""
    if minimum is None or minimum < 0:
        raise MembershipRefused(
            _("L'adhésion minimale ne peut pas être négative."), field="membership_minimum"
        )
    if suggested is None or suggested < minimum:
        raise MembershipRefused(
            _("L'adhésion suggérée ne peut pas être inférieure à l'adhésion minimale."),
            field="membership_suggested",
        )
    settings, _created = AmapSettings.objects.update_or_create(
        amap=amap,
        defaults={
            "membership_required": required,
            "membership_minimum": round_money(minimum),
            "membership_suggested": round_money(suggested),
            "membership_payee": (payee or "").strip(),
        },
    )
    return settings


def _minimum(amap) -> Decimal:
    settings = AmapSettings.objects.filter(amap=amap).first()
    return settings.membership_minimum if settings is not None else ZERO


def membership_record(
    *, amap, customer, year: int, amount: Decimal, method: str = "", paid: bool = False
) -> Membership:
    """Record `customer`'s membership of `amap` for `year`: `amount` at least the AMAP's minimum,
    paid (by `method`) or still to be paid. One membership per member and year."""
    if customer.enterprise_id != amap.pk:
        raise MembershipRefused(_("Choisissez un adhérent de l'AMAP."), field="customer")
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise MembershipRefused(_("Année invalide."), field="year")
    if amount is None:
        raise MembershipRefused(_("Indiquez le montant de l'adhésion."), field="amount")
    amount = round_money(amount)
    minimum = _minimum(amap)
    if amount < minimum or amount < 0:
        raise MembershipRefused(
            _("L'adhésion est de %(minimum)s au moins.") % {"minimum": format_eur(minimum)}, field="amount"
        )
    if amount > MAX_AMOUNT:
        raise MembershipRefused(_("Ce montant paraît trop élevé : vérifiez-le."), field="amount")
    if method and method not in Membership.Method.values:
        raise MembershipRefused(_("Choisissez un moyen de règlement de la liste."), field="method")
    if paid and not method:
        raise MembershipRefused(_("Indiquez comment l'adhésion a été réglée."), field="method")
    if Membership.objects.filter(amap=amap, customer=customer, year=year).exists():
        raise MembershipRefused(
            _("%(member)s a déjà une adhésion pour %(year)s.") % {"member": customer, "year": year},
            field="customer",
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                amap=amap,
                customer=customer,
                year=year,
                amount=amount,
                method=method,
                paid_at=timezone.now() if paid else None,
            )
    except IntegrityError:  # recorded at the same moment from another page
        raise MembershipRefused(
            _("%(member)s a déjà une adhésion pour %(year)s.") % {"member": customer, "year": year},
            field="customer",
        )


def membership_mark_paid(*, membership: Membership, method: str = "") -> Membership:
    """The membership is paid now (by `method`, or the one it was recorded with)."""
    method = method or membership.method
    if method not in Membership.Method.values:
        raise MembershipRefused(_("Indiquez comment l'adhésion a été réglée."), field="method")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.paid_at is not None:
            raise MembershipRefused(_("Cette adhésion est déjà réglée."))
        locked.paid_at, locked.method = timezone.now(), method
        locked.save(update_fields=["paid_at", "method"])
    return locked
