"""The world a synthetic history happens in (`cabas.fulfilment.scale`): hubs and producers, the
producers' catalogue, the hubs' customers, shipping and payment methods and fees, and one weekly
order cycle per hub with its suppliers, distribution and variants. Sizes follow the number of
order lines asked for; every choice comes from the seeded generator given.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from cabas.catalogue.models import Category, Product, TaxRate, Variant
from cabas.cycles.models import (
    CycleDistributor,
    CycleSupplier,
    CycleVariant,
    Fee,
    OrderCycle,
    ShippingMethod,
)
from cabas.cycles.pricing import FEE_RELATED, FeeContext
from cabas.enterprises.models import (
    Enterprise,
    GeocodeStatus,
    LegalForm,
    ModelPreset,
    Relationship,
    Sells,
    VatRegime,
)
from cabas.fulfilment import scale_data as data
from cabas.lib.money import round_money
from cabas.lib.units import reference_quantity
from cabas.orders.models import Customer
from cabas.orders.placing import number_prefix
from cabas.payments.models import PaymentMethod

BATCH_SIZE = 5000
LINES_PER_ORDER = (3, 12)  # fewest and most lines of an order
WEEKS = (4, 26)  # fewest and most weekly cycles per hub (26: about six months)
PAYMENT_KINDS = (
    # kind, displayed name, share of the orders paid with it
    (PaymentMethod.Kind.CARD, "Carte bancaire", 40),
    (PaymentMethod.Kind.CHEQUE, "Chèque", 25),
    (PaymentMethod.Kind.TRANSFER, "Virement bancaire", 20),
    (PaymentMethod.Kind.CASH, "Espèces au retrait", 15),
)
DELIVERY_FEE = Decimal("4.90")
SATURDAY = 5


@dataclass
class Shop:
    """A hub with what its orders are made of."""

    hub: Enterprise
    prefix: str  # of its order numbers, as the checkout makes it from the slug
    customers: list
    pickups: list
    delivery: ShippingMethod
    payment_methods: list
    payment_weights: list
    suppliers: list
    variants: list  # what its cycles offer: every variant of its suppliers
    context: FeeContext  # its fees, the same in each of its cycles
    last: int = 0  # the last order number given


@dataclass
class Slot:
    """One weekly cycle of one hub."""

    shop: Shop
    cycle: OrderCycle
    opens_at: datetime.datetime
    ends_at: datetime.datetime  # orders are placed before: the closing, or today's midnight
    pickup_at: datetime.datetime
    weight: int  # its share of the orders


@dataclass
class World:
    shops: list
    slots: list  # chronological
    midnight: datetime.datetime  # today's start: cycles collected before are fulfilled
    producers: int
    products: int
    variants: int
    customers: int

    def counts(self) -> dict:
        return {
            "hubs": len(self.shops),
            "producers": self.producers,
            "products": self.products,
            "variants": self.variants,
            "customers": self.customers,
            "cycles": len(self.slots),
        }


def world_build(rng, *, seed: int, run: int, lines: int, today: datetime.date, hubs=None) -> World | None:
    """Create the world of a history of about `lines` lines over `hubs` hubs (None: by size); None
    without reference categories."""
    categories = {c.slug: c for c in Category.objects.select_related("default_tax_rate")}
    if not categories:
        return None
    standard = TaxRate.objects.filter(rate=Decimal(20)).first()
    suffix = f"-e{seed}-{run}"
    hub_count = hubs or min(8, 2 + lines // 200_000)
    weeks = max(WEEKS[0], min(WEEKS[1], lines // 4000))
    per_hub = lines / (sum(LINES_PER_ORDER) / 2) / hub_count  # orders
    hubs = _hubs_make(rng, hub_count, suffix)
    producers = _producers_make(rng, 3 * hub_count + 4, suffix)
    Enterprise.objects.bulk_create([*hubs, *producers], batch_size=BATCH_SIZE)
    products, variants = _catalogue_make(rng, producers, categories)
    supplier_fees = _fees_make(rng, hubs, producers, standard)
    platform = list(
        Fee.objects.select_related(*FEE_RELATED).filter(
            active=True, fee_type=Fee.Type.PLATFORM, enterprise__slug=settings.PLATFORM_ENTERPRISE_SLUG
        )
    )
    by_producer: dict[int, list] = {}
    for variant in variants:
        by_producer.setdefault(variant.product.producer_id, []).append(variant)
    shops, relationships = [], []
    customer_count = max(10, min(4000, int(per_hub / 6)))
    for hub in hubs:
        suppliers = rng.sample(producers, min(len(producers), rng.randint(5, 8)))
        relationships += [
            Relationship(grantor=p, grantee=hub, status=Relationship.Status.ACCEPTED) for p in suppliers
        ]
        context = FeeContext(
            supplier_fees={p.pk: [supplier_fees[p.pk]] for p in suppliers if p.pk in supplier_fees},
            distributor_fees=[hub.packing_fee],
            platform_fees=platform,
        )
        shops.append(_shop_make(rng, hub, suppliers, by_producer, customer_count, standard, context))
    Relationship.objects.bulk_create(relationships, batch_size=BATCH_SIZE)
    _methods_save(shops)
    slots = _cycles_make(rng, shops, weeks, today, supplier_fees)
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    return World(
        shops=shops,
        slots=slots,
        midnight=midnight,
        producers=len(producers),
        products=len(products),
        variants=len(variants),
        customers=sum(len(s.customers) for s in shops),
    )


def _place(rng) -> tuple[str, str, str, float, float]:
    """(street address, postcode, town, latitude, longitude) of a random place in the region."""
    town, postcode, lat, lon = rng.choice(data.TOWNS)
    street = f"{rng.randint(1, 120)} {rng.choice(data.STREETS)}"
    return street, postcode, town, lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)


def _phone(rng, start: str) -> str:
    return " ".join([start, *(str(rng.randint(10, 99)) for _ in range(4))])


def _enterprise(rng, name: str, suffix: str, **fields) -> Enterprise:
    slug = slugify(name)[: 80 - len(suffix)] + suffix
    address, postcode, city, lat, lon = _place(rng)
    return Enterprise(
        slug=slug,
        name=name,
        email=f"contact+{slug}@example.org",
        phone=_phone(rng, "04"),
        address=address,
        postcode=postcode,
        city=city,
        lat=lat,
        lon=lon,
        geocode_status=GeocodeStatus.OK,
        **fields,
    )


def _hubs_make(rng, count: int, suffix: str) -> list[Enterprise]:
    names = rng.sample(data.HUB_NAMES, min(count, len(data.HUB_NAMES)))
    return [
        _enterprise(
            rng,
            name,
            suffix,
            model=ModelPreset.HUB,
            sells=Sells.ANY,
            vat_regime=VatRegime.STANDARD,
            legal_form=LegalForm.SCIC,
            short_description="Les produits des fermes voisines, chaque semaine.",
        )
        for name in names
    ]


def _producers_make(rng, count: int, suffix: str) -> list[Enterprise]:
    producers, names = [], set()
    offset = rng.randrange(len(data.TRADES))
    for index in range(count):
        trade, prefixes, _ = data.TRADES[(offset + index) % len(data.TRADES)]
        name = f"{rng.choice(prefixes)} {rng.choice(data.FARM_PLACES)}"
        while name in names:
            name = f"{rng.choice(prefixes)} {rng.choice(data.FARM_PLACES)}"
        names.add(name)
        producer = _enterprise(
            rng,
            name,
            suffix,
            model=ModelPreset.FARM_SALE,
            is_producer=True,
            sells=Sells.OWN,
            trade=trade,
            vat_regime=VatRegime.STANDARD if rng.random() < 0.6 else VatRegime.FRANCHISE,
            legal_form=rng.choice((LegalForm.EARL, LegalForm.GAEC, LegalForm.EI)),
        )
        producer.trade_index = (offset + index) % len(data.TRADES)
        producers.append(producer)
    return producers


def _catalogue_make(rng, producers, categories) -> tuple[list, list]:
    """About twenty products per producer, each sold in one or two sizes (on demand: no stock)."""
    products, variants = [], []
    for producer in producers:
        items = [
            (categories[slug], name)
            for slug, names in data.TRADES[producer.trade_index][2]
            if slug in categories and slug in data.SELLING
            for name in names
        ]
        rng.shuffle(items)
        for category, name in items[: rng.randint(16, 22)]:
            product = Product(producer=producer, name=name, category=category)
            unit, quantities, price, unit_name = data.SELLING[category.slug]
            factor = Decimal(rng.randint(85, 125)) / 100
            sizes = sorted(rng.sample(quantities, rng.randint(1, min(2, len(quantities)))), key=Decimal)
            for position, size in enumerate(sizes):
                amount = round_money(Decimal(price) * factor * reference_quantity(Decimal(size), unit))
                variant = Variant(
                    unit=unit,
                    quantity=Decimal(size),
                    unit_name=unit_name,
                    price=max(amount, Decimal("0.50")),
                    on_demand=True,
                    position=position,
                )
                variant.product = product
                variants.append(variant)
            products.append(product)
    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    for variant in variants:
        variant.product_id = variant.product.pk
    Variant.objects.bulk_create(variants, batch_size=BATCH_SIZE)
    return products, variants


def _fees_make(rng, hubs, producers, standard) -> dict[int, Fee]:
    """A packing fee per hub (`hub.packing_fee`); a transport fee for about a third of the
    producers, returned by producer id."""
    fees = []
    for hub in hubs:
        if rng.random() < 0.5:
            calculator, amount = Fee.Calculator.PERCENT, Decimal(rng.choice((5, 8, 10, 12)))
        else:
            calculator, amount = Fee.Calculator.FLAT_PER_ITEM, Decimal(rng.choice(("0.20", "0.30", "0.50")))
        hub.packing_fee = Fee(
            enterprise=hub,
            name="Préparation des paniers",
            fee_type=Fee.Type.PACKING,
            calculator=calculator,
            amount=amount,
            tax_rate=standard,
            description="La réception, le tri et la mise en cagettes des commandes.",
        )
        fees.append(hub.packing_fee)
    supplier_fees = {}
    for producer in producers:
        if rng.random() < 0.35:
            fee = Fee(
                enterprise=producer,
                name="Transport depuis la ferme",
                fee_type=Fee.Type.TRANSPORT,
                calculator=Fee.Calculator.FLAT_PER_ORDER,
                amount=Decimal(rng.choice(("1.50", "2.00", "2.50", "3.00"))),
                tax_rate=standard,
                description="La livraison des produits de la ferme au point de vente.",
            )
            supplier_fees[producer.pk] = fee
            fees.append(fee)
    Fee.objects.bulk_create(fees, batch_size=BATCH_SIZE)
    return supplier_fees


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace(" ", "").lower()


def _shop_make(rng, hub, suppliers, by_producer, customer_count: int, standard, context) -> Shop:
    """A hub's customers (saved), its shipping and payment methods (saved by `_methods_save`)."""
    customers = []
    for index in range(customer_count):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        address, _, _, _, _ = _place(rng)
        customers.append(
            Customer(
                enterprise=hub,
                email=f"{_ascii(first)}.{_ascii(last)}.{index}@example.org",
                first_name=first,
                last_name=last,
                phone=_phone(rng, "06"),
                address=address,
                postcode=hub.postcode,
                city=hub.city,
            )
        )
    Customer.objects.bulk_create(customers, batch_size=BATCH_SIZE)
    _, _, town, _, _ = _place(rng)
    pickups = [
        ShippingMethod(
            enterprise=hub,
            name=f"Retrait à {hub.name}"[:120],
            address=hub.address,
            postcode=hub.postcode,
            city=hub.city,
            weekday=SATURDAY,
            opens_at=datetime.time(9, 30),
            closes_at=datetime.time(12, 30),
            position=0,
        ),
        ShippingMethod(
            enterprise=hub,
            name=f"Point relais de {town}",
            city=town,
            weekday=SATURDAY,
            opens_at=datetime.time(14),
            closes_at=datetime.time(17),
            position=1,
        ),
    ]
    delivery = ShippingMethod(
        enterprise=hub,
        kind=ShippingMethod.Kind.DELIVERY,
        name=f"Livraison à domicile ({hub.city})",
        postcodes=hub.postcode,
        fee=DELIVERY_FEE,
        fee_tax_rate=standard,
        position=2,
    )
    methods = [
        PaymentMethod(enterprise=hub, kind=kind, name=name, position=position, payee=hub.name)
        for position, (kind, name, _) in enumerate(PAYMENT_KINDS)
    ]
    return Shop(
        hub=hub,
        prefix=number_prefix(hub.slug),
        customers=customers,
        pickups=pickups,
        delivery=delivery,
        payment_methods=methods,
        payment_weights=[share for _, _, share in PAYMENT_KINDS],
        suppliers=suppliers,
        variants=[v for p in suppliers for v in by_producer.get(p.pk, ())],
        context=context,
    )


