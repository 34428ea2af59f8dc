"""SEPA direct debit: a seller's mandates (add, revoke) and collections (choose the orders to debit,
write the pain.008 file, mark the debits received or rejected).

An order is collected when it was placed with a SEPA payment method, is not fully paid, is not in a
collection still waiting for the bank, and its customer has an active mandate; the debit is what is
left to pay. Each debit is a pending Payment (its reference is the end-to-end id of the file) that
becomes succeeded when the bank statement shows the collection (`collection_settle`) — so an order
is never debited twice, and a rejected debit makes the order collectable again.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.payments import bank_details
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Collection, CollectionItem, Mandate, Payment, PaymentMethod
from cabas.payments.records.services import payment_record, with_paid
from cabas.payments.sepa.files import (
    Creditor,
    Debit,
    Pain008Error,
    creditor_identifier_clean,
    is_sepa_identifier,
    pain008,
    sepa_text,
)

SEPA = PaymentMethod.Kind.SEPA
PENDING = Payment.State.PENDING
SUCCEEDED = Payment.State.SUCCEEDED
FAILED = Payment.State.FAILED
FIRST, RECURRING = "FRST", "RCUR"
# Orders still to be paid: placed, or handed over and not paid yet.
COLLECTABLE = (Order.Status.PLACED, Order.Status.FULFILLED)


class SepaError(PaymentError):
    """A mandate or a collection that cannot be made (French message)."""


# --- Bank details -------------------------------------------------------------------------------


# What is said when a debtor's (or the creditor's) account is refused (cabas.payments.bank_details).
IBAN_MESSAGES = {
    bank_details.MISSING: gettext_lazy("Indiquez l'IBAN."),
    bank_details.COUNTRY: gettext_lazy(
        "IBAN invalide : il commence par le code d'un pays, par exemple FR76…"
    ),
    bank_details.LENGTH: gettext_lazy(
        "IBAN invalide : il n'a pas le bon nombre de caractères (27 pour un IBAN français)."
    ),
    bank_details.CHECKSUM: gettext_lazy(
        "IBAN invalide : la clé de contrôle ne correspond pas. Vérifiez chaque caractère sur le RIB."
    ),
    bank_details.CHARACTERS: gettext_lazy(
        "IBAN invalide : vérifiez-le sur le RIB (lettres et chiffres seulement)."
    ),
    bank_details.OUTSIDE_SEPA: gettext_lazy(
        "Cet IBAN n'est pas dans la zone SEPA : il ne peut pas être prélevé."
    ),
}


def iban_clean(value: str) -> str:
    """The IBAN in its compact form, checked by cabas.payments.bank_details (country, length, check digits,
    the national key and the SEPA zone); SepaError otherwise."""
    try:
        return bank_details.iban_compact(value)
    except bank_details.BankDetailsError as error:
        raise SepaError(str(IBAN_MESSAGES[error.reason]))


def bic_clean(value: str) -> str:
    """The BIC in its compact form, or "" when none is given (it is optional for the debtor)."""
    try:
        return bank_details.bic_compact(value)
    except bank_details.BankDetailsError:
        raise SepaError(_("BIC invalide : 8 ou 11 lettres et chiffres, par exemple AGRIFRPP ou AGRIFRPPXXX."))


def iban_masked(iban: str) -> str:
    """'•••• •••• •••• •••• •••• •••0 189': only the last 4 characters are shown, grouped by 4 like
    an IBAN on a RIB."""
    shown = "•" * max(len(iban) - 4, 0) + iban[-4:]
    return " ".join(shown[i : i + 4] for i in range(0, len(shown), 4))


# --- Mandates -----------------------------------------------------------------------------------


def mandates_for_list(seller):
    """The seller's mandates, active first, with their customer and `last_collection` (the date of
    the latest collection that debited them)."""
    return (
        Mandate.objects.filter(seller=seller)
        .select_related("customer")
        .annotate(last_collection=Max("items__collection__collection_date"))
        .order_by("status", "-signed_on", "-pk")
    )


def mandate_for_seller(seller, mandate_uuid) -> Mandate:
    return Mandate.objects.select_related("customer").get(seller=seller, uuid=mandate_uuid)


def _reference_prefix(seller) -> str:
    initials = "".join(part[0] for part in seller.slug.split("-") if part and part[0].isalnum())
    return f"RUM-{initials[:5].upper() or 'C'}-{timezone.localdate().year}-"


def _reference_next(seller) -> str:
    """The next generated mandate reference of `seller` this year, e.g. RUM-FDC-2026-0007."""
    prefix = _reference_prefix(seller)
    taken = Mandate.objects.filter(seller=seller, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def mandate_create(
    *,
    seller,
    customer: Customer,
    debtor_name: str,
    iban: str,
    signed_on: date | None,
    bic: str = "",
    reference: str = "",
    user=None,
) -> Mandate:
    """Record the mandate `customer` signed for `seller`. The mandate reference (RUM) is the one of
    the paper mandate when given, otherwise generated (RUM-<initials>-<year>-<n>, unique per seller).
    Raises SepaError (French message) on bad input; nothing is written then."""
    if customer.enterprise_id != seller.pk:
        raise SepaError(_("Ce client n'est pas un client de votre structure."))
    name = " ".join((debtor_name or "").split())
    if not name:
        raise SepaError(_("Indiquez le nom du titulaire du compte, tel qu'il figure sur le RIB."))
    if len(name) > 70:
        raise SepaError(_("Le nom du titulaire du compte fait au plus 70 caractères."))
    if not any(char.isalnum() for char in sepa_text(name)):
        raise SepaError(_("Le nom du titulaire du compte doit contenir des lettres."))
    iban = iban_clean(iban)
    bic = bic_clean(bic)
    if signed_on is None:
        raise SepaError(_("Indiquez la date de signature du mandat."))
    if signed_on > timezone.localdate():
        raise SepaError(_("La date de signature ne peut pas être dans le futur."))
    current = Mandate.objects.filter(seller=seller, customer=customer, status=Mandate.Status.ACTIVE).first()
    if current is not None:
        raise SepaError(
            _("Ce client a déjà un mandat actif (%(reference)s) : révoquez-le avant d'en ajouter un autre.")
            % {"reference": current.reference}
        )
    values = {
        "seller": seller,
        "customer": customer,
        "debtor_name": name,
        "iban": iban,
        "bic": bic,
        "signed_on": signed_on,
    }
    reference = (reference or "").strip()
    if reference:
        if not is_sepa_identifier(reference):
            raise SepaError(
                _(
                    "RUM invalide : 35 caractères au plus, sans espace ni accent (lettres, chiffres et "
                    "- / ? : ( ) . , ' +)."
                )
            )
        taken = _("La RUM %(reference)s est déjà celle d'un autre mandat.") % {"reference": reference}
        if Mandate.objects.filter(seller=seller, reference=reference).exists():
            raise SepaError(taken)
        try:
            with transaction.atomic():
                return Mandate.objects.create(reference=reference, **values)
        except IntegrityError:
            raise SepaError(taken)
    for _attempt in range(5):  # another mandate may take the same number at the same moment
        try:
            with transaction.atomic():
                return Mandate.objects.create(reference=_reference_next(seller), **values)
        except IntegrityError:
            continue
    raise SepaError(_("La RUM n'a pas pu être générée : réessayez."))


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, user=None) -> Mandate:
    """Stop collecting on `mandate` (debits already sent to the bank are not recalled)."""
    locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if locked.status == Mandate.Status.REVOKED:
        raise SepaError(_("Ce mandat est déjà révoqué."))
    locked.status = Mandate.Status.REVOKED
    locked.save(update_fields=["status"])
    return locked


# --- Collections --------------------------------------------------------------------------------


@dataclass
class Candidate:
    """An order that can be debited, the mandate it is debited on and how much."""

    order: Order
    mandate: Mandate
    amount: Decimal
    sequence_type: str


def _orders_to_collect(seller):
    """The seller's orders paid by SEPA direct debit that are still to be debited, annotated with
    `paid` and `mandate_pk` (the customer's active mandate, if any)."""
    waiting_for_bank = CollectionItem.objects.filter(order=OuterRef("pk"), payment__state=PENDING)
    active_mandate = (
        Mandate.objects.filter(seller=seller, customer=OuterRef("customer"), status=Mandate.Status.ACTIVE)
        .order_by("-signed_on", "-pk")
        .values("pk")[:1]
    )
    orders = Order.objects.filter(
        seller=seller, status__in=COLLECTABLE, payment_method__kind=SEPA, customer__isnull=False
    )
    return (
        with_paid(orders)
        .filter(paid__lt=F("total"))
        .exclude(Exists(waiting_for_bank))
        .annotate(mandate_pk=Subquery(active_mandate))
        .select_related("customer")
        .order_by("placed_at", "pk")
    )


def collection_candidates(seller, order_uuids=None) -> tuple[list[Candidate], list[Order]]:
    """(orders that can be debited now, orders paid by SEPA still unpaid whose customer has no
    active mandate) — in two queries. `order_uuids` restricts to those orders."""
    orders = _orders_to_collect(seller)
    if order_uuids is not None:
        orders = orders.filter(uuid__in=order_uuids)
    orders = list(orders)
    # A mandate already debited (or being debited) in a collection is used again: RCUR; else FRST.
    debited = CollectionItem.objects.filter(mandate=OuterRef("pk"), payment__state__in=[PENDING, SUCCEEDED])
    mandates = Mandate.objects.annotate(debited_before=Exists(debited)).in_bulk(
        {order.mandate_pk for order in orders if order.mandate_pk}
    )
    candidates, without_mandate = [], []
    for order in orders:
        mandate = mandates.get(order.mandate_pk)
        if mandate is None:
            without_mandate.append(order)
            continue
        sequence_type = RECURRING if mandate.debited_before else FIRST
        candidates.append(Candidate(order, mandate, order.total - order.paid, sequence_type))
    return candidates, without_mandate


def sepa_methods(seller):
    """The seller's SEPA payment methods (offered ones first): one gives the creditor account."""
    return PaymentMethod.objects.filter(enterprise=seller, kind=SEPA).order_by("-active", "position", "pk")


def _creditor(seller, method: PaymentMethod) -> Creditor:
    if method.enterprise_id != seller.pk or method.kind != SEPA:
        raise SepaError(_("Choisissez un moyen de paiement « Prélèvement SEPA » de votre structure."))
    fix = _("Complétez-le dans « Moyens de paiement ».")
    try:
        iban, bic = iban_clean(method.iban), bic_clean(method.bic)
    except SepaError as error:
        raise SepaError(
            _("Le compte du moyen de paiement « %(name)s » : %(error)s %(fix)s")
            % {"name": method.name, "error": error.message, "fix": fix}
        )
    bic = bic or bank_details.bank_bic(iban)
    if not bic:
        raise SepaError(
            _("Indiquez le BIC du compte du moyen de paiement « %(name)s ». %(fix)s")
            % {"name": method.name, "fix": fix}
        )
    identifier = creditor_identifier_clean(method.creditor_identifier)
    if identifier is None:
        raise SepaError(
            _(
                "L'identifiant créancier SEPA (ICS) du moyen de paiement « %(name)s » est manquant ou "
                "invalide (par exemple FR72ZZZ123456, donné par votre banque). %(fix)s"
            )
            % {"name": method.name, "fix": fix}
        )
    return Creditor(name=method.account_holder or seller.name, iban=iban, bic=bic, identifier=identifier)


def _uuids(values) -> set[uuid.UUID]:
    try:
        return {value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)) for value in values}
    except ValueError:
        raise SepaError(_("Commande inconnue : rechargez la page."))


