"""Solidarity allowances: a fund credits its members each month; a member spends the allowance at
the sellers the fund approved, by choosing the seller's "allocation solidaire" payment method.

- `allowances_grant(month=...)`: the monthly job. For each active fund, an `AllowanceGrant`
  (unique per fund and month) is claimed in the same transaction as the credits: a second run, or a
  run on another machine, credits nobody twice.
- `order_pay_by_allowance(...)`: the checkout handler of the "allowance" kind, called inside
  `order_place`'s transaction. It debits the buyer's account with the fund (never below zero) and
  records a succeeded payment of the order: the seller is owed that amount by the fund.
- `allowance_refund(...)`: gives an allowance spent on an order back to the member's account
  (a new entry, and a negative payment).

A member's account is the append-only ledger (`payments.accounts.ledger`) of the fund's `Customer` row of
that person. Spending needs a logged-in buyer: the account is the fund's customer row with the
email address of the buyer's user account (linked to that user, or to no user yet), never found by
an email typed at checkout, which anybody could type.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cabas.enterprises.models import Enterprise
from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.orders.visibility import tag_normalize
from cabas.payments.accounts import ledger
from cabas.payments.models import AccountEntry, Payment, PaymentMethod
from cabas.solidarity.exceptions import AllowanceRefused, SolidarityError
from cabas.solidarity.models import AllowanceGrant, SolidarityFund

MAX_MONTHLY = Decimal("10000")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


# --- the fund's settings ---------------------------------------------------------------------


def fund_for(enterprise: Enterprise) -> SolidarityFund | None:
    return SolidarityFund.objects.filter(enterprise=enterprise).first()


def sellers_accepting_allowances() -> QuerySet:
    """The enterprises that offer an active "allocation solidaire" payment method."""
    accepting = PaymentMethod.objects.filter(kind=PaymentMethod.Kind.ALLOWANCE, active=True)
    return Enterprise.objects.filter(pk__in=accepting.values("enterprise_id")).order_by("name", "pk")


@transaction.atomic
def fund_save(
    *,
    enterprise: Enterprise,
    name: str,
    monthly_amount,
    member_tag: str,
    approved_sellers,
    active: bool = True,
) -> SolidarityFund:
    """Create or change the fund of `enterprise`. Raises SolidarityError (nothing saved) on bad input."""
    name = (name or "").strip()[:120]
    if not name:
        raise SolidarityError(_("Indiquez le nom de la caisse."))
    try:
        amount = money.round_money(monthly_amount)
    except (ValueError, ArithmeticError):
        raise SolidarityError(_("Allocation mensuelle invalide : indiquez un montant, par exemple 50,00."))
    if amount <= 0 or amount > MAX_MONTHLY:
        raise SolidarityError(_("L'allocation mensuelle doit être comprise entre 0,01 € et 10 000 €."))
    tag = tag_normalize(member_tag or "")
    if not tag:
        raise SolidarityError(
            _("Indiquez l'étiquette des clients bénéficiaires, par exemple « allocataire ».")
        )
    fund = fund_for(enterprise) or SolidarityFund(enterprise=enterprise)
    fund.name, fund.monthly_amount, fund.member_tag, fund.active = name, amount, tag, bool(active)
    fund.save()
    fund.approved_sellers.set(list(approved_sellers))
    return fund


# --- members and their balances ---------------------------------------------------------------


def fund_members(fund: SolidarityFund) -> QuerySet:
    """The fund's customers who get the allowance (tags are stored normalised, as JSON text)."""
    return Customer.objects.filter(enterprise_id=fund.enterprise_id, tags__icontains=f'"{fund.member_tag}"')


def fund_accounts(fund: SolidarityFund) -> QuerySet:
    """Members and anyone else with an allowance account at the fund, each with `balance`,
    `granted` and `spent` (one query)."""
    has_entries = Exists(AccountEntry.objects.filter(customer=OuterRef("pk")))
    entries = "account_entries"
    return (
        Customer.objects.filter(enterprise_id=fund.enterprise_id)
        .filter(Q(tags__icontains=f'"{fund.member_tag}"') | Q(has_entries))
        .annotate(
            balance=Coalesce(Sum(f"{entries}__amount"), money.ZERO, output_field=MONEY_FIELD),
            granted=Coalesce(
                Sum(f"{entries}__amount", filter=Q(**{f"{entries}__kind": AccountEntry.Kind.ALLOWANCE})),
                money.ZERO,
                output_field=MONEY_FIELD,
            ),
            spent=Coalesce(
                -Sum(f"{entries}__amount", filter=Q(**{f"{entries}__spent_at__isnull": False})),
                money.ZERO,
                output_field=MONEY_FIELD,
            ),
        )
        .order_by("last_name", "first_name", "email", "pk")
    )


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_label(month: datetime.date) -> str:
    """'mars 2025'."""
    return formats.date_format(month, "F Y").lower()


# --- the monthly job ------------------------------------------------------------------------


@dataclass
class GrantResult:
    fund: SolidarityFund
    grant: AllowanceGrant | None  # None: this month was granted already

    @property
    def created(self) -> bool:
        return self.grant is not None


def fund_grant(*, fund: SolidarityFund, month: datetime.date) -> AllowanceGrant | None:
    """Credit `fund`'s monthly allowance to each member for `month`, once: returns the grant, or
    None when this month was granted already (nothing written then)."""
    month = month_start(month)
    try:
        with transaction.atomic():
            grant = AllowanceGrant.objects.create(fund=fund, month=month, amount=fund.monthly_amount)
            note = _("Allocation solidaire de %(month)s") % {"month": month_label(month)}
            members = list(fund_members(fund).order_by("pk"))
            for member in members:
                ledger.account_post(
                    customer=member, kind=AccountEntry.Kind.ALLOWANCE, amount=grant.amount, note=note
                )
            grant.members = len(members)
            grant.total = grant.amount * len(members)
            grant.save(update_fields=["members", "total"])
    except IntegrityError:
        if AllowanceGrant.objects.filter(fund=fund, month=month).exists():
            return None
        raise
    return grant


