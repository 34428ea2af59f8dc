"""The public "Où va votre argent" page of a cycle: sums over placed orders only, by share, with
percentages adding up to 100 %, a table and meters; works before any order."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cabas.cycles.models import OrderCycle
from cabas.cycles.pricing import percentages
from cabas.orders.models import FeeLine, Line, Order
from cabas.orders.money import cycle_money
from tests.factories import HubFactory, VariantFactory


def make_cycle(coordinator):
    now = timezone.now()
    return OrderCycle.objects.create(
        coordinator=coordinator,
        name="Semaine 12",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=1),
    )


def make_order(cycle, number, status, items, fees):
    order = Order.objects.create(seller=cycle.coordinator, cycle=cycle, status=status, number=number)
    variant = VariantFactory()
    Line.objects.create(
        order=order,
        variant=variant,
        producer=variant.product.producer,
        quantity=1,
        product_name="Tomates",
        size="500 g",
        unit_price=items,
        tax_rate=Decimal("5.5"),
        total=items,
    )
    for fee_type, name, amount in fees:
        FeeLine.objects.create(
            order=order, enterprise=cycle.coordinator, name=name, fee_type=fee_type, amount=Decimal(amount)
        )
    return order


def url(cycle):
    return reverse("cycles_public:money", args=[cycle.uuid])


def test_it_sums_the_shares_of_placed_orders_only(db):
    cycle = make_cycle(HubFactory())
    make_order(
        cycle,
        "1",
        "placed",
        Decimal("60.00"),
        [("packing", "Préparation", "3.00"), ("transport", "Livraison", "4.00")],
    )
    make_order(
        cycle,
        "2",
        "fulfilled",
        Decimal("20.00"),
        [
            ("admin", "Gestion", "2.00"),
            ("sales", "Vente", "1.00"),
            ("solidarity", "Caisse commune", "0.50"),
            ("platform", "Cabas", "0.50"),
        ],
    )
    make_order(cycle, "3", "cancelled", Decimal("500.00"), [("packing", "Préparation", "50")])
    make_order(cycle, "", "cart", Decimal("500.00"), [])
    money = cycle_money(cycle)
    assert money.orders == 2
    assert money.total == Decimal("91.00")
    amounts = {s.key: s.amount for s in money.shares}
    assert amounts == {
        "producers": Decimal("80.00"),
        "logistics": Decimal("7.00"),
        "hub": Decimal("3.00"),
        "solidarity": Decimal("0.50"),
        "platform": Decimal("0.50"),
    }
    assert sum(s.percent for s in money.shares) == 100


def test_it_shows_a_table_with_meters_and_no_inline_style(client, db):
    cycle = make_cycle(HubFactory())
    make_order(
        cycle,
        "1",
        "placed",
        Decimal("90.00"),
        [("packing", "Préparation", "6.00"), ("platform", "Cabas", "4.00")],
    )
    response = client.get(url(cycle))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Où va votre argent" in text
    assert "<caption>" in text and 'scope="row"' in text
    assert re.search(r'<meter min="0" max="100" value="90"', text)
    assert "90,00\u00a0€" in text and "100,00\u00a0€" in text
    assert "Préparation" in text
    assert "style=" not in text


def test_it_works_before_any_order(client, db):
    cycle = make_cycle(HubFactory())
    response = client.get(url(cycle))
    assert response.status_code == 200
    assert "Pas encore de commande" in response.content.decode()


def test_a_hidden_coordinators_page_is_reachable_by_its_link_but_not_indexed(client, db):
    cycle = make_cycle(HubFactory(visibility="hidden"))
    response = client.get(url(cycle))
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    public = client.get(url(make_cycle(HubFactory()))).content.decode()
    assert "noindex" not in public


def test_it_answers_in_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    cycle = make_cycle(HubFactory())
    for n in range(15):
        make_order(cycle, str(n), "placed", Decimal("10"), [("packing", f"Frais {n % 3}", "1")])
    with django_assert_max_num_queries(5):
        assert client.get(url(cycle)).status_code == 200


@given(st.lists(st.decimals(min_value=0, max_value=10000, places=2), min_size=1, max_size=6))
def test_it_rounds_percentages_to_add_up_to_100(amounts):
    result = percentages(amounts)
    total = sum(amounts)
    if total == 0:
        assert result == [0] * len(amounts)
        return
    assert sum(result) == 100
    for amount, percent in zip(amounts, result, strict=True):
        assert abs(Decimal(percent) - amount * 100 / total) < 1


def test_it_gives_the_extra_points_to_the_largest_remainders():
    assert percentages([Decimal(1), Decimal(1), Decimal(1)]) == [34, 33, 33]
    # equal remainders: the larger amount gets the point
    assert percentages([Decimal("66.5"), Decimal("33.5")]) == [67, 33]


def test_it_renders_a_price_breakdown_fragment_that_adds_up(db):
    from django.template.loader import render_to_string

    from cabas.catalogue.models import Variant
    from cabas.cycles.models import Fee
    from cabas.cycles.pricing import VARIANT_PRICING_RELATED, FeeContext

    hub = HubFactory(name="Épicerie du Coin")
    packing = Fee.objects.create(
        enterprise=hub, name="Préparation", fee_type="packing", calculator="flat_per_item", amount="0.30"
    )
    variant = Variant.objects.select_related(*VARIANT_PRICING_RELATED).get(pk=VariantFactory(price="3.20").pk)
    breakdown = FeeContext(coordinator_fees=[packing]).price_breakdown(variant)
    html = render_to_string("shop/_breakdown.html", {"breakdown": breakdown, "vat_franchise": True})
    assert "Prix producteur" in html and "3,20\u00a0€" in html
    assert "(Préparation, Épicerie du Coin)" in html
    assert "3,50\u00a0€" in html
    assert "art. 293 B du CGI" in html
    assert "style=" not in html
