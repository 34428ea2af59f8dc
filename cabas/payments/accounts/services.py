"""Customer accounts (prepaid credit) with a seller: the managers' list of accounts, top-ups received
(cash, cheque, transfer), corrections, paying an order from the balance, giving it back when the
order is cancelled or made smaller, and the reminder when the balance runs low.

Every movement is an entry of the append-only ledger (`cabas.payments.accounts.ledger`); money that really
changed hands (a top-up, an order paid by credit, its refund) is also a Payment, so the seller's
payment reports and the order's payment state see it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.lib import money
from cabas.orders.exceptions import OrderError
from cabas.orders.models import Customer, Order
from cabas.payments.accounts import ledger
from cabas.payments.bank_details import iban_display
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import order_owed
from cabas.payments.models import AccountEntry, Payment, PaymentMethod
from cabas.payments.records.services import order_paid
from cabas.payments.references import account_reference, display

CREDIT = PaymentMethod.Kind.CREDIT
# How a top-up can be received at the counter or on the bank account.
TOP_UP_KINDS = (PaymentMethod.Kind.CASH, PaymentMethod.Kind.CHEQUE, PaymentMethod.Kind.TRANSFER)


def top_up_kinds() -> list[tuple[str, str]]:
    """The ways a top-up is received, as form choices."""
    return [
        (PaymentMethod.Kind.CASH, _("Espèces")),
        (PaymentMethod.Kind.CHEQUE, _("Chèque")),
        (PaymentMethod.Kind.TRANSFER, _("Virement")),
    ]


MAX_AMOUNT = Decimal("100000")
SORTS = {
    "name": ("last_name", "first_name", "email"),
    "balance": ("balance", "last_name", "first_name", "email"),
    "-balance": ("-balance", "last_name", "first_name", "email"),
}


class AccountInputError(PaymentError):
    """Bad input for a top-up or a correction; `field` names the form field it is about."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class CreditNotAllowed(PaymentError):
    """Paying by credit is not possible for this buyer (not logged in, someone else's account)."""


# --- amounts ----------------------------------------------------------------------------------


def parse_amount(value, *, signed: bool = False) -> Decimal:
    """An amount typed by a person ("12,50", "-3"), rounded to the cent; PaymentError (French) if it
    is not a number, is zero, too large, or negative when `signed` is False."""
    try:
        amount = money.round_money(
            money.to_decimal(value if isinstance(value, Decimal) else str(value or ""))
        )
    except (ArithmeticError, ValueError):
        raise AccountInputError("amount", _("Montant invalide : indiquez un nombre, par exemple 12,50."))
    if amount == 0:
        raise AccountInputError("amount", _("Le montant ne peut pas être nul."))
    if amount < 0 and not signed:
        raise AccountInputError("amount", _("Le montant doit être positif."))
    if abs(amount) >= MAX_AMOUNT:
        raise AccountInputError("amount", _("Montant trop élevé."))
    return amount


# --- listing ----------------------------------------------------------------------------------


def accounts_for_list(enterprise, *, q: str = "", sort: str = "name", everyone: bool = False) -> QuerySet:
    """The customers of `enterprise` that have an account (at least one entry; all its customers
    with `everyone`), each with `balance`, in one query; filtered by words of their name, email or
    code and sorted by name or balance."""
    customers = ledger.with_balance(Customer.objects.filter(enterprise=enterprise))
    if not everyone:
        customers = customers.filter(has_account=True)
    for word in (q or "").split()[:6]:
        customers = customers.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(code__iexact=word)
        )
    return customers.order_by(*SORTS.get(sort, SORTS["name"]))


def accounts_total(enterprise) -> Decimal:
    """What `enterprise` holds for its customers: Σ of every entry of its customers' accounts."""
    total = AccountEntry.objects.filter(customer__enterprise=enterprise).aggregate(s=Sum("amount"))["s"]
    return money.round_money(total) if total is not None else money.ZERO  # SQLite sums as floats