def _methods_save(shops) -> None:
    ShippingMethod.objects.bulk_create([m for s in shops for m in (*s.pickups, s.delivery)])
    PaymentMethod.objects.bulk_create([m for s in shops for m in s.payment_methods])


def _through(manager_field, pairs) -> list:
    """Rows of the table behind a many-to-many field from (owner id, target id) pairs."""
    through = manager_field.through
    source = manager_field.field.m2m_field_name() + "_id"
    target = manager_field.field.m2m_reverse_field_name() + "_id"
    return [through(**{source: a, target: b}) for a, b in pairs]


def _cycles_make(rng, shops, weeks: int, today: datetime.date, supplier_fees) -> list[Slot]:
    """One cycle a week per hub, the last one collected on the coming Saturday: it opens on the
    Friday eight days before and closes on the Thursday evening."""
    coming = today + datetime.timedelta(days=(SATURDAY - today.weekday()) % 7)
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    weights = [rng.uniform(0.6, 1.4) for _ in shops]

    def at(day, hour, minute=0):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    slots = []
    for age in range(weeks - 1, -1, -1):
        pickup_day = coming - datetime.timedelta(weeks=age)
        for shop, weight in zip(shops, weights, strict=True):
            cycle = OrderCycle(
                coordinator=shop.hub,
                name=f"Semaine du {pickup_day:%d/%m/%Y} — {shop.hub.name}"[:120],
                opens_at=at(pickup_day - datetime.timedelta(days=8), 8),
                closes_at=at(pickup_day - datetime.timedelta(days=2), 20),
            )
            growth = 1 + 0.6 * (weeks - age) / weeks
            slots.append(
                Slot(
                    shop=shop,
                    cycle=cycle,
                    opens_at=cycle.opens_at,
                    ends_at=min(cycle.closes_at, midnight),
                    pickup_at=at(pickup_day, 9, 30),
                    weight=max(1, round(1000 * weight * growth * rng.uniform(0.85, 1.15))),
                )
            )
    OrderCycle.objects.bulk_create([s.cycle for s in slots], batch_size=BATCH_SIZE)
    suppliers, distributors, offered = [], [], []
    for slot in slots:
        shop = slot.shop
        for producer in shop.suppliers:
            suppliers.append(CycleSupplier(cycle=slot.cycle, supplier=producer))
        distributors.append(
            CycleDistributor(cycle=slot.cycle, distributor=shop.hub, pickup_at=slot.pickup_at)
        )
        offered += [CycleVariant(cycle=slot.cycle, variant=v) for v in shop.variants]
    CycleSupplier.objects.bulk_create(suppliers, batch_size=BATCH_SIZE)
    CycleDistributor.objects.bulk_create(distributors, batch_size=BATCH_SIZE)
    CycleVariant.objects.bulk_create(offered, batch_size=BATCH_SIZE)
    fee_of = {pk: fee.pk for pk, fee in supplier_fees.items()}
    CycleSupplier.fees.through.objects.bulk_create(
        _through(
            CycleSupplier.fees, [(s.pk, fee_of[s.supplier_id]) for s in suppliers if s.supplier_id in fee_of]
        ),
        batch_size=BATCH_SIZE,
    )
    pairs = [(d, d.distributor) for d in distributors]
    by_hub = {shop.hub.pk: shop for shop in shops}
    CycleDistributor.shipping_methods.through.objects.bulk_create(
        _through(
            CycleDistributor.shipping_methods,
            [(d.pk, m.pk) for d, hub in pairs for m in (*by_hub[hub.pk].pickups, by_hub[hub.pk].delivery)],
        ),
        batch_size=BATCH_SIZE,
    )
    CycleDistributor.payment_methods.through.objects.bulk_create(
        _through(
            CycleDistributor.payment_methods,
            [(d.pk, m.pk) for d, hub in pairs for m in by_hub[hub.pk].payment_methods],
        ),
        batch_size=BATCH_SIZE,
    )
    CycleDistributor.fees.through.objects.bulk_create(
        _through(CycleDistributor.fees, [(d.pk, hub.packing_fee.pk) for d, hub in pairs]),
        batch_size=BATCH_SIZE,
    )
    return slots