def allowances_grant(*, month: datetime.date | None = None) -> list[GrantResult]:
    """Grant the allowances of every active fund for `month` (default: this month). Idempotent."""
    month = month_start(month or timezone.localdate())
    results = []
    for fund in SolidarityFund.objects.filter(active=True).select_related("enterprise").order_by("pk"):
        results.append(GrantResult(fund=fund, grant=fund_grant(fund=fund, month=month)))
    return results


# --- spending at checkout -------------------------------------------------------------------


def _accounts_of(user) -> list[Customer]:
    """The allowance accounts of `user` at every active fund: the funds' customer rows with the
    email address of the user's account, linked to that account or to none. (A row linked to the
    user under another email could have been linked by typing someone's address at a checkout.)"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.email:
        return []
    funds = SolidarityFund.objects.filter(active=True).values("enterprise_id")
    return list(
        Customer.objects.filter(enterprise_id__in=funds, email__iexact=user.email)
        .filter(Q(user=user) | Q(user__isnull=True))
        .select_related("enterprise__solidarity_fund")
        .order_by(F("user_id").desc(nulls_last=True), "pk")
    )


def order_pay_by_allowance(*, order: Order, method: PaymentMethod, user) -> str:
    """Pay `order` (numbered and priced, not saved yet, inside `order_place`'s transaction) with
    the buyer's solidarity allowance: debit the account at a fund approving the seller (floor 0)
    and record a succeeded payment. Raises AllowanceRefused (French message): the order is not
    placed then."""
    if user is None or not user.is_authenticated:
        raise AllowanceRefused(_("Connectez-vous pour payer avec votre allocation solidaire."))
    accounts = _accounts_of(user)
    if not accounts:
        message = _("Aucune caisse de solidarité ne vous verse d'allocation.")
        raise AllowanceRefused(message + " " + _("Choisissez un autre moyen de paiement."))
    fund_ids = [a.enterprise.solidarity_fund.pk for a in accounts]
    approving = set(
        SolidarityFund.approved_sellers.through.objects.filter(
            solidarityfund_id__in=fund_ids, enterprise_id=order.seller_id
        ).values_list("solidarityfund_id", flat=True)
    )
    usable = [a for a in accounts if a.enterprise.solidarity_fund.pk in approving]
    if not usable:
        names = ", ".join(sorted({a.enterprise.solidarity_fund.name for a in accounts}))
        raise AllowanceRefused(
            _(
                "Votre allocation solidaire (%(funds)s) n'est pas acceptée chez %(seller)s : cette caisse "
                "n'a pas agréé ce vendeur. Choisissez un autre moyen de paiement."
            )
            % {"funds": names, "seller": order.seller.name}
        )
    total = money.round_money(order.total)
    # With accounts at several funds, the one that can pay; else the richest refuses with its balance.
    balances = {a.pk: ledger.account_balance(a) for a in usable}
    account = max(usable, key=lambda a: (balances[a.pk] >= total, balances[a.pk]))
    fund = account.enterprise.solidarity_fund
    note = _("Allocation solidaire — %(fund)s") % {"fund": fund.name}
    payment = None
    if total > 0:
        payment = Payment.objects.create(
            seller=order.seller,
            order=order,
            customer=order.customer,
            method=method,
            kind=PaymentMethod.Kind.ALLOWANCE,
            amount=total,
            state=Payment.State.SUCCEEDED,
            note=note[:200],
            reference=f"allowance:{fund.uuid}",
            recorded_by=user,
        )
        try:
            ledger.account_post(
                customer=account,
                kind=AccountEntry.Kind.ORDER,
                amount=-total,
                order=order,
                payment=payment,
                spent_at=order.seller,
                note=_("Commande %(number)s chez %(seller)s")
                % {"number": order.number, "seller": order.seller.name},
                user=user,
                floor=money.ZERO,
            )
        except ledger.InsufficientBalance as refused:
            raise AllowanceRefused(refused.message) from refused
    return Order.Status.PLACED


@transaction.atomic
def allowance_refund(*, order: Order, user=None, note: str = "") -> AccountEntry:
    """Give back to the member's account what `order` took from the allowance (e.g. the order was
    cancelled): a refund entry and a negative payment. Raises SolidarityError when there is nothing
    left to give back."""
    Order.objects.select_for_update().filter(pk=order.pk).values_list("pk", flat=True).get()
    debits = AccountEntry.objects.filter(order=order, spent_at=order.seller_id).select_related("customer")
    spent = -(debits.aggregate(s=Sum("amount"))["s"] or money.ZERO)
    first = debits.filter(kind=AccountEntry.Kind.ORDER).first()
    if first is None or spent <= 0:
        raise SolidarityError(_("Cette commande n'a pas été payée par une allocation solidaire."))
    payment = Payment.objects.create(
        seller=order.seller,
        order=order,
        customer=order.customer,
        method=order.payment_method,
        kind=PaymentMethod.Kind.ALLOWANCE,
        amount=-spent,
        state=Payment.State.SUCCEEDED,
        note=(note or _("Allocation rendue au bénéficiaire"))[:200],
        refund_of=first.payment,
        recorded_by=user,
    )
    return ledger.account_post(
        customer=first.customer,
        kind=AccountEntry.Kind.REFUND,
        amount=spent,
        order=order,
        payment=payment,
        spent_at=order.seller,
        note=_("Commande %(number)s : allocation rendue") % {"number": order.number},
        user=user,
    )