def credit_method(enterprise) -> PaymentMethod | None:
    """The seller's active customer-credit payment method (its minimum and reminder threshold)."""
    return PaymentMethod.objects.filter(enterprise=enterprise, kind=CREDIT, active=True).first()


def transfer_details(enterprise) -> PaymentMethod | None:
    """The seller's active transfer method that has an IBAN (where customers send a top-up)."""
    methods = PaymentMethod.objects.filter(
        enterprise=enterprise, kind=PaymentMethod.Kind.TRANSFER, active=True
    )
    return methods.exclude(iban="").first()


def customer_reference(customer: Customer) -> str:
    """The transfer reference of `customer`'s account (ISO 11649), stored on the customer the first
    time it is asked for so that the bank statement import recognises it."""
    if not customer.payment_reference:
        customer.payment_reference = account_reference(customer.pk)
        Customer.objects.filter(pk=customer.pk, payment_reference="").update(
            payment_reference=customer.payment_reference
        )
    return customer.payment_reference


# --- the customer's side ----------------------------------------------------------------------


def accounts_of_user(user) -> QuerySet:
    """The accounts of `user` at each seller: the customers that are them (linked to their Cabas
    account, or with their email) at a seller that offers credit or where they have entries, with
    `balance`, in one query."""
    if not getattr(user, "is_authenticated", False):
        return Customer.objects.none()
    offers_credit = PaymentMethod.objects.filter(enterprise=OuterRef("enterprise"), kind=CREDIT, active=True)
    customers = Customer.objects.filter(Q(user=user) | Q(email__iexact=user.email))
    customers = ledger.with_balance(customers).annotate(offers_credit=Exists(offers_credit))
    return (
        customers.filter(Q(has_account=True) | Q(offers_credit=True))
        .select_related("enterprise")
        .order_by("enterprise__name", "pk")
    )


def account_of_user(user, uuid) -> Customer | None:
    """The account `uuid` if it is one of `user`'s, else None."""
    return accounts_of_user(user).filter(uuid=uuid).first()


# --- top-ups and corrections by a manager -----------------------------------------------------


def _check_customer(enterprise, customer: Customer) -> None:
    if customer.enterprise_id != enterprise.pk:
        raise PaymentError(_("Ce client n'est pas un client de ce vendeur."))


@transaction.atomic
def top_up_record(
    *,
    enterprise,
    customer: Customer,
    kind: str,
    amount,
    received_on=None,
    cheque_number: str = "",
    note: str = "",
    idempotency_key: str = "",
    user=None,
) -> AccountEntry:
    """Record a top-up received by `enterprise` for `customer`'s account: a succeeded Payment (with
    the customer and no order) and the `top_up` entry linked to it, in one transaction. The same
    `idempotency_key` again (a double submit) returns the entry written the first time."""
    _check_customer(enterprise, customer)
    if kind not in TOP_UP_KINDS:
        raise AccountInputError(
            "kind", _("Choisissez comment l'approvisionnement a été reçu : espèces, chèque ou virement.")
        )
    value = parse_amount(amount)
    if received_on is not None and received_on > timezone.localdate():
        raise AccountInputError("received_on", _("La date de réception ne peut pas être dans le futur."))
    key = (idempotency_key or "")[:80]
    if key:
        existing = Payment.objects.filter(seller=enterprise, idempotency_key=key).first()
        if existing is not None:
            entry = AccountEntry.objects.filter(payment=existing).first()
            if entry is None:
                raise PaymentError(_("Ce formulaire a déjà servi : rechargez la page."))
            return entry
    method = PaymentMethod.objects.filter(enterprise=enterprise, kind=kind).order_by("-active", "pk").first()
    note = (note or "").strip()[:200]
    payment = Payment.objects.create(
        seller=enterprise,
        customer=customer,
        method=method,
        kind=kind,
        amount=value,
        state=Payment.State.SUCCEEDED,
        received_on=received_on or timezone.localdate(),
        cheque_number=(cheque_number or "").strip()[:30] if kind == PaymentMethod.Kind.CHEQUE else "",
        note=note,
        reference=customer.payment_reference,
        idempotency_key=key,
        recorded_by=user,
    )
    return ledger.account_post(
        customer=customer,
        kind=AccountEntry.Kind.TOP_UP,
        amount=value,
        payment=payment,
        note=note or _("Approvisionnement (%(kind)s)") % {"kind": dict(top_up_kinds())[kind].lower()},
        user=user,
    )


