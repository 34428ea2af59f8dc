"""The demo shops: pickup points, delivery, payment methods, fees and one open order cycle each.

Called by `cabas.demo.loader.demo_data_load` after the demo catalogue. Each row is matched by
a natural key (enterprise + name, enterprise + kind, coordinator + cycle name), so a second run
creates nothing new; the cycles' dates are refreshed on each run so that they stay open
(opened two days ago, closing in five days, pickup the day after).

Also creates the platform operator, « Cabas, coopérative » (a hidden profile whose slug is
`settings.PLATFORM_ENTERPRISE_SLUG`), with its platform fee: it applies to every cycle and is
shown like any other fee.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from cabas.catalogue.models import TaxRate, Variant
from cabas.cycles import services_approval
from cabas.cycles.models import (
    CycleDistributor,
    CycleSupplier,
    CycleVariant,
    Fee,
    OrderCycle,
    PriceDecision,
    ShippingMethod,
)
from cabas.cycles.negotiation import COORDINATOR, PRODUCER, negotiation
from cabas.enterprises.geocoding import geocode_address, geocode_place
from cabas.enterprises.models import (
    PRESET_PRICE_APPROVAL,
    Enterprise,
    GeocodeStatus,
    LegalForm,
    ModelPreset,
    Relationship,
    Role,
    Sells,
    VatRegime,
    Visibility,
)
from cabas.orders.models import Customer
from cabas.payments.accounts.ledger import account_post
from cabas.payments.models import AccountEntry, PaymentMethod

D = Decimal
CYCLE_NAME = "Commandes de la semaine"

PLATFORM = {
    "name": "Cabas, coopérative",
    "model": ModelPreset.HUB,
    "trade": "plateforme coopérative des circuits courts",
    "legal_form": LegalForm.SCIC,
    "vat_regime": VatRegime.STANDARD,
    "address": "12 rue Saint-Polycarpe",
    "postcode": "69001",
    "city": "Lyon",
    "short_description": "La coopérative qui héberge Cabas : une contribution affichée sur chaque prix.",
    "description": (
        "Cabas appartient à ses utilisateurs : producteurs, épiceries, AMAP et mangeurs en sont "
        "sociétaires. La coopérative héberge la plateforme, la maintient et l'améliore.\n\n"
        "Elle se finance par une contribution de 1 % sur les ventes, montrée sur chaque prix comme "
        "tous les autres frais, et votée chaque année en assemblée générale."
    ),
    "owner": "admin@cabas.localhost",
}
PLATFORM_FEE = {
    "name": "Contribution à la coopérative Cabas",
    "fee_type": Fee.Type.PLATFORM,
    "calculator": Fee.Calculator.PERCENT,
    "amount": D("1"),
    "vat": D("20"),
    "description": "Hébergement, maintenance et développement de la plateforme, votés en assemblée générale.",
}

# For each demo shop: pickup points and deliveries, payment methods, fees (with whom they are
# attached to in the cycle: coordinator or distributor), the pickup of the cycle.
SHOPS: dict[str, dict] = {
    "epicerie-croix-rousse": {
        "shipping": [
            {
                "kind": ShippingMethod.Kind.PICKUP,
                "name": "Retrait à l'épicerie",
                "address": "74 Grande Rue de la Croix-Rousse",
                "postcode": "69004",
                "city": "Lyon",
                "weekday": 3,
                "opens_at": datetime.time(16, 0),
                "closes_at": datetime.time(19, 30),
                "instructions": "Au comptoir du fond : donnez votre nom, votre commande est prête en sac.",
            },
            {
                "kind": ShippingMethod.Kind.DELIVERY,
                "name": "Livraison à vélo (Lyon 1er, 4e et Caluire)",
                "postcodes": "69001, 69004, 69300",
                "fee": D("4.50"),
                "fee_vat": D("20"),
                "minimum_order": D("25.00"),
                "instructions": "Le jeudi entre 18 h et 21 h, par un coursier à vélo de la coopérative.",
            },
        ],
        "payments": {
            "holder": "SCIC L'Épicerie de la Croix-Rousse",
            "iban": "FR7610278073110002054870126",
        },
        "fees": [
            {
                "name": "Préparation des commandes",
                "fee_type": Fee.Type.PACKING,
                "calculator": Fee.Calculator.PERCENT,
                "amount": D("8"),
                "vat": D("20"),
                "description": "Réception, tri et mise en sac par l'équipe salariée de l'épicerie.",
                "role": "coordinator",
            },
            {
                "name": "Transport depuis les Monts",
                "fee_type": Fee.Type.TRANSPORT,
                "calculator": Fee.Calculator.FLAT_PER_ITEM,
                "amount": D("0.15"),
                "vat": D("20"),
                "description": "Tournée mutualisée du camion frigorifique, deux fois par semaine.",
                "role": "coordinator",
            },
        ],
        "pickup_note": "Entrée par la cour",
    },
    "panier-gratte-ciel": {
        "shipping": [
            {
                "kind": ShippingMethod.Kind.PICKUP,
                "name": "Distribution à la salle de l'association",
                "address": "12 avenue Henri Barbusse",
                "postcode": "69100",
                "city": "Villeurbanne",
                "weekday": 2,
                "opens_at": datetime.time(17, 0),
                "closes_at": datetime.time(19, 0),
                "instructions": "Salle du rez-de-chaussée ; apportez vos sacs et vos boîtes à œufs.",
            },
        ],
        "payments": {
            "holder": "Le Panier des Gratte-Ciel",
            "iban": "FR7642559100000801234567812",
        },
        "fees": [
            {
                "name": "Caisse solidaire",
                "fee_type": Fee.Type.SOLIDARITY,
                "calculator": Fee.Calculator.PERCENT,
                "amount": D("3"),
                "vat": None,
                "description": "Finance le tarif solidaire des familles aux revenus modestes.",
                "role": "distributor",
            },
            {
                "name": "Fonctionnement de l'association",
                "fee_type": Fee.Type.ADMIN,
                "calculator": Fee.Calculator.FLAT_PER_ORDER,
                "amount": D("0.50"),
                "vat": None,
                "description": "Local, assurance et petit matériel de la distribution.",
                "role": "coordinator",
            },
        ],
        "pickup_note": "Au fond de la boutique",
    },
    "comptoir-des-monts": {
        "shipping": [
            {
                "kind": ShippingMethod.Kind.PICKUP,
                "name": "Retrait au magasin de Mornant",
                "address": "3 avenue du Pays Mornantais",
                "postcode": "69440",
                "city": "Mornant",
                "weekday": 4,
                "opens_at": datetime.time(9, 0),
                "closes_at": datetime.time(19, 0),
                "instructions": "À la caisse, aux heures d'ouverture du magasin.",
            },
        ],
        "payments": {
            "holder": "SCIC Le Comptoir des Monts",
            "iban": "FR7613906000148500123456783",
        },
        "fees": [
            {
                "name": "Tenue du magasin",
                "fee_type": Fee.Type.SALES,
                "calculator": Fee.Calculator.PERCENT,
                "amount": D("12"),
                "vat": D("20"),
                "description": "Loyer, caisse et permanences, partagés entre les fermes associées.",
                "role": "coordinator",
            },
            {
                "name": "Transport des fermes au magasin",
                "fee_type": Fee.Type.TRANSPORT,
                "calculator": Fee.Calculator.FLAT_PER_ITEM,
                "amount": D("0.10"),
                "vat": D("20"),
                "description": "Ramassage hebdomadaire dans les fermes des Monts.",
                "role": "coordinator",
            },
        ],
        "pickup_note": "Au comptoir, sur présentation du numéro de commande",
    },
}
PAYMENT_NAMES = {
    PaymentMethod.Kind.CASH: (
        "Espèces au retrait",
        "Réglez en espèces au moment du retrait, l'appoint est apprécié.",
    ),
    PaymentMethod.Kind.CHEQUE: ("Chèque", "Chèque à l'ordre de {name}, remis au retrait."),
    PaymentMethod.Kind.TRANSFER: (
        "Virement bancaire",
        "Indiquez la référence de votre commande : le paiement est reconnu sur notre relevé.",
    ),
    PaymentMethod.Kind.CREDIT: (
        "Compte client (crédit prépayé)",
        "Réglez avec le crédit de votre compte client ; approvisionnez-le par virement.",
    ),
}
# What the demo's regular customer holds on each shop's prepaid account (written once).
DEMO_CREDIT = ("mangeur@exemple.fr", Decimal("30.00"))
# Demo customers: (email, first name, last name, tags) known by every demo shop.
CUSTOMERS = [
    ("mangeur@exemple.fr", "Karim", "Haddad", ["adherent"]),
    ("martine.crozier@exemple.fr", "Martine", "Crozier", ["adherent", "benevole"]),
    ("louis.brun@exemple.fr", "Louis", "Brun", ["pro"]),
]


@dataclass(frozen=True)
class CyclesSummary:
    cycles: int
    variants: int


def _platform_upsert(users: dict) -> Enterprise:
    row = PLATFORM
    place = geocode_address(row["address"], row["postcode"], row["city"]) or geocode_place(row["city"])
    enterprise, _ = Enterprise.objects.update_or_create(
        slug=settings.PLATFORM_ENTERPRISE_SLUG,
        defaults={
            "name": row["name"],
            "model": row["model"],
            "is_producer": False,
            "sells": Sells.NONE,
            "visibility": Visibility.HIDDEN,
            "trade": row["trade"],
            "short_description": row["short_description"],
            "description": row["description"],
            "legal_form": row["legal_form"],
            "vat_regime": row["vat_regime"],
            "address": row["address"],
            "postcode": row["postcode"],
            "city": row["city"],
            "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "geocode_status": GeocodeStatus.OK if place else GeocodeStatus.FAILED,
        },
    )
    Role.objects.update_or_create(
        user=users[row["owner"]], enterprise=enterprise, defaults={"role": Role.Level.OWNER}
    )
    return enterprise


def _fee_upsert(enterprise: Enterprise, row: dict, rates: dict) -> Fee:
    fee, _ = Fee.objects.update_or_create(
        enterprise=enterprise,
        name=row["name"],
        defaults={
            "fee_type": row["fee_type"],
            "calculator": row["calculator"],
            "amount": row["amount"],
            "tax_rate": rates[row["vat"]] if row["vat"] is not None else None,
            "description": row["description"],
            "active": True,
            "tiers": [],
        },
    )
    return fee


def _shipping_upsert(enterprise: Enterprise, position: int, row: dict, rates: dict) -> ShippingMethod:
    values = {k: v for k, v in row.items() if k not in ("name", "fee_vat")}
    if row.get("fee_vat") is not None:
        values["fee_tax_rate"] = rates[row["fee_vat"]]
    if row["kind"] == ShippingMethod.Kind.PICKUP:
        place = geocode_address(row["address"], row["postcode"], row["city"])
        values.update(lat=place.lat if place else None, lon=place.lon if place else None)
    method, _ = ShippingMethod.objects.update_or_create(
        enterprise=enterprise, name=row["name"], defaults={**values, "active": True, "position": position}
    )
    return method


def _payments_upsert(enterprise: Enterprise, account: dict) -> list[PaymentMethod]:
    """Cash, cheque (to the shop's order), transfer (to its account, with the QR code) and prepaid
    credit; the IBANs are made-up but valid."""
    iban = IBAN(account["iban"])
    methods = []
    for position, (kind, (name, instructions)) in enumerate(PAYMENT_NAMES.items()):
        method = PaymentMethod.objects.filter(enterprise=enterprise, kind=kind).order_by("pk").first()
        if method is None:
            method = PaymentMethod(enterprise=enterprise, kind=kind)
        method.name, method.active, method.position = name, True, position
        method.instructions = instructions.format(name=enterprise.name)
        if kind == PaymentMethod.Kind.CHEQUE:
            method.payee = enterprise.name
        if kind == PaymentMethod.Kind.TRANSFER:
            method.account_holder, method.iban = account["holder"], iban.compact
            method.bic = str(iban.bic or "")
        if kind == PaymentMethod.Kind.CREDIT:
            method.min_balance, method.low_balance_threshold = Decimal("0.00"), Decimal("10.00")
        method.save()
        methods.append(method)
    return methods


def _credit_upsert(shop: Enterprise) -> None:
    """The regular customer's first top-up, once (a ledger is never rewritten)."""
    email, amount = DEMO_CREDIT
    customer = Customer.objects.get(enterprise=shop, email=email)
    if not AccountEntry.objects.filter(customer=customer).exists():
        account_post(customer=customer, kind=AccountEntry.Kind.TOP_UP, amount=amount, note="Virement")


def _suppliers(shop: Enterprise) -> list[Enterprise]:
    """The producers letting `shop` add their products to cycles, that have products on sale."""
    granting = Relationship.objects.filter(
        grantee=shop, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    ).values("grantor")
    selling = Variant.objects.filter(archived_at__isnull=True, product__archived_at__isnull=True).values(
        "product__producer"
    )
    return list(Enterprise.objects.filter(pk__in=granting).filter(pk__in=selling).order_by("name"))


def _cycle_upsert(
    shop: Enterprise, config: dict, fees: dict, shipping, payments, now
) -> tuple[OrderCycle, int]:
    opens_at = now - datetime.timedelta(days=2)
    closes_at = now + datetime.timedelta(days=5)
    pickup_day = timezone.localtime(closes_at).date() + datetime.timedelta(days=1)
    pickup_at = timezone.make_aware(datetime.datetime.combine(pickup_day, datetime.time(17, 0)))
    cycle = OrderCycle.objects.filter(coordinator=shop, name=CYCLE_NAME).order_by("pk").first()
    if cycle is None:
        cycle = OrderCycle(coordinator=shop, name=CYCLE_NAME)
    cycle.opens_at, cycle.closes_at = opens_at, closes_at
    cycle.approval = OrderCycle.Approval.NOT_REQUIRED
    cycle.producers_notified_at = None
    cycle.save()
    cycle.coordinator_fees.set(fees["coordinator"])

    suppliers = _suppliers(shop)
    for supplier in suppliers:
        CycleSupplier.objects.get_or_create(cycle=cycle, supplier=supplier)
    CycleSupplier.objects.filter(cycle=cycle).exclude(supplier__in=suppliers).delete()
    variants = list(
        Variant.objects.filter(
            product__producer__in=suppliers, archived_at__isnull=True, product__archived_at__isnull=True
        ).values_list("pk", flat=True)
    )
    CycleVariant.objects.filter(cycle=cycle).exclude(variant_id__in=variants).delete()
    offered = set(CycleVariant.objects.filter(cycle=cycle).values_list("variant_id", flat=True))
    CycleVariant.objects.bulk_create(
        CycleVariant(cycle=cycle, variant_id=pk) for pk in variants if pk not in offered
    )

    distributor, _ = CycleDistributor.objects.update_or_create(
        cycle=cycle, distributor=shop, defaults={"pickup_at": pickup_at, "pickup_note": config["pickup_note"]}
    )
    distributor.shipping_methods.set(shipping)
    distributor.payment_methods.set(payments)
    distributor.fees.set(fees["distributor"])
    distributor.excluded_variants.clear()
    return cycle, len(variants)


def _prices_decided_together(shop: Enterprise, cycle: OrderCycle) -> None:
    """A shop whose preset decides prices together (the producer store) does so for real: it submits
    its cycle's prices, its first producer counter-proposes one price (20 cents more) and accepts the
    rest, the others accept, the shop accepts the counter-proposal. Done once: a cycle already
    decided stays so."""
    approval = PRESET_PRICE_APPROVAL.get(shop.model)
    if approval is None:
        return
    if shop.price_approval != approval:
        shop.price_approval = approval
        shop.save(update_fields=["price_approval"])
    if PriceDecision.objects.filter(cycle=cycle, kind=PriceDecision.Kind.DECIDED).exists():
        OrderCycle.objects.filter(pk=cycle.pk).update(approval=OrderCycle.Approval.APPROVED)
        return
    OrderCycle.objects.filter(pk=cycle.pk).update(approval=OrderCycle.Approval.DRAFT)
    owner = Role.objects.filter(enterprise=shop, role=Role.Level.OWNER).select_related("user").first()
    cycle.refresh_from_db()
    services_approval.cycle_prices_submit(
        cycle=cycle, user=owner.user, comment="Les prix de la saison d'hiver, à valider ensemble."
    )
    cycle.refresh_from_db()
    state = negotiation(cycle, with_shelf=False)
    producers = [p for p in state.parties if p.kind == PRODUCER]
    for index, party in enumerate(producers):
        role = (
            Role.objects.filter(enterprise=party.enterprise, role=Role.Level.OWNER)
            .select_related("user")
            .first()
        )
        if role is None:
            continue
        answers, comment = {}, ""
        line = next((x for x in state.lines_for(party.key) if x.variant is not None), None)
        if index == 0 and line is not None:
            answers = {line.key: str(line.current + Decimal("0.20"))}
            comment = "Le froid a réduit la récolte : je propose 20 centimes de plus sur ce produit."
        services_approval.cycle_prices_respond(
            cycle=cycle,
            user=role.user,
            enterprise=party.enterprise,
            role=role,
            party_kind=PRODUCER,
            answers=answers,
            accept_all=True,
            comment=comment,
        )
        cycle.refresh_from_db()
    cycle.refresh_from_db()
    if cycle.approval != OrderCycle.Approval.APPROVED:
        owner_role = Role.objects.get(enterprise=shop, user=owner.user)
        services_approval.cycle_prices_respond(
            cycle=cycle,
            user=owner.user,
            enterprise=shop,
            role=owner_role,
            party_kind=COORDINATOR,
            accept_all=True,
            comment="D'accord, c'est juste.",
        )


def _customers_upsert(shop: Enterprise, users: dict) -> None:
    for email, first_name, last_name, tags in CUSTOMERS:
        Customer.objects.update_or_create(
            enterprise=shop,
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "tags": tags,
                "user": users.get(email),
            },
        )


@transaction.atomic
def demo_cycles_load(enterprises: dict, users: dict) -> CyclesSummary:
    """Create or refresh the platform operator and, in each demo shop, its pickup points and
    deliveries, payment methods, fees, customers and one open order cycle offering its producers'
    products. `enterprises` maps slugs to the demo enterprises, `users` emails to the demo users."""
    rates = {rate.rate: rate for rate in TaxRate.objects.all()}
    platform = _platform_upsert(users)
    _fee_upsert(platform, PLATFORM_FEE, rates)
    now = timezone.now()
    cycles = variants = 0
    for slug, config in SHOPS.items():
        shop = enterprises[slug]
        shipping = [_shipping_upsert(shop, i, row, rates) for i, row in enumerate(config["shipping"])]
        payments = _payments_upsert(shop, config["payments"])
        fees = {"coordinator": [], "distributor": []}
        for row in config["fees"]:
            fees[row["role"]].append(_fee_upsert(shop, row, rates))
        _customers_upsert(shop, users)
        _credit_upsert(shop)
        cycle, offered = _cycle_upsert(shop, config, fees, shipping, payments, now)
        _prices_decided_together(shop, cycle)
        cycles += 1
        variants += offered
    return CyclesSummary(cycles=cycles, variants=variants)
