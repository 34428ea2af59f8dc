"""Shapes of the AMAP API (pydantic, via django-ninja): an AMAP's season contracts, subscribing,
a member's baskets and absences, the distributions and subscriptions its managers follow, the
instalments they mark received, and an enterprise's volunteer shifts.

Money travels as strings with two decimals ("18.00"). Descriptions are in French: they are what
readers of /api/v1/docs see. The paginated lists read the selectors' models through resolvers that
use only what the selectors fetched.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema
from pydantic import Field as PydanticField
from pydantic import WithJsonSchema

from cabas.amap.selectors_api import places_left_of
from cabas.api.schemas import BodyIn, Boolean, Date, Integer, Money, MoneyOut, text
from cabas.api.schemas_products import money_text
from cabas.api.schemas_shops import EnterpriseRef

Method = Literal["cheque", "transfer", "sepa", "cash"]
Quantity = Annotated[Integer, PydanticField(ge=0, le=1000)]
ChequeNumber = text(20)
# A local time of day, "18:30:00" (Paris time): not JSON Schema's "time" format, which wants an offset.
LocalTime = Annotated[
    time, WithJsonSchema({"type": "string", "pattern": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$"})
]
Bank = text(60)


class PlaceOut(Schema):
    uuid: UUID = Field(description="Identifiant du lieu de distribution")
    name: str
    address: str
    postcode: str
    city: str


class DistributionOut(Schema):
    uuid: UUID = Field(description="Identifiant de la distribution")
    date: date
    starts_at: LocalTime = Field(description="Début de la distribution (heure de Paris)")
    ends_at: LocalTime = Field(description="Fin de la distribution")
    place: PlaceOut


class ContractRef(Schema):
    uuid: UUID = Field(description="Identifiant public du contrat")
    name: str = Field(description="Nom du contrat (ex. Légumes)")
    season: str = Field(description="Saison (ex. Été 2027)")
    producer: EnterpriseRef


class ContractListItem(ContractRef):
    kind: str = Field(description="fixed (panier fixe) ou variable (commande variable)")
    kind_label: str
    signup_opens_on: date = Field(description="Inscriptions à partir du")
    signup_closes_on: date = Field(description="Inscriptions jusqu'au")
    signup_open: bool = Field(description="Les inscriptions sont ouvertes aujourd'hui")
    capacity: int | None = Field(description="Nombre de paniers maximum (null : sans limite)")
    places_left: int | None = Field(description="Places restantes (null : sans limite)")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_signup_open(obj) -> bool:
        return obj.signup_opens_on <= timezone.localdate() <= obj.signup_closes_on

    @staticmethod
    def resolve_places_left(obj) -> int | None:
        return places_left_of(obj)


class ContractProductOut(Schema):
    variant: UUID = Field(description="Identifiant de la variante, à utiliser dans `quantities`")
    name: str = Field(description="Produit et variante")
    price: MoneyOut = Field(description="Prix par distribution, en euros")
    quantity: int = Field(description="Quantité dans le panier (contrat fixe : la quantité proposée)")
    max_quantity: int = Field(description="Quantité maximum par distribution")


class TierOut(Schema):
    id: int = Field(description="Identifiant du tarif, à utiliser dans `tier`")
    name: str
    percent: int = Field(description="Pourcentage du prix plein")


class ContractDetail(ContractListItem):
    amap: EnterpriseRef
    description: str
    terms: str = Field(description="Clauses du contrat")
    payee: str = Field(description="Ordre des chèques (le producteur)")
    max_instalments: int = Field(description="Nombre de versements maximum")
    sepa_offered: bool = Field(description="Prélèvement SEPA proposé")
    solidarity_donation: MoneyOut = Field(description="Don solidaire suggéré par distribution")
    minimum_per_distribution: MoneyOut = Field(description="Contrat variable : minimum par distribution")
    minimum_per_season: MoneyOut = Field(description="Contrat variable : minimum sur la saison")
    absence_quota: int = Field(description="Absences permises sur la saison")
    absence_deadline_days: int = Field(description="Absence à déclarer au plus tard N jours avant")
    absence_policy: str = Field(description="solidarity, moved ou skipped : ce que devient le panier")
    distributions: list[DistributionOut] = Field(description="Distributions du contrat")
    products: list[ContractProductOut]
    tiers: list[TierOut] = Field(description="Tarifs solidaires")

    @staticmethod
    def resolve_solidarity_donation(obj) -> str:
        return money_text(obj.solidarity_donation)

    @staticmethod
    def resolve_minimum_per_distribution(obj) -> str:
        return money_text(obj.minimum_per_distribution)

    @staticmethod
    def resolve_minimum_per_season(obj) -> str:
        return money_text(obj.minimum_per_season)

    @staticmethod
    def resolve_distributions(obj) -> list:
        return [delivery.distribution for delivery in obj.deliveries.all()]

    @staticmethod
    def resolve_products(obj) -> list[dict]:
        return [
            {
                "variant": p.variant.uuid,
                "name": " — ".join(n for n in (p.variant.product.name, p.variant.name) if n),
                "price": money_text(p.price),
                "quantity": p.quantity,
                "max_quantity": p.max_quantity,
            }
            for p in obj.products.all()
        ]

    @staticmethod
    def resolve_tiers(obj) -> list:
        return list(obj.tiers.all())


class SubscriptionIn(BodyIn):
    quantities: dict[UUID, Quantity] = Field(
        description="Quantité par distribution de chaque variante (uuid → nombre entier)"
    )
    starts_on: Date | None = Field(
        None, description="À partir du (AAAA-MM-JJ) ; absent : la prochaine distribution"
    )
    instalments: Integer = Field(1, ge=1, le=12, description="Nombre de versements (1 à 12)")
    method: Method = Field("cheque", description="cheque, transfer (virement), sepa ou cash (espèces)")
    tier: Integer | None = Field(None, ge=1, description="Tarif solidaire (`id` d'un des `tiers`)")
    donation: Money = Field(Decimal("0.00"), description="Don solidaire par distribution, en texte")
    accepted: Boolean = Field(description="J'ai lu et j'accepte le contrat (doit valoir true)")
    waiting_list: Boolean = Field(
        False, description="Si le contrat est complet, s'inscrire sur la liste d'attente (sinon 409)"
    )


class InstalmentOut(Schema):
    number: int = Field(description="Numéro du versement (1, 2...)")
    amount: MoneyOut
    cash_on: date = Field(description="Encaissement prévu le")
    method: str = Field(description="cheque, transfer, sepa ou cash")
    method_label: str
    state: str = Field(description="to_provide (à fournir), received (reçu), handed_over (remis)")
    state_label: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return money_text(obj.amount)

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class SubscriptionOut(Schema):
    uuid: UUID = Field(description="Identifiant de l'inscription")
    contract: UUID
    status: str = Field(description="active (en cours) ou waiting (liste d'attente)")
    status_label: str
    starts_on: date = Field(description="À partir du")
    deliveries: int = Field(description="Distributions restantes payées (prorata)")
    amount: MoneyOut = Field(description="Prix de la saison au prorata : paniers restants × prix du panier")
    instalments: list[InstalmentOut] = Field(
        description="Échéancier (vide sur liste d'attente) : la somme vaut exactement `amount`"
    )

    @staticmethod
    def resolve_contract(obj):
        return obj.contract.uuid

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_amount(obj) -> str:
        return money_text(obj.amount)

    @staticmethod
    def resolve_instalments(obj) -> list:
        return list(obj.instalments.all())


class AbsenceIn(BodyIn):
    order: UUID = Field(description="Le panier : `order` (uuid de sa commande) dans /me/deliveries")
    move_to: UUID | None = Field(
        None, description="Contrat à panier reporté : la distribution (uuid) où le reprendre"
    )


class BasketLineOut(Schema):
    product: str
    variant: str
    quantity: int
    unit_price: MoneyOut


def _basket_distribution(obj):
    return obj.delivery.distribution


class BasketOut(Schema):
    order: UUID = Field(description="Identifiant du panier (uuid de sa commande chez le producteur)")
    number: str = Field(description="Numéro de la commande")
    date: date
    starts_at: LocalTime
    ends_at: LocalTime
    place: PlaceOut
    amap: EnterpriseRef
    contract: ContractRef
    lines: list[BasketLineOut]
    total: MoneyOut
    shared: bool = Field(description="Panier partagé entre plusieurs adhérents")
    collector: str | None = Field(description="Qui le retire (panier partagé) ; null : l'adhérent")
    absence: str = Field(description="Vide (présent), solidarity, moved ou skipped")
    absence_label: str
    moved_to: DistributionOut | None = Field(description="Panier reporté : où le reprendre")

    @staticmethod
    def resolve_order(obj):
        return obj.order.uuid

    @staticmethod
    def resolve_number(obj):
        return obj.order.number

    @staticmethod
    def resolve_date(obj):
        return _basket_distribution(obj).date

    @staticmethod
    def resolve_starts_at(obj):
        return _basket_distribution(obj).starts_at

    @staticmethod
    def resolve_ends_at(obj):
        return _basket_distribution(obj).ends_at

    @staticmethod
    def resolve_place(obj):
        return _basket_distribution(obj).place

    @staticmethod
    def resolve_amap(obj):
        return obj.subscription.contract.amap

    @staticmethod
    def resolve_contract(obj):
        return obj.subscription.contract

    @staticmethod
    def resolve_lines(obj):
        return [
            {
                "product": line.product_name,
                "variant": line.variant_name,
                "quantity": line.quantity,
                "unit_price": money_text(line.unit_price),
            }
            for line in obj.order.lines.all()
        ]

    @staticmethod
    def resolve_total(obj):
        return money_text(obj.order.total)

    @staticmethod
    def resolve_shared(obj):
        return bool(obj.subscription.shares.all())

    @staticmethod
    def resolve_collector(obj):
        return obj.collector.full_name if obj.collector_id else None

    @staticmethod
    def resolve_absence_label(obj):
        return str(obj.get_absence_display())


class ManagedDistributionOut(DistributionOut):
    cancelled: bool = Field(description="Distribution annulée")
    note: str = Field(description="Message aux adhérents")
    contracts: list[ContractRef] = Field(description="Contrats qui livrent à cette distribution")

    @staticmethod
    def resolve_cancelled(obj):
        return obj.cancelled_at is not None

    @staticmethod
    def resolve_contracts(obj):
        return [delivery.contract for delivery in obj.deliveries.all()]


class DistributionFilters(Schema):
    since: Date | None = Field(
        None, description="Distributions à partir du (AAAA-MM-JJ) ; absent : aujourd'hui"
    )


class MemberRef(Schema):
    uuid: UUID = Field(description="Identifiant de l'adhérent (client de l'AMAP)")
    name: str
    email: str

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class ManagedInstalmentOut(InstalmentOut):
    id: int = Field(description="Identifiant du versement (pour le marquer reçu)")
    cheque_number: str = Field(description="N° du chèque reçu (vide : pas encore reçu, ou pas un chèque)")
    bank: str = Field(description="Banque du chèque reçu")
    received_at: datetime | None = Field(description="Reçu par l'AMAP le (null : pas encore reçu)")


class ReceivedInstalmentOut(ManagedInstalmentOut):
    subscription: UUID = Field(description="L'inscription que le versement règle")
    member: str = Field(description="L'adhérent")

    @staticmethod
    def resolve_subscription(obj):
        return obj.subscription.uuid

    @staticmethod
    def resolve_member(obj):
        return obj.subscription.customer.full_name


class InstalmentReceiveIn(BodyIn):
    cheque_number: ChequeNumber = Field("", description="N° du chèque (obligatoire pour un chèque)")
    bank: Bank = Field("", description="Banque du chèque (facultatif)")


class ManagedSubscriptionOut(Schema):
    uuid: UUID
    contract: ContractRef
    member: MemberRef
    status: str = Field(description="active, waiting ou cancelled")
    status_label: str
    starts_on: date
    amount: MoneyOut = Field(description="Prix souscrit (au prorata)")
    due: MoneyOut = Field(description="Dû : total des paniers non annulés")
    received: MoneyOut = Field(description="Reçu par l'AMAP (ou remis au producteur)")
    created_at: datetime
    instalments: list[ManagedInstalmentOut] = Field(
        description="Échéancier : `id` de chaque versement pour le marquer reçu"
    )

    @staticmethod
    def resolve_member(obj):
        return obj.customer

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_amount(obj):
        return money_text(obj.amount)

    @staticmethod
    def resolve_due(obj):
        return money_text(obj.due)

    @staticmethod
    def resolve_received(obj):
        return money_text(obj.received)

    @staticmethod
    def resolve_instalments(obj):
        return list(obj.instalments.all())


class SubscriptionFilters(Schema):
    contract: UUID | None = Field(None, description="Un seul contrat (uuid)")
    status: Literal["active", "waiting", "cancelled"] | None = Field(
        None, description="active, waiting ou cancelled"
    )


class ShiftPersonOut(Schema):
    name: str = Field(description="Nom de la personne inscrite")


class ShiftOut(Schema):
    uuid: UUID = Field(description="Identifiant de la permanence")
    date: date
    starts_at: LocalTime = Field(description="Début (heure de Paris)")
    ends_at: LocalTime = Field(description="Fin")
    role: str = Field(description="Rôle (ex. accueil, pesée)")
    min_people: int = Field(description="Personnes minimum")
    max_people: int = Field(description="Personnes maximum")
    taken: int = Field(description="Personnes inscrites")
    places_left: int = Field(description="Places restantes (0 : complet)")
    distribution: UUID | None = Field(description="La distribution de l'AMAP (null : hors distribution)")
    people: list[ShiftPersonOut] = Field(description="Les personnes inscrites, dans l'ordre d'inscription")

    @staticmethod
    def resolve_places_left(obj):
        return max(obj.left, 0)

    @staticmethod
    def resolve_distribution(obj):
        return obj.distribution.uuid if obj.distribution_id else None

    @staticmethod
    def resolve_people(obj):
        return [{"name": signup.user.get_full_name()} for signup in obj.signups.all()]


class ShiftFilters(Schema):
    since: Date | None = Field(
        None, description="Permanences à partir du (AAAA-MM-JJ) ; absent : aujourd'hui"
    )