@transaction.atomic
def correction_record(*, enterprise, customer: Customer, amount, note: str, user=None) -> AccountEntry:
    """Correct `customer`'s account by a new `correction` entry of `amount` (positive or negative),
    with the reason in `note`; an entry already written is never changed."""
    _check_customer(enterprise, customer)
    value = parse_amount(amount, signed=True)
    note = (note or "").strip()
    if not note:
        raise AccountInputError("note", _("Indiquez la raison de la correction."))
    entry = ledger.account_post(
        customer=customer, kind=AccountEntry.Kind.CORRECTION, amount=value, note=note[:200], user=user
    )
    if value < 0:
        _remind_if_low(customer, credit_method(enterprise), entry)
    return entry


# --- paying an order from the balance ---------------------------------------------------------


def _credit_customer(order: Order, user) -> Customer:
    """The account an order is paid from: the buyer's own, at the seller, and only for a buyer who
    is logged in with the email the order is placed with (nobody spends someone else's credit)."""
    if user is None or not user.is_authenticated:
        raise CreditNotAllowed(
            _("Pour payer avec votre compte client, connectez-vous : le compte est lié à votre identifiant.")
        )
    customer = order.customer
    if (
        customer is None
        or (customer.user_id not in (None, user.pk))
        or (order.email or "").lower() != (user.email or "").lower()
    ):
        raise CreditNotAllowed(
            _(
                "Pour payer avec votre compte client, commandez avec l'adresse e-mail de votre compte "
                "(%(email)s)."
            )
            % {"email": user.email}
        )
    return customer


def order_pay_by_credit(*, order: Order, method: PaymentMethod, user) -> str:
    """The checkout handler of the "credit" method, inside `order_place`'s transaction: debit the
    order's total from the buyer's account (not below the method's minimum balance, 0 by default)
    and record the succeeded payment. InsufficientBalance cancels the whole placing."""
    customer = _credit_customer(order, user)
    if order.total > 0:
        floor = method.min_balance if method.min_balance is not None else money.ZERO
        payment = Payment.objects.create(
            seller=order.seller,
            order=order,
            customer=customer,
            method=method,
            kind=CREDIT,
            amount=order.total,
            state=Payment.State.SUCCEEDED,
            recorded_by=user,
        )
        entry = ledger.account_post(
            customer=customer,
            kind=AccountEntry.Kind.ORDER,
            amount=-order.total,
            order=order,
            payment=payment,
            note=_("Commande %(number)s") % {"number": order.number},
            floor=floor,
            user=user,
        )
        _remind_if_low(customer, method, entry)
    return Order.Status.PLACED


