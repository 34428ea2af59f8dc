"""Pricing of order cycles: each calculator exact to the cent, breakdowns adding up to the price
shown, order totals equal to lines + fee lines, VAT consistent per rate (property tests), and the
fees that apply to a variant loaded from the database in a constant number of queries."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.catalogue.models import Category, Product, TaxRate, Variant
from cabas.cycles import pricing
from cabas.cycles.models import CycleDistributor, CycleSupplier, Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise, VatRegime
from cabas.lib.money import ZERO, round_money, split_vat
from tests.factories import EnterpriseFactory, HubFactory, VariantFactory

RATES = [Decimal("0"), Decimal("5.5"), Decimal("10"), Decimal("20")]
_ids = count(1)


# --- unsaved objects for pure-Python property tests -------------------------------------------


def make_enterprise(regime=VatRegime.STANDARD):
    return Enterprise(pk=next(_ids), name="E", slug=f"e{next(_ids)}", vat_regime=regime)


def make_fee(*, calculator, amount, fee_type="packing", tiers=None, rate=None, enterprise=None):
    tax = TaxRate(pk=next(_ids), rate=rate, slug="t", name="t") if rate is not None else None
    return Fee(
        pk=next(_ids),
        enterprise=enterprise or make_enterprise(),
        name=f"Frais {calculator}",
        fee_type=fee_type,
        calculator=calculator,
        amount=amount,
        tiers=tiers or [],
        tax_rate=tax,
        active=True,
    )


def make_variant(*, price, unit="g", quantity=Decimal("500"), rate=Decimal("5.5"), producer=None):
    tax = TaxRate(pk=next(_ids), rate=rate, slug="t", name="t")
    category = Category(pk=next(_ids), name="c", slug="c", default_tax_rate=tax)
    producer = producer or make_enterprise()
    product = Product(pk=next(_ids), producer=producer, name="P", category=category)
    return Variant(pk=next(_ids), product=product, unit=unit, quantity=quantity, price=price, tax_rate=tax)


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)
fee_amount = st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=4)
percent = st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=2)
rates = st.sampled_from(RATES)
quantities = st.integers(min_value=1, max_value=60)
tiers = st.lists(
    st.tuples(st.integers(min_value=1, max_value=50), st.decimals(min_value=0, max_value=5, places=2)),
    max_size=4,
    unique_by=lambda t: t[0],
).map(lambda rows: [{"from": f, "amount": str(a)} for f, a in rows])


@st.composite
def fees(draw):
    calculator = draw(st.sampled_from(list(Fee.Calculator.values)))
    amount = draw(percent if calculator == Fee.Calculator.PERCENT else fee_amount)
    regime = draw(st.sampled_from(list(VatRegime.values)))
    return make_fee(
        calculator=calculator,
        amount=amount,
        fee_type=draw(st.sampled_from(list(Fee.Type.values))),
        tiers=draw(tiers) if calculator == Fee.Calculator.TIERED else [],
        rate=draw(st.one_of(st.none(), rates)),
        enterprise=make_enterprise(regime),
    )


@st.composite
def variants(draw):
    unit = draw(st.sampled_from(["g", "kg", "ml", "l", "item"]))
    quantity = draw(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("5000"), places=1))
    return make_variant(price=draw(money), unit=unit, quantity=quantity, rate=draw(rates))


def context_of(fee_list, producer_ids=()):
    """Spread fees over the four sources (suppliers of every producer, coordinator, distributor,
    platform)."""
    sources = [[], [], [], []]
    for i, fee in enumerate(fee_list):
        sources[i % 4].append(fee)
    return pricing.FeeContext(
        supplier_fees=dict.fromkeys(producer_ids, sources[0]),
        coordinator_fees=sources[1],
        distributor_fees=sources[2],
        platform_fees=sources[3],
    )


# --- each calculator, exact to the cent -------------------------------------------------------


@given(amount=fee_amount)
def test_it_charges_a_flat_per_item_fee_rounded_once_per_unit(amount):
    fee = make_fee(calculator="flat_per_item", amount=amount)
    got = pricing.per_unit_amount(fee, price=Decimal("3"), weight_kg=Decimal(0))
    assert got == round_money(amount)
    assert got == got.quantize(Decimal("0.01"))


@given(price=money, rate=percent)
def test_it_charges_a_percent_fee_half_up_on_the_producer_price(price, rate):
    fee = make_fee(calculator="percent", amount=rate)
    got = pricing.per_unit_amount(fee, price=price, weight_kg=Decimal(0))
    exact = price * rate / 100
    assert abs(got - exact) <= Decimal("0.005")
    assert got == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_it_rounds_half_up_a_percent_fee():
    fee = make_fee(calculator="percent", amount=Decimal("5"))
    # 5 % of 0.10 € is 0.005 €: half up gives one cent (not banker's rounding to 0)
    assert pricing.per_unit_amount(fee, price=Decimal("0.10"), weight_kg=Decimal(0)) == Decimal("0.01")
    assert pricing.per_unit_amount(fee, price=Decimal("0.30"), weight_kg=Decimal(0)) == Decimal("0.02")


@given(amount=fee_amount, grams=st.integers(min_value=1, max_value=20000))
def test_it_charges_a_per_kg_fee_on_the_weight_of_one_unit(amount, grams):
    fee = make_fee(calculator="per_kg", amount=amount)
    variant = make_variant(price=Decimal("4"), unit="g", quantity=Decimal(grams))
    got = pricing.per_unit_amount(fee, price=Decimal("4"), weight_kg=pricing.unit_weight_kg(variant))
    assert got == round_money(amount * Decimal(grams) / 1000)


def test_it_charges_no_per_kg_fee_on_items_or_volumes():
    fee = make_fee(calculator="per_kg", amount=Decimal("0.40"))
    for unit, quantity in [("item", Decimal("6")), ("l", Decimal("1")), ("cl", Decimal("75"))]:
        variant = make_variant(price=Decimal("4"), unit=unit, quantity=quantity)
        assert pricing.unit_weight_kg(variant) == 0
        ctx = context_of([fee, fee, fee, fee], [variant.product.producer_id])
        assert ctx.unit_fees(variant) == []
    kilo = make_variant(price=Decimal("4"), unit="kg", quantity=Decimal("1.5"))
    ctx = pricing.FeeContext(coordinator_fees=[fee])
    assert ctx.unit_fees(kilo)[0].amount == Decimal("0.60")


@given(rows=tiers, quantity=quantities)
def test_it_picks_the_highest_tier_reached_by_the_line_quantity(rows, quantity):
    fee = make_fee(calculator="tiered", amount=Decimal(0), tiers=rows)
    got = pricing.per_unit_amount(fee, price=Decimal("2"), weight_kg=Decimal(0), quantity=quantity)
    reached = [(int(r["from"]), Decimal(r["amount"])) for r in rows if int(r["from"]) <= quantity]
    assert got == (max(reached)[1] if reached else ZERO)


def test_it_reads_tiers_as_entered():
    fee = make_fee(
        calculator="tiered",
        amount=Decimal(0),
        tiers=[{"from": 10, "amount": "0.30"}, {"from": 1, "amount": "0.50"}, {"from": "x", "amount": "1"}],
    )
    at = lambda q: pricing.per_unit_amount(fee, price=Decimal(1), weight_kg=Decimal(0), quantity=q)  # noqa: E731
    assert [at(1), at(9), at(10), at(40)] == [
        Decimal("0.50"),
        Decimal("0.50"),
        Decimal("0.30"),
        Decimal("0.30"),
    ]


def test_it_never_charges_a_per_order_fee_per_unit():
    fee = make_fee(calculator="flat_per_order", amount=Decimal("2"))
    variant = make_variant(price=Decimal("3"))
    ctx = pricing.FeeContext(coordinator_fees=[fee])
    assert ctx.unit_fees(variant) == []
    lines = ctx.order_fee_lines([(variant, 7), (make_variant(price=Decimal("1")), 3)])
    assert [(f.name, f.amount) for f in lines] == [(fee.name, Decimal("2.00"))]


# --- VAT on fees ------------------------------------------------------------------------------


def test_it_takes_the_vat_of_a_fee_from_its_rate_or_none_under_the_franchise():
    assert pricing.fee_tax_rate(make_fee(calculator="flat_per_item", amount=1, rate=Decimal("20"))) == 20
    assert pricing.fee_tax_rate(make_fee(calculator="flat_per_item", amount=1)) == 0
    franchise = make_enterprise(VatRegime.FRANCHISE)
    fee = make_fee(calculator="flat_per_item", amount=1, rate=Decimal("20"), enterprise=franchise)
    assert pricing.fee_tax_rate(fee) == 0


def test_it_ignores_inactive_fees_and_charges_a_fee_attached_twice_once():
    fee = make_fee(calculator="flat_per_item", amount=Decimal("0.50"))
    off = make_fee(calculator="flat_per_item", amount=Decimal("9"))
    off.active = False
    variant = make_variant(price=Decimal("3"))
    ctx = pricing.FeeContext(coordinator_fees=[fee, off], distributor_fees=[fee])
    assert [f.amount for f in ctx.unit_fees(variant)] == [Decimal("0.50")]


# --- properties of breakdowns and orders ------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(fee_list=st.lists(fees(), max_size=8), variant=variants(), quantity=quantities)
def test_it_breaks_a_price_down_into_parts_that_add_up_to_the_price_shown(fee_list, variant, quantity):
    ctx = context_of(fee_list, [variant.product.producer_id])
    breakdown = ctx.price_breakdown(variant, quantity)
    assert breakdown.unit_price == breakdown.producer_price + sum((f.amount for f in breakdown.fees), ZERO)
    assert sum(breakdown.shares.values(), ZERO) == breakdown.unit_price
    assert breakdown.shares[pricing.PRODUCERS] == breakdown.producer_price
    for part in [breakdown.producer_price, breakdown.vat, *(f.amount for f in breakdown.fees)]:
        assert part == part.quantize(Decimal("0.01"))
    assert ZERO <= breakdown.vat <= breakdown.unit_price
    assert all(f.amount > 0 for f in breakdown.fees)
    assert ctx.unit_price(variant, quantity) == breakdown.unit_price


@settings(max_examples=150, deadline=None)
@given(
    fee_list=st.lists(fees(), max_size=8),
    items=st.lists(st.tuples(variants(), quantities), min_size=1, max_size=6),
    shipping_fee=st.one_of(st.none(), money),
    shipping_rate=st.one_of(st.none(), rates),
)
def test_it_totals_an_order_as_lines_plus_fee_lines_with_vat_consistent_per_rate(
    fee_list, items, shipping_fee, shipping_rate
):
    producer_ids = [v.product.producer_id for v, _ in items]
    ctx = context_of(fee_list, producer_ids)
    shipping = None
    if shipping_fee is not None:
        tax = (
            TaxRate(pk=next(_ids), rate=shipping_rate, slug="t", name="t")
            if shipping_rate is not None
            else None
        )
        shipping = ShippingMethod(
            kind="delivery",
            name="Livraison",
            fee=shipping_fee,
            fee_tax_rate=tax,
            enterprise=make_enterprise(),
        )
    lines = ctx.order_lines(items)
    fee_lines = ctx.order_fee_lines(items, shipping)
    totals = pricing.order_totals(lines, fee_lines)

    # order total = Σ lines + Σ fee lines, exactly
    assert totals.items_total == sum((line.total for line in lines), ZERO)
    assert totals.fees_total == sum((f.amount for f in fee_lines), ZERO)
    assert totals.total == totals.items_total + totals.fees_total

    # VAT per rate: the rates' VAT add up to the VAT total, each is the VAT within its amounts
    assert sum(totals.vat_by_rate.values(), ZERO) == totals.vat_total
    bases = {}
    for amount, rate in [
        *((line.total, line.tax_rate) for line in lines),
        *((f.amount, f.tax_rate) for f in fee_lines),
    ]:
        bases[Decimal(rate).normalize()] = bases.get(Decimal(rate).normalize(), ZERO) + amount
    assert set(totals.vat_by_rate) == set(bases)
    for rate, base in bases.items():
        ht, vat = split_vat(base, rate)
        assert totals.vat_by_rate[rate] == vat and ht + vat == base
    assert totals.vat_by_rate.get(Decimal(0), ZERO) == ZERO

    # per-item fee lines equal exactly the fees embedded in the displayed line prices
    displayed = sum((ctx.unit_price(v, q) * q for v, q in items), ZERO)
    per_item = sum(
        (f.amount for f in fee_lines if f.fee and f.fee.calculator in pricing.PER_ITEM_CALCULATORS), ZERO
    )
    assert displayed == totals.items_total + per_item
    per_order = [f for f in fee_lines if f.fee is None or f.fee.calculator == "flat_per_order"]
    assert totals.total == displayed + sum((f.amount for f in per_order), ZERO)


@settings(max_examples=100, deadline=None)
@given(fee_list=st.lists(fees(), max_size=6), variant=variants(), quantity=quantities)
def test_it_bills_per_item_fees_of_one_line_as_quantity_times_the_unit_share(fee_list, variant, quantity):
    ctx = context_of(fee_list, [variant.product.producer_id])
    shares = {s.fee.pk: s.amount for s in ctx.unit_fees(variant, quantity)}
    lines = {f.fee.pk: f.amount for f in ctx.order_fee_lines([(variant, quantity)]) if f.fee}
    for pk, amount in shares.items():
        assert lines[pk] == amount * quantity


def test_it_charges_a_supplier_per_order_fee_only_when_the_order_holds_its_products():
    producer_a, producer_b = make_enterprise(), make_enterprise()
    fee = make_fee(calculator="flat_per_order", amount=Decimal("1.50"), fee_type="transport")
    ctx = pricing.FeeContext(supplier_fees={producer_a.pk: [fee]})
    of_b = make_variant(price=Decimal("2"), producer=producer_b)
    of_a = make_variant(price=Decimal("2"), producer=producer_a)
    assert ctx.order_fee_lines([(of_b, 2)]) == []
    assert [f.amount for f in ctx.order_fee_lines([(of_a, 1), (of_b, 2)])] == [Decimal("1.50")]


def test_it_adds_the_shipping_fee_once_but_not_the_minimum_order():
    shipping = ShippingMethod(
        kind="delivery",
        name="Livraison Lyon",
        fee=Decimal("4.5"),
        minimum_order=Decimal("30"),
        enterprise=make_enterprise(),
    )
    lines = pricing.FeeContext().order_fee_lines([(make_variant(price=Decimal("3")), 4)], shipping)
    assert [(f.name, f.fee_type, f.amount) for f in lines] == [
        ("Livraison Lyon", "transport", Decimal("4.50"))
    ]


def test_it_prices_a_franchise_producer_without_vat():
    variant = make_variant(price=Decimal("3.20"), producer=make_enterprise(VatRegime.FRANCHISE))
    breakdown = pricing.FeeContext().price_breakdown(variant)
    assert breakdown.vat == ZERO and breakdown.producer_tax_rate == 0


# --- from the database ------------------------------------------------------------------------


@pytest.fixture
def cycle_setup(db, settings):
    settings.PLATFORM_ENTERPRISE_SLUG = "cabas-cooperative"
    standard = TaxRate.objects.get(rate=Decimal("20"))
    producer = EnterpriseFactory(vat_regime=VatRegime.STANDARD)
    other = EnterpriseFactory(vat_regime=VatRegime.FRANCHISE)
    hub = HubFactory(vat_regime=VatRegime.STANDARD)
    operator = HubFactory(slug="cabas-cooperative", vat_regime=VatRegime.STANDARD)
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=hub,
        name="Semaine 12",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=2),
    )
    supplier_fee = Fee.objects.create(
        enterprise=producer, name="Transport ferme", fee_type="transport", calculator="per_kg", amount="0.40"
    )
    CycleSupplier.objects.create(cycle=cycle, supplier=producer).fees.add(supplier_fee)
    CycleSupplier.objects.create(cycle=cycle, supplier=other)
    packing = Fee.objects.create(
        enterprise=hub,
        name="Préparation",
        fee_type="packing",
        calculator="flat_per_item",
        amount="0.20",
        tax_rate=standard,
    )
    admin = Fee.objects.create(
        enterprise=hub, name="Gestion", fee_type="admin", calculator="percent", amount="10", tax_rate=standard
    )
    off = Fee.objects.create(
        enterprise=hub, name="Ancien", fee_type="sales", calculator="flat_per_item", amount="5", active=False
    )
    per_order = Fee.objects.create(
        enterprise=hub, name="Sacs", fee_type="packing", calculator="flat_per_order", amount="1"
    )
    cycle.coordinator_fees.add(packing, off, per_order)
    CycleDistributor.objects.create(cycle=cycle, distributor=hub).fees.add(admin, packing)
    Fee.objects.create(
        enterprise=operator, name="Plateforme Cabas", fee_type="platform", calculator="percent", amount="2"
    )
    Fee.objects.create(
        enterprise=operator, name="Gestion Cabas", fee_type="admin", calculator="percent", amount="50"
    )
    tomatoes = VariantFactory(product__producer=producer, unit="g", quantity=Decimal("500"), price="3.20")
    eggs = VariantFactory(product__producer=other, unit="item", quantity=Decimal("6"), price="2.40")
    return cycle, hub, tomatoes, eggs


def test_it_applies_supplier_coordinator_distributor_and_platform_fees(cycle_setup):
    cycle, hub, tomatoes, eggs = cycle_setup
    breakdown = pricing.price_breakdown(cycle=cycle, distributor=hub, variant=tomatoes)
    assert [(f.name, f.amount) for f in breakdown.fees] == [
        ("Transport ferme", Decimal("0.20")),  # 0.40 €/kg × 0.5 kg
        ("Préparation", Decimal("0.20")),
        ("Gestion", Decimal("0.32")),  # 10 % of 3.20
        ("Plateforme Cabas", Decimal("0.06")),  # 2 % of 3.20 = 0.064
    ]
    assert breakdown.unit_price == Decimal("3.98")
    # eggs: no supplier fee (another producer), no per-kg share
    egg_fees = pricing.unit_fees(cycle=cycle, distributor=hub, variant=eggs)
    assert [f.name for f in egg_fees] == ["Préparation", "Gestion", "Plateforme Cabas"]
    assert pricing.product_tax_rate(eggs) == 0  # franchise producer


def test_it_builds_the_fee_lines_of_an_order(cycle_setup):
    cycle, hub, tomatoes, eggs = cycle_setup
    shipping = ShippingMethod.objects.create(enterprise=hub, kind="delivery", name="Livraison", fee="3")
    fee_lines = pricing.order_fee_lines(
        cycle=cycle, distributor=hub, lines=[(tomatoes, 3), (eggs, 2)], shipping_method=shipping
    )
    got = {f.name: f.amount for f in fee_lines}
    assert got == {
        "Transport ferme": Decimal("0.60"),
        "Préparation": Decimal("1.00"),
        "Gestion": Decimal("1.44"),  # 3 × 0.32 + 2 × 0.24
        "Plateforme Cabas": Decimal("0.28"),  # 3 × 0.06 + 2 × 0.05
        "Sacs": Decimal("1.00"),
        "Livraison": Decimal("3.00"),
    }
    lines = pricing.FeeContext().order_lines([(tomatoes, 3), (eggs, 2)])
    totals = pricing.order_totals(lines, fee_lines)
    assert totals.items_total == Decimal("14.40")
    assert totals.total == Decimal("21.72")


def test_it_has_no_platform_fee_without_the_operator(cycle_setup, settings):
    cycle, hub, tomatoes, _ = cycle_setup
    settings.PLATFORM_ENTERPRISE_SLUG = "nobody"
    names = [f.name for f in pricing.unit_fees(cycle=cycle, distributor=hub, variant=tomatoes)]
    assert "Plateforme Cabas" not in names


def test_it_loads_a_cycles_fees_in_a_constant_number_of_queries(cycle_setup, django_assert_num_queries):
    cycle, hub, tomatoes, eggs = cycle_setup
    for _ in range(30):
        VariantFactory(product__producer=tomatoes.product.producer)
    variants = list(Variant.objects.select_related(*pricing.VARIANT_PRICING_RELATED))
    with django_assert_num_queries(1):
        ctx = pricing.FeeContext.for_cycle(cycle, hub)
        prices = [ctx.price_breakdown(v).unit_price for v in variants]
    assert len(prices) == 32
