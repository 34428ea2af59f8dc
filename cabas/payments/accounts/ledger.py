"""Customer accounts: an append-only ledger per customer (a customer is per seller, or per solidarity
fund). Every entry is written under a lock on the customer row, with the balance it leaves, so the
balance is always Σ entries and two concurrent debits cannot both spend the same euro.

There is no code path that changes or deletes an entry (the model and its queryset refuse it):
a mistake is corrected by a new `correction` entry.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cabas.lib import money
from cabas.orders.models import Customer
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry


class InsufficientBalance(PaymentError):
    """A debit would take the account below what is allowed."""

    def __init__(self, balance: Decimal, needed: Decimal, floor: Decimal):
        self.balance, self.needed, self.floor = balance, needed, floor
        super().__init__(
            _(
                "Solde insuffisant : votre compte est à %(balance)s, il faudrait %(needed)s "
                "(solde minimum %(floor)s). Approvisionnez votre compte ou choisissez un autre moyen "
                "de paiement."
            )
            % {
                "balance": money.format_eur(balance),
                "needed": money.format_eur(needed),
                "floor": money.format_eur(floor),
            }
        )


def account_balance(customer: Customer) -> Decimal:
    """The balance of `customer`'s account (Σ entries)."""
    total = AccountEntry.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    # Rounded: some databases (SQLite) sum decimals as floats.
    return money.round_money(total) if total is not None else money.ZERO


def with_balance(customers):
    """`customers` annotated, in the same query, with `balance` (what the last entry left; 0 without
    entries) and `has_account` (at least one entry)."""
    entries = AccountEntry.objects.filter(customer=OuterRef("pk"))
    field = DecimalField(max_digits=12, decimal_places=2)
    last = entries.order_by("-id").values("balance_after")[:1]
    return customers.annotate(
        balance=Coalesce(Subquery(last, output_field=field), Value(money.ZERO), output_field=field),
        has_account=Exists(entries),
    )


def account_statement(customer: Customer):
    """The entries of `customer`'s account, newest first, each with the balance it left (the
    running balance), the payment and order it concerns and who wrote it."""
    return (
        AccountEntry.objects.filter(customer=customer)
        .select_related("order", "payment", "created_by")
        .order_by("-id")
    )


@transaction.atomic
def account_post(
    *,
    customer: Customer,
    kind: str,
    amount,
    order=None,
    payment=None,
    spent_at=None,
    note: str = "",
    user=None,
    floor: Decimal | None = None,
) -> AccountEntry:
    """Append an entry of `amount` (positive: credit, negative: debit) to `customer`'s account.
    With `floor`, a debit that would leave the balance below it raises InsufficientBalance and
    writes nothing."""
    amount = money.round_money(Decimal(amount))
    if kind not in AccountEntry.Kind.values:
        raise PaymentError(_("Type d'écriture inconnu."))
    if amount == 0:
        raise PaymentError(_("Le montant ne peut pas être nul."))
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).get()
    entries = AccountEntry.objects.filter(customer=customer).order_by("-id")
    balance = entries.values_list("balance_after", flat=True).first()
    balance = balance if balance is not None else money.ZERO
    after = balance + amount
    if floor is not None and amount < 0 and after < floor:
        raise InsufficientBalance(balance, -amount, floor)
    return AccountEntry.objects.create(
        customer=customer,
        kind=kind,
        amount=amount,
        balance_after=after,
        order=order,
        payment=payment,
        spent_at=spent_at,
        note=(note or "")[:200],
        created_by=user,
    )
