"""Payment methods of a seller: create, edit, withdraw.

Each kind keeps what the customer (or the bank) needs: the payee of cheques; the account holder,
IBAN and BIC of a bank transfer (checked with schwifty, stored compact); the same plus the SEPA
creditor identifier (ICS) for direct debits; how long stock stays reserved while a card payment is
made; the minimum balance and reminder threshold of a customer account. Any method may carry one
of the seller's fees, charged as a fee line on the orders paid with it.

A method is never deleted (orders refer to it): it is withdrawn, and can be offered again.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.cycles.models import Fee
from cabas.enterprises.models import Enterprise
from cabas.lib import money
from cabas.payments import bank_details
from cabas.payments.card.connect import card_configured, card_ready
from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.models import PaymentMethod
from cabas.payments.sepa import files as sepa_files

Kind = PaymentMethod.Kind

COMMON_FIELDS = ("kind", "name", "instructions", "position", "fee")
# The fields each kind uses, and which of them it requires; the others are cleared.
KIND_FIELDS = {
    Kind.CASH: (),
    Kind.CHEQUE: ("payee",),
    Kind.TRANSFER: ("account_holder", "iban", "bic"),
    Kind.SEPA: ("account_holder", "iban", "bic", "creditor_identifier"),
    Kind.CARD: ("reservation_minutes",),
    Kind.CREDIT: ("min_balance", "low_balance_threshold"),
    Kind.ALLOWANCE: (),
}
REQUIRED_FIELDS = {
    Kind.CHEQUE: ("payee",),
    Kind.TRANSFER: ("account_holder", "iban"),
    Kind.SEPA: ("account_holder", "iban", "creditor_identifier"),
}
KIND_SPECIFIC = (
    "payee",
    "account_holder",
    "iban",
    "bic",
    "creditor_identifier",
    "min_balance",
    "low_balance_threshold",
)
FIELDS = (*COMMON_FIELDS, *KIND_SPECIFIC, "reservation_minutes")
# A card payment's reservation: what a Stripe Checkout Session accepts (30 minutes to 24 hours).
RESERVATION_MINUTES = (30, 24 * 60)
BALANCE_LIMIT = Decimal("1000000")


class InvalidPaymentMethod(PaymentMethodError):
    """A payment method value that cannot be saved, with the field it concerns."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


def payment_methods_for_list(enterprise: Enterprise):
    return (
        PaymentMethod.objects.filter(enterprise=enterprise)
        .select_related("fee")
        .order_by("-active", "position", "name", "id")
    )


def payment_method_for_enterprise(enterprise: Enterprise, uuid) -> PaymentMethod:
    return PaymentMethod.objects.get(enterprise=enterprise, uuid=uuid)


def fees_for_methods(enterprise: Enterprise, current: Fee | None = None):
    """The fees a payment method of `enterprise` may carry: its active fees (and the current one)."""
    fees = Fee.objects.filter(enterprise=enterprise, active=True)
    if current is not None:
        fees = fees | Fee.objects.filter(pk=current.pk)
    return fees.order_by("name", "id")


# --- values ----------------------------------------------------------------------------------


# What a manager reads when the account of a payment method is refused (cabas.payments.bank_details).
IBAN_MESSAGES = {
    bank_details.MISSING: gettext_lazy("Indiquez l'IBAN du compte."),
    bank_details.COUNTRY: gettext_lazy(
        "Cet IBAN ne commence pas par un code pays connu (ex. FR76 pour la France)."
    ),
    bank_details.LENGTH: gettext_lazy(
        "Cet IBAN n'a pas la bonne longueur (27 caractères pour un IBAN français)."
    ),
    bank_details.CHECKSUM: gettext_lazy(
        "Cet IBAN n'est pas valide (clé de contrôle incorrecte) : vérifiez chaque caractère."
    ),
    bank_details.CHARACTERS: gettext_lazy(
        "Cet IBAN n'est pas valide : il contient des caractères inattendus ou mal placés."
    ),
    bank_details.OUTSIDE_SEPA: gettext_lazy(
        "Seuls les comptes de la zone SEPA (paiements en euros) sont acceptés."
    ),
}
BIC_MESSAGES = {
    bank_details.LENGTH: gettext_lazy("Un BIC compte 8 ou 11 caractères (ex. AGRIFRPP ou AGRIFRPPXXX)."),
    bank_details.CHARACTERS: gettext_lazy("Ce BIC n'est pas valide (ex. AGRIFRPP ou AGRIFRPPXXX)."),
}


def iban_clean(value: str) -> str:
    """The IBAN `value` compacted ("FR76 3000 6000 ..." → "FR763000600..."); raises
    InvalidPaymentMethod with a French message when it is not a valid IBAN."""
    try:
        return bank_details.iban_compact(value)
    except bank_details.BankDetailsError as error:
        raise InvalidPaymentMethod("iban", str(IBAN_MESSAGES[error.reason]))


def bic_clean(value: str, iban: str = "") -> str:
    """The BIC `value` compacted; empty: the BIC of the bank of `iban` when schwifty knows it."""
    try:
        bic = bank_details.bic_compact(value)
    except bank_details.BankDetailsError as error:
        raise InvalidPaymentMethod("bic", str(BIC_MESSAGES[error.reason]))
    return bic or (bank_details.bank_bic(iban) if iban else "")


