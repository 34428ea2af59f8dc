"""Payments: how a seller is paid (methods), what was paid (payments), customers' prepaid accounts
(an append-only ledger), SEPA mandates and collections, bank statements and card provider events.

Money goes to the seller (DESIGN.md §2): offline methods (cash, cheque, transfer, SEPA set up by the
seller) are tracked, card payments are made on the seller's own Stripe account.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaymentMethod(models.Model):
    """A way a seller accepts to be paid, with an optional fee and what the customer needs to know."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Espèces au retrait")
        CHEQUE = "cheque", _("Chèque")
        TRANSFER = "transfer", _("Virement bancaire")
        CARD = "card", _("Carte bancaire")
        SEPA = "sepa", _("Prélèvement SEPA")
        CREDIT = "credit", _("Compte client (crédit prépayé)")
        ALLOWANCE = "allowance", _("Allocation solidaire")

    # Kinds where the customer pays later, outside the site (the order is placed unpaid).
    OFFLINE = {Kind.CASH, Kind.CHEQUE, Kind.TRANSFER, Kind.SEPA}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="payment_methods"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nom affiché"), max_length=80)
    instructions = models.TextField(
        _("instructions pour le client"),
        blank=True,
        help_text=_("ex. : chèque à l'ordre de la Ferme des Collines, IBAN pour un virement"),
    )
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # An optional fee for using this method (a fee of the seller, shown like any other fee).
    fee = models.ForeignKey(
        "cycles.Fee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frais de ce moyen de paiement"),
    )
    # Cheque: to whose order.
    payee = models.CharField(_("ordre des chèques"), max_length=120, blank=True)
    # Transfer and SEPA: the seller's account (IBAN validated with schwifty).
    account_holder = models.CharField(_("titulaire du compte"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # SEPA: the creditor identifier (ICS) given by the seller's bank.
    creditor_identifier = models.CharField(_("identifiant créancier SEPA (ICS)"), max_length=35, blank=True)
    # Card: how long stock stays reserved while the customer pays.
    reservation_minutes = models.PositiveSmallIntegerField(_("réservation du stock (minutes)"), default=30)
    # Customer credit: ordering is refused below `min_balance` (None: no minimum); a reminder is
    # emailed when the balance falls below `low_balance_threshold` (None: no reminder).
    min_balance = models.DecimalField(_("solde minimum"), null=True, blank=True, **MONEY)
    low_balance_threshold = models.DecimalField(_("seuil de rappel"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("moyen de paiement")

    def __str__(self):
        return self.name


class StripeAccount(models.Model):
    """A seller's own Stripe account (Stripe Connect): card payments are charged on it."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="stripe_account"
    )
    account_id = models.CharField(max_length=64, unique=True)
    charges_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.account_id


class Payment(models.Model):
    """Money received by a seller for an order or a customer account (a top-up), or given back
    (a refund: negative amount). The order's payment state is derived from its payments."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        SUCCEEDED = "succeeded", _("Reçu")
        FAILED = "failed", _("Échoué")
        CANCELLED = "cancelled", _("Annulé")

    TRANSITIONS = {
        State.PENDING: {State.SUCCEEDED, State.FAILED, State.CANCELLED},
        State.SUCCEEDED: set(),
        State.FAILED: set(),
        State.CANCELLED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="payments")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    # For a top-up of a customer account (no order), and for any payment of a known customer.
    customer = models.ForeignKey(
        "orders.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    kind = models.CharField(_("moyen"), max_length=12, choices=PaymentMethod.Kind.choices)
    amount = models.DecimalField(_("montant"), **MONEY)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    received_on = models.DateField(_("date"), default=timezone.localdate)
    cheque_number = models.CharField(_("n° de chèque"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Provider reference (Stripe PaymentIntent / Checkout Session id, bank line reference...).
    reference = models.CharField(_("référence"), max_length=120, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("paiement")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payment_idempotency_key_unique_per_seller",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "state", "received_on"], name="payment_seller_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def transition(self, to: str) -> None:
        """Change the state along TRANSITIONS (the caller saves in its transaction)."""
        if to not in self.TRANSITIONS[self.State(self.state)]:
            raise ValueError(f"payment {self.uuid}: {self.state} -> {to} is not allowed")
        self.state = to


class ProviderEvent(models.Model):
    """A webhook event received from a payment provider, stored once (its id is unique) so that a
    replayed event changes nothing."""

    provider = models.CharField(max_length=20, default="stripe")
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once"),
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id}"


class AccountEntryQuerySet(models.QuerySet):
    """Entries are never changed nor deleted: a correction is a new entry."""

    def update(self, **kwargs):
        raise TypeError("account entries are append-only")

    def delete(self):
        raise TypeError("account entries are append-only")


class AccountEntry(models.Model):
    """One line of a customer's account with a seller (prepaid credit) or with a solidarity fund
    (allowance): positive credits, negative debits. Append-only; `balance_after` is the balance
    once this entry is counted (entries of one account are written under a lock on the customer)."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Approvisionnement")
        ORDER = "order", _("Commande")
        REFUND = "refund", _("Remboursement")
        CORRECTION = "correction", _("Correction")
        ALLOWANCE = "allowance", _("Allocation solidaire")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The account: a customer as known by the seller (or by the fund) that keeps the account.
    customer = models.ForeignKey("orders.Customer", on_delete=models.PROTECT, related_name="account_entries")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("montant"), **MONEY)
    balance_after = models.DecimalField(_("solde après"), **MONEY)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # For an allowance spent: the seller where it was spent (a seller the fund approved).
    spent_at = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("libellé"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("écriture de compte client")
        indexes = [models.Index(fields=["customer", "created_at"], name="account_entry_customer_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        # Append-only, enforced where it cannot be forgotten.
        if self.pk is not None:
            raise TypeError("account entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("account entries are append-only")


class Mandate(models.Model):
    """A SEPA direct debit mandate a customer signed for a seller."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        REVOKED = "revoked", _("Révoqué")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="mandates")
    customer = models.ForeignKey("orders.Customer", on_delete=models.PROTECT, related_name="mandates")
    reference = models.CharField(_("référence unique de mandat (RUM)"), max_length=35)
    debtor_name = models.CharField(_("titulaire du compte"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    signed_on = models.DateField(_("date de signature"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "reference"]
        verbose_name = _("mandat SEPA")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "reference"], name="mandate_reference_unique_per_seller"
            ),
        ]

    def __str__(self):
        return self.reference


class Collection(models.Model):
    """A SEPA direct debit collection: one pain.008 file for a chosen date."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="collections")
    collection_date = models.DateField(_("date d'échéance"))
    message_id = models.CharField(max_length=35, unique=True)
    total = models.DecimalField(_("total"), **MONEY)
    xml = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-collection_date", "-created_at"]
        verbose_name = _("remise de prélèvements")

    def __str__(self):
        return f"{self.message_id} ({self.collection_date})"


class CollectionItem(models.Model):
    """One debit of a collection: a mandate, an amount, the order (or top-up) it pays."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="items")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="collection_item")
    amount = models.DecimalField(**MONEY)
    end_to_end_id = models.CharField(max_length=35)
    sequence_type = models.CharField(max_length=4)  # FRST, RCUR (OOFF for a one-off)

    def __str__(self):
        return self.end_to_end_id


class StatementImport(models.Model):
    """A bank statement file imported by a seller (CSV of a French bank or CAMT.053). The same file
    imported twice is recognised by its hash and changes nothing."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="statements")
    filename = models.CharField(max_length=200)
    file_hash = models.CharField(max_length=64)
    file_format = models.CharField(max_length=30)  # a CSV preset name, "csv-custom" or "camt053"
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "file_hash"], name="statement_file_once_per_seller"),
        ]

    def __str__(self):
        return self.filename


class StatementLine(models.Model):
    """A credit (or debit) on the seller's bank account, matched to an order, a top-up or a SEPA
    collection — automatically by reference and amount, or by hand. A line seen in two overlapping
    statements is stored once (its fingerprint is unique per seller)."""

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("À rapprocher")
        MATCHED = "matched", _("Rapprochée")
        IGNORED = "ignored", _("Ignorée")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    booked_on = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), **MONEY)
    label = models.CharField(_("libellé"), max_length=300)
    counterparty = models.CharField(_("émetteur"), max_length=140, blank=True)
    bank_reference = models.CharField(max_length=140, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_line"
    )
    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_lines"
    )

    class Meta:
        ordering = ["booked_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "fingerprint"], name="statement_line_once_per_seller"),
        ]

    def __str__(self):
        return f"{self.booked_on} {self.amount} {self.label}"


ZERO = Decimal("0.00")


class PaymentState(models.TextChoices):
    """An order's payment state, derived from its succeeded payments."""

    UNPAID = "unpaid", _("Non payée")
    PARTIAL = "partial", _("Partiellement payée")
    PAID = "paid", _("Payée")
    OVERPAID = "overpaid", _("Trop-perçu (crédit dû)")


def payment_state(total: Decimal, paid: Decimal) -> PaymentState:
    """The payment state of an order of `total` on which `paid` (Σ succeeded payments) was received."""
    paid = paid or ZERO
    if paid > total:
        return PaymentState.OVERPAID
    if paid == total:
        return PaymentState.PAID
    if paid <= 0:
        return PaymentState.UNPAID
    return PaymentState.PARTIAL
