"""Shapes of the payments API (pydantic, via django-ninja): an order's payments, a customer's
account, SEPA mandates.

Money travels as strings with two decimals ("12.50"), never as JSON numbers. Descriptions are in
French: they are what readers of /api/v1/docs see.
"""

from datetime import date as Date
from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from cabas.api.schemas import BodyIn, MoneyOut, PageIn, PositiveMoney, text
from cabas.api.schemas import Date as DateIn
from cabas.payments.sepa.services import iban_masked

# The ways a payment is recorded by hand (as on the order's page of the back-office); card: a
# payment on the seller's own terminal at pickup. Credit and allowances go through the account.
RecordKind = Literal["cash", "cheque", "transfer", "card"]
Text20, Text30, Text35, Text200 = (text(n) for n in (20, 30, 35, 200))


# --- An order's payments ----------------------------------------------------------------------


class PaymentOut(Schema):
    uuid: UUID
    kind: str = Field(description="cash, cheque, transfer, card, sepa, credit ou allowance")
    kind_label: str = Field(description="Libellé du moyen de paiement")
    method: UUID | None = Field(description="Moyen de paiement du vendeur utilisé, s'il est connu")
    amount: MoneyOut = Field(description="Montant en euros (négatif : un remboursement), ex. « 12.50 »")
    state: str = Field(
        description="pending (en attente), succeeded (reçu), failed (échoué), cancelled (annulé)"
    )
    state_label: str
    date: Date = Field(description="Date de réception")
    cheque_number: str = Field(description="Numéro du chèque")
    note: str | None = Field(description="Note du vendeur (null pour l'acheteur)")
    reference: str = Field(description="Référence (prestataire de paiement, relevé bancaire, prélèvement)")
    refund_of: UUID | None = Field(description="Le paiement que ce remboursement rend")
    created_at: datetime = Field(description="Enregistré le")


class OrderPaymentSummary(Schema):
    number: str = Field(description="Numéro de la commande")
    seller: str = Field(description="Identifiant (slug) du vendeur")
    status: str = Field(description="État de la commande (awaiting, placed, fulfilled, cancelled)")
    total: MoneyOut = Field(description="Total de la commande")
    paid: MoneyOut = Field(description="Reçu : somme des paiements reçus (remboursements déduits)")
    due: MoneyOut = Field(
        description="Reste à payer (négatif : trop-perçu à rendre) ; une commande annulée ne doit rien"
    )
    payment_state: str = Field(description="unpaid, partial, paid ou overpaid")
    payment_state_label: str


class OrderPaymentsOut(OrderPaymentSummary):
    payments: list[PaymentOut] = Field(
        description="Tous les paiements de la commande, du plus ancien au plus récent"
    )


class PaymentRecordedOut(PaymentOut):
    order: OrderPaymentSummary = Field(description="La commande, paiement compris")


class PaymentIn(BodyIn):
    kind: RecordKind = Field(
        description="cash (espèces), cheque, transfer (virement) ou card (terminal du vendeur)"
    )
    amount: PositiveMoney = Field(description="Montant reçu en euros, en texte (ex. « 12.50 »)")
    date: DateIn | None = Field(None, description="Date de réception (AAAA-MM-JJ) ; absente : aujourd'hui")
    note: Text200 = Field("", description="Note (200 caractères au plus)")
    cheque_number: Text30 = Field("", description="Numéro du chèque (pour un chèque)")


# --- A customer's account ---------------------------------------------------------------------


class CustomerRef(Schema):
    uuid: UUID
    name: str = Field(description="Nom complet")
    email: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["name"] if isinstance(obj, dict) else obj.full_name


class AccountEntryOut(Schema):
    uuid: UUID
    created_at: datetime = Field(description="Date de l'écriture")
    kind: str = Field(description="top_up, order, refund, correction ou allowance")
    kind_label: str
    amount: MoneyOut = Field(description="Montant (négatif : un débit)")
    balance_after: MoneyOut = Field(description="Solde du compte après cette écriture")
    note: str = Field(description="Libellé")
    order: str | None = Field(description="Numéro de la commande concernée")
    spent_at: str | None = Field(description="Vendeur où une allocation a été dépensée (slug)")


class AccountOut(Schema):
    enterprise: str = Field(description="Structure qui tient le compte (slug)")
    customer: CustomerRef
    balance: MoneyOut = Field(description="Solde : somme de toutes les écritures")
    count: int = Field(description="Nombre total d'écritures")
    limit: int
    offset: int
    entries: list[AccountEntryOut] = Field(description="Écritures, de la plus récente à la plus ancienne")


class AccountFilters(PageIn):
    pass


# --- SEPA mandates ----------------------------------------------------------------------------


class MandateOut(Schema):
    uuid: UUID
    reference: str = Field(description="Référence unique de mandat (RUM)")
    status: str = Field(description="active ou revoked")
    status_label: str
    customer: CustomerRef
    debtor_name: str = Field(description="Titulaire du compte débité")
    iban_masked: str = Field(description="IBAN masqué : seuls les 4 derniers caractères sont donnés")
    bic: str
    signed_on: Date = Field(description="Date de signature")
    last_collection: Date | None = Field(description="Échéance du dernier prélèvement sur ce mandat")
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_iban_masked(obj) -> str:
        return iban_masked(obj.iban)

    @staticmethod
    def resolve_last_collection(obj) -> Date | None:
        return getattr(obj, "last_collection", None)


class MandateFilters(Schema):
    status: Literal["active", "revoked"] | None = Field(None, description="active ou revoked")


class MandateIn(BodyIn):
    customer: UUID = Field(description="Le client (uuid) qui a signé le mandat")
    debtor_name: text(70, blank=False) = Field(description="Titulaire du compte, tel qu'il figure sur le RIB")
    iban: text(50, blank=False) = Field(description="IBAN du compte à débiter (les espaces sont acceptés)")
    bic: Text20 = Field("", description="BIC (facultatif)")
    signed_on: DateIn = Field(description="Date de signature (AAAA-MM-JJ), pas dans le futur")
    reference: Text35 = Field("", description="RUM du mandat papier ; absente : générée (RUM-…)")
