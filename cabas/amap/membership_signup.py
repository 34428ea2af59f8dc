"""A person joins an AMAP (« adhésion ») from its public page: the AMAP's customer record of them
(created if missing, the way orders record a buyer) and a membership for the year at the amount
they choose, at least the AMAP's minimum. It stays unpaid until the treasurer records the payment."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.exceptions import AmapError
from cabas.amap.models import AmapSettings, Distribution, Membership
from cabas.lib.money import format_eur, round_money
from cabas.orders.models import Customer
from cabas.orders.standing import standing_customer

SIGNUP_METHODS = (Membership.Method.CHEQUE, Membership.Method.TRANSFER)
MAX_AMOUNT = Decimal("10000.00")


def amap_settings(amap) -> AmapSettings:
    """The AMAP's settings (unsaved defaults when it has none yet)."""
    return AmapSettings.objects.filter(amap=amap).first() or AmapSettings(amap=amap)


def membership_year(amap, today: datetime.date | None = None) -> int:
    """The year a membership taken now is for: the year of the AMAP's next distribution (this
    year's when none is planned)."""
    today = today or timezone.localdate()
    upcoming = (
        Distribution.objects.filter(amap=amap, cancelled_at=None, date__gte=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return (upcoming or today).year


def member_customer_ensure(*, amap, user) -> Customer:
    """The AMAP's customer record of `user`, created from the account's details when missing."""
    return standing_customer(
        seller=amap, email=user.email, full_name=user.full_name, phone=user.phone, user=user
    )


def membership_signup(*, amap, user, amount, method: str, year: int | None = None) -> Membership:
    """Record `user`'s membership of `amap` for `year` (the coming season's by default), unpaid."""
    settings = amap_settings(amap)
    try:
        amount = round_money(Decimal(amount))
    except (InvalidOperation, TypeError, ValueError):
        raise AmapError(_("Indiquez un montant en euros."), field="amount") from None
    if not amount.is_finite() or amount < settings.membership_minimum or amount > MAX_AMOUNT:
        raise AmapError(
            _("L'adhésion est d'au moins %(min)s.") % {"min": format_eur(settings.membership_minimum)},
            field="amount",
        )
    if method not in SIGNUP_METHODS:
        raise AmapError(_("Choisissez le chèque ou le virement."), field="method")
    year = year or membership_year(amap)
    with transaction.atomic():
        customer = member_customer_ensure(amap=amap, user=user)
        if Membership.objects.filter(amap=amap, customer=customer, year=year).exists():
            raise AmapError(_("Vous avez déjà adhéré pour %(year)s.") % {"year": year})
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    amap=amap, customer=customer, year=year, amount=amount, method=method
                )
        except IntegrityError:
            raise AmapError(_("Vous avez déjà adhéré pour %(year)s.") % {"year": year}) from None