def creditor_identifier_clean(value: str) -> str:
    """The SEPA creditor identifier (ICS, e.g. "FR72ZZZ123456") compacted, its check digits checked
    the way a collection checks it (cabas.payments.sepa.files)."""
    if not (value or "").strip():
        raise InvalidPaymentMethod(
            "creditor_identifier", _("Indiquez l'identifiant créancier SEPA (ICS) donné par votre banque.")
        )
    ics = sepa_files.creditor_identifier_clean(value)
    if ics is None:
        raise InvalidPaymentMethod(
            "creditor_identifier",
            _(
                "Cet identifiant créancier SEPA (ICS) n'est pas valide : il a la forme FR + 2 chiffres de "
                "contrôle + 3 caractères + 6 chiffres, par exemple FR72ZZZ123456."
            ),
        )
    return ics


def _amount_or_none(name: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = money.round_money(
            money.to_decimal(value if isinstance(value, Decimal | int) else str(value))
        )
    except (ValueError, InvalidOperation, ArithmeticError):
        raise InvalidPaymentMethod(name, _("Indiquez un montant en euros, par exemple 10 ou -20,50."))
    if abs(amount) >= BALANCE_LIMIT:
        raise InvalidPaymentMethod(name, _("Montant trop élevé."))
    return amount


def _check(enterprise: Enterprise, values: dict, *, method: PaymentMethod | None = None) -> dict:
    values = {k: v for k, v in values.items() if k in FIELDS}
    kind = values.get("kind")
    if kind not in Kind.values:
        raise InvalidPaymentMethod("kind", _("Choisissez un type de moyen de paiement proposé."))
    if method is not None and kind != method.kind:
        raise InvalidPaymentMethod(
            "kind", _("Le type d'un moyen de paiement ne change pas : créez-en un nouveau.")
        )
    kind = Kind(kind)
    values["name"] = (values.get("name") or "").strip()[:80] or str(kind.label)
    values["instructions"] = (values.get("instructions") or "").strip()
    fee = values.get("fee")
    if fee is not None and (not isinstance(fee, Fee) or fee.enterprise_id != enterprise.pk):
        raise InvalidPaymentMethod("fee", _("Choisissez un de vos frais."))
    values["fee"] = fee
    used = KIND_FIELDS[kind]
    for name in REQUIRED_FIELDS.get(kind, ()):
        if not str(values.get(name) or "").strip():
            raise InvalidPaymentMethod(name, _("Ce champ est nécessaire pour ce moyen de paiement."))
    for name in KIND_SPECIFIC:  # what this kind does not use is cleared
        if name not in used:
            values[name] = None if name in ("min_balance", "low_balance_threshold") else ""
    if "payee" in used:
        values["payee"] = values["payee"].strip()[:120]
    if "iban" in used:
        values["account_holder"] = " ".join(values["account_holder"].split())[:70]
        values["iban"] = iban_clean(values["iban"])
        values["bic"] = bic_clean(values.get("bic", ""), values["iban"])
    if "creditor_identifier" in used:
        values["creditor_identifier"] = creditor_identifier_clean(values["creditor_identifier"])
    if "reservation_minutes" in used:
        try:
            minutes = int(values.get("reservation_minutes") or 30)
        except (TypeError, ValueError):
            minutes = 0
        low, high = RESERVATION_MINUTES
        if not low <= minutes <= high:
            raise InvalidPaymentMethod(
                "reservation_minutes",
                _("La réservation dure entre %(low)s minutes et %(high)s minutes (24 heures).")
                % {"low": low, "high": high},
            )
        values["reservation_minutes"] = minutes
    else:
        values.pop("reservation_minutes", None)
    if kind == Kind.CREDIT:
        values["min_balance"] = _amount_or_none("min_balance", values.get("min_balance"))
        values["low_balance_threshold"] = _amount_or_none(
            "low_balance_threshold", values.get("low_balance_threshold")
        )
        floor, threshold = values["min_balance"], values["low_balance_threshold"]
        if floor is not None and threshold is not None and threshold < floor:
            raise InvalidPaymentMethod(
                "low_balance_threshold",
                _(
                    "Le seuil de rappel doit être au moins égal au solde minimum (sinon le rappel arrive "
                    "trop tard)."
                ),
            )
    return values


def _check_card_ready(enterprise: Enterprise, kind: str, active: bool) -> None:
    """A card method is only offered once the seller's own Stripe account can take charges."""
    if kind != Kind.CARD or not active:
        return
    if not card_configured():
        raise InvalidPaymentMethod(None, _("Le paiement par carte n'est pas configuré sur cette plateforme."))
    if not card_ready(enterprise):
        raise InvalidPaymentMethod(
            None,
            _(
                "Pour proposer la carte bancaire, connectez d'abord le compte Stripe de votre structure "
                "(les paiements arrivent directement sur votre compte) et attendez qu'il puisse encaisser."
            ),
        )


@transaction.atomic
def payment_method_create(*, enterprise: Enterprise, values: dict) -> PaymentMethod:
    """Offer a new way of paying `enterprise`. Raises InvalidPaymentMethod (French message, the
    field concerned) on bad values; nothing is written then."""
    values = _check(enterprise, values)
    _check_card_ready(enterprise, values["kind"], True)
    return PaymentMethod.objects.create(enterprise=enterprise, **values)


@transaction.atomic
def payment_method_update(*, method: PaymentMethod, values: dict) -> PaymentMethod:
    """Change a payment method (placed orders keep referring to it; its kind stays)."""
    values = _check(method.enterprise, values, method=method)
    _check_card_ready(method.enterprise, method.kind, method.active)
    for name, value in values.items():
        setattr(method, name, value)
    method.save()
    return method


@transaction.atomic
def payment_method_set_active(*, method: PaymentMethod, active: bool) -> None:
    """Stop offering a payment method, or offer it again."""
    if method.active != active:
        _check_card_ready(method.enterprise, method.kind, active)
        method.active = active
        method.save(update_fields=["active"])