def order_credit_settle(*, order: Order, user=None) -> AccountEntry | None:
    """Bring what an order paid by credit holds (its payments received, net of refunds) in line with
    what it owes: all of it back to the account when it is cancelled, the difference when it was
    edited (a larger order is debited again, not below the minimum balance). Called in the
    transaction that changes the order; orders paid otherwise are left alone. Raises OrderError
    (French) when the balance is too low."""
    if order.payment_method_id is None:
        return None
    method = PaymentMethod.objects.filter(pk=order.payment_method_id, kind=CREDIT).first()
    if method is None:
        return None
    entries = AccountEntry.objects.filter(order=order, customer__enterprise_id=order.seller_id)
    # What the order holds, whatever brought it or gave part of it back (a refund in cash is
    # not to be given back a second time to the account).
    difference = order_paid(order) - order_owed(order)  # > 0: give back; < 0: take more
    if difference == 0:
        return None
    customer = entries.values_list("customer", flat=True).first()
    customer = Customer.objects.get(pk=customer) if customer else order.customer
    paid = Payment.objects.filter(order=order, kind=CREDIT, state=Payment.State.SUCCEEDED, amount__gt=0)
    original = paid.order_by("pk").first()
    payment = Payment.objects.create(
        seller=order.seller,
        order=order,
        customer=customer,
        method=method,
        kind=CREDIT,
        amount=-difference,
        state=Payment.State.SUCCEEDED,
        refund_of=original if difference > 0 else None,
        recorded_by=user,
    )
    if difference > 0:
        note = (
            _("Commande %(number)s annulée")
            if order.status == Order.Status.CANCELLED
            else _("Commande %(number)s modifiée")
        ) % {"number": order.number}
        return ledger.account_post(
            customer=customer,
            kind=AccountEntry.Kind.REFUND,
            amount=difference,
            order=order,
            payment=payment,
            note=note,
            user=user,
        )
    floor = method.min_balance if method.min_balance is not None else money.ZERO
    try:
        entry = ledger.account_post(
            customer=customer,
            kind=AccountEntry.Kind.ORDER,
            amount=difference,
            order=order,
            payment=payment,
            note=_("Commande %(number)s modifiée") % {"number": order.number},
            floor=floor,
            user=user,
        )
    except ledger.InsufficientBalance as error:
        raise OrderError(error.message)
    _remind_if_low(customer, method, entry)
    return entry


# --- checkout: the balance next to the credit method ------------------------------------------


def checkout_credit(payment_methods, *, user, enterprise) -> None:
    """Mark the credit methods among `payment_methods` for the checkout page: `credit_balance` (the
    logged-in buyer's balance at `enterprise`) or `credit_login_required`. No query without a
    credit method."""
    credits = [m for m in payment_methods if m.kind == CREDIT]
    if not credits:
        return
    balance = None
    if getattr(user, "is_authenticated", False):
        customer = (
            ledger.with_balance(Customer.objects.filter(enterprise=enterprise, email__iexact=user.email))
            .only("pk")
            .first()
        )
        balance = customer.balance if customer is not None else money.ZERO
    for method in credits:
        method.credit_balance = balance
        method.credit_login_required = balance is None


# --- low balance reminder ---------------------------------------------------------------------


def _remind_if_low(customer: Customer, method: PaymentMethod | None, entry: AccountEntry) -> None:
    """Email `customer` (after commit) when `entry`, a debit, took the balance from at or above the
    seller's reminder threshold to below it: one reminder each time it goes down, none while it
    stays below."""
    if method is None or method.low_balance_threshold is None or entry.amount >= 0:
        return
    threshold = method.low_balance_threshold
    before = entry.balance_after - entry.amount
    if not (before >= threshold > entry.balance_after) or not customer.email:
        return
    enterprise = method.enterprise
    transfer = transfer_details(enterprise)
    language = getattr(customer.user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        amounts = {
            "balance": money.format_eur(entry.balance_after),
            "threshold": money.format_eur(threshold),
            "minimum": money.format_eur(method.min_balance) if method.min_balance is not None else "",
        }
    enqueue_templated_email(
        "emails/payments/low_balance",
        to=customer.email,
        language=language,
        context={
            "full_name": customer.full_name,
            "seller": enterprise.name,
            **amounts,
            "reference": display(customer_reference(customer)),
            "iban": iban_display(transfer.iban) if transfer else "",
            "bic": transfer.bic if transfer else "",
            "holder": (transfer.account_holder or enterprise.name) if transfer else "",
            "url": settings.SITE_URL + reverse("pay:account", args=[customer.uuid]),
        },
        reply_to=[enterprise.email] if getattr(enterprise, "email", "") else None,
        from_name=enterprise.name,
    )