@transaction.atomic
def collection_create(
    *, seller, method: PaymentMethod, collection_date: date | None, orders, user=None
) -> Collection:
    """Debit the orders `orders` (their uuids) on `collection_date` from the account of `method`:
    one pending Payment and one CollectionItem per order, and the pain.008 file to send to the bank.
    Raises SepaError (French message) when the date is past, the account incomplete, or an order is
    no longer to be debited (paid, already in a collection, mandate revoked); nothing is written then."""
    creditor = _creditor(seller, method)
    if collection_date is None:
        raise SepaError(_("Indiquez la date d'échéance du prélèvement."))
    if collection_date < timezone.localdate():
        raise SepaError(_("La date d'échéance est passée : choisissez aujourd'hui ou une date à venir."))
    wanted = _uuids(orders)
    if not wanted:
        raise SepaError(_("Cochez au moins une commande à prélever."))
    # Lock the chosen orders (in primary-key order) first: two submissions of the same page cannot
    # both debit one order, the second one finds it already in this collection.
    list(
        Order.objects.select_for_update()
        .filter(seller=seller, uuid__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    candidates, _without = collection_candidates(seller, order_uuids=wanted)
    if len(candidates) != len(wanted):
        found = {c.order.uuid for c in candidates}
        numbers = Order.objects.filter(seller=seller, uuid__in=wanted - found).values_list(
            "number", flat=True
        )
        raise SepaError(
            _(
                "Ces commandes ne sont plus à prélever (payées, déjà dans une remise ou sans mandat "
                "actif) : %(numbers)s. Rechargez la page."
            )
            % {"numbers": ", ".join(sorted(numbers)) or "?"}
        )
    collection = Collection.objects.create(
        seller=seller,
        collection_date=collection_date,
        message_id=f"draft-{uuid.uuid4().hex}"[:35],  # replaced by the file's own id below
        total=sum((c.amount for c in candidates), money.ZERO),
        created_by=user,
    )
    debits = []
    for candidate in candidates:
        order, mandate = candidate.order, candidate.mandate
        end_to_end_id = f"{sepa_text(order.number).replace(' ', '')}-{collection.pk}"[-35:]
        payment = payment_record(
            seller=seller,
            kind=SEPA,
            amount=candidate.amount,
            order=order,
            method=method,
            state=PENDING,
            received_on=collection_date,
            reference=end_to_end_id,
            note=_("Prélèvement SEPA, mandat %(reference)s") % {"reference": mandate.reference},
            user=user,
        )
        CollectionItem.objects.create(
            collection=collection,
            mandate=mandate,
            order=order,
            payment=payment,
            amount=candidate.amount,
            end_to_end_id=end_to_end_id,
            sequence_type=candidate.sequence_type,
        )
        debits.append(
            Debit(
                end_to_end_id=end_to_end_id,
                amount=candidate.amount,
                mandate_reference=mandate.reference,
                mandate_signed_on=mandate.signed_on,
                sequence_type=candidate.sequence_type,
                debtor_name=mandate.debtor_name,
                debtor_iban=mandate.iban,
                debtor_bic=mandate.bic,
                label=f"{seller.name} {order.number}",
            )
        )
    try:
        message_id, xml = pain008(creditor=creditor, collection_date=collection_date, debits=debits)
    except Pain008Error:
        raise SepaError(
            _("Le fichier de prélèvement n'a pas pu être produit : vérifiez le compte et les mandats.")
        )
    collection.message_id = message_id
    collection.xml = xml.decode("utf-8")
    collection.save(update_fields=["message_id", "xml"])
    return collection


@transaction.atomic
def collection_settle(*, collection: Collection, user=None) -> int:
    """The bank credited `collection`: every debit still pending becomes received. Rejected debits
    stay rejected; settling twice changes nothing. Returns how many debits became received."""
    payments = Payment.objects.filter(collection_item__collection=collection, state=PENDING)
    return payments.update(state=SUCCEEDED, updated_at=timezone.now())


@transaction.atomic
def collection_item_reject(*, item: CollectionItem, user=None) -> Payment:
    """The bank returned one debit (rejected, refused by the debtor): its payment fails and the order
    can be collected again. A debit already received is refunded on the order instead."""
    payment = Payment.objects.select_for_update().get(pk=item.payment_id)
    if payment.state == SUCCEEDED:
        raise SepaError(
            _(
                "Ce prélèvement est déjà encaissé : pour le rendre, enregistrez un remboursement sur "
                "la commande."
            )
        )
    if payment.state != FAILED:
        payment.transition(FAILED)
        payment.save(update_fields=["state", "updated_at"])
    return payment


def collection_for_seller(seller, collection_uuid) -> Collection:
    return Collection.objects.get(seller=seller, uuid=collection_uuid)


def collection_items(collection: Collection):
    """The debits of `collection` with their order, mandate, customer and payment (one query)."""
    return (
        CollectionItem.objects.filter(collection=collection)
        .select_related("order", "mandate__customer", "payment")
        .order_by("pk")
    )


def _sum_of(state):
    field = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(
        Sum("items__amount", filter=Q(items__payment__state=state)), Value(money.ZERO), output_field=field
    )


def collections_for_list(seller, year: int | None = None):
    """The seller's collections (of `year`), each with its number of debits and the amounts
    received, waiting for the bank and rejected."""
    collections = Collection.objects.filter(seller=seller)
    if year is not None:
        collections = collections.filter(collection_date__year=year)
    return collections.annotate(
        count=Count("items"),
        received=_sum_of(SUCCEEDED),
        pending=_sum_of(PENDING),
        rejected=_sum_of(FAILED),
    ).order_by("-collection_date", "-pk")


def collection_years(seller) -> list[int]:
    return [d.year for d in Collection.objects.filter(seller=seller).dates("collection_date", "year", "DESC")]
