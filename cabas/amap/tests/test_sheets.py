"""The distribution day: the sign-in sheet of a distribution agrees exactly with the orders its
baskets hold and with the producers' « Ce que j'apporte » report, whatever happened to the baskets
(shared, absent in each way, moved, a delivery postponed, a variable basket changed)."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.amap.baskets import absence_declare, basket_collector_set, basket_quantities_set
from cabas.amap.distributions import delivery_postpone
from cabas.amap.models import Basket, Contract
from cabas.amap.sheets import sign_in_sheet, sign_in_sheets
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import Role
from cabas.fulfilment.producer import distributions as producer_distributions
from cabas.fulfilment.reports.base import REPORTED, Filters
from cabas.fulfilment.reports.producer_deliveries import ProducerDeliveries
from cabas.orders.models import Order
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def _subscribe(s, email, name, contract, quantities, **kwargs):
    return subscription_create(
        contract=contract,
        customer=member(s.amap, email, name),
        quantities=quantities,
        accepted=True,
        **kwargs,
    )


def _basket(subscription, distribution) -> Basket:
    return Basket.objects.select_related("subscription__contract", "delivery__distribution", "order").get(
        subscription=subscription, delivery__distribution=distribution
    )


def _policy(contract, policy) -> None:
    Contract.objects.filter(pk=contract.pk).update(absence_policy=policy)


def build_day():
    """A season and, at its third distribution, every case a sign-in sheet meets."""
    s = season(weeks=10)
    first, second, day = s.distributions[:3]
    veg = s.vegetables
    alice = _subscribe(s, "alice@exemple.fr", "Alice Arnaud", veg, {s.big.pk: 1})
    shared = _subscribe(
        s,
        "bruno@exemple.fr",
        "Bruno Blanc",
        veg,
        {s.small.pk: 1},
        sharers=[member(s.amap, "chloe@exemple.fr", "Chloé Chevalier")],
    )
    david = _subscribe(s, "david@exemple.fr", "David Durand", veg, {s.small.pk: 1})
    emma = _subscribe(s, "emma@exemple.fr", "Emma Étienne", veg, {s.big.pk: 1, s.small.pk: 1})
    fanny = _subscribe(s, "fanny@exemple.fr", "Fanny Faure", veg, {s.big.pk: 1})
    eggs_alice = subscription_create(
        contract=s.eggs, customer=alice.customer, quantities={s.dozen.pk: 1}, accepted=True
    )
    _subscribe(s, "gael@exemple.fr", "Gaël Girard", s.eggs, {s.dozen.pk: 1, s.half.pk: 1})
    # The shared basket: Chloé collects this one.
    chloe = shared.shares.get(position=1).customer
    basket_collector_set(basket=_basket(shared, day), customer=chloe)
    # David is away: his basket goes to the solidarity pool.
    absence_declare(basket=_basket(david, day))
    # Emma is away the week before: her basket comes to this distribution (two baskets).
    _policy(veg, Contract.AbsencePolicy.MOVED)
    absence_declare(basket=_basket(emma, second), move_to=day)
    # Fanny is away: her basket is neither delivered nor paid.
    _policy(veg, Contract.AbsencePolicy.SKIPPED)
    absence_declare(basket=_basket(fanny, day))
    # The eggs of the first distribution come with this one's (two baskets each).
    delivery_postpone(delivery=s.eggs.deliveries.get(distribution=first), to=day)
    # Alice changes her eggs for this distribution.
    mine = Basket.objects.get(subscription=eggs_alice, delivery__distribution=day, delivery__planned=None)
    basket_quantities_set(basket=mine, quantities={s.dozen.pk: 2, s.half.pk: 1})
    return s, day


def _rows(sheet):
    return {
        (line.basket.order.number, item.product, item.variant, item.quantity)
        for contract in sheet.contracts
        for line in contract.lines
        if line.to_hand_over
        for item in line.items
    }


def _order_rows(s, day):
    start = timezone.make_aware(timezone.datetime.combine(day.date, timezone.datetime.min.time()))
    orders = Order.objects.filter(
        shipping_method=day.place,
        pickup_at__gte=start,
        pickup_at__lt=start + timezone.timedelta(days=1),
        status__in=REPORTED,
    ).prefetch_related("lines")
    return {
        (o.number, line.product_name, line.variant_name, line.quantity)
        for o in orders
        for line in o.lines.all()
    }


def _report(producer, day) -> Counter:
    filters = Filters(enterprise=producer, distribution_date=day.date, shipping_method=day.place)
    totals = Counter()
    for row in ProducerDeliveries().rows(filters):
        totals[(row["product"], row["variant"])] += row["quantity"]
    return totals


def test_the_sheet_the_orders_and_the_producers_report_agree_exactly():
    s, day = build_day()
    sheet = sign_in_sheet(day)
    # (a) the orders picked up there == (b) the sheet's lines to hand over
    assert _rows(sheet) == _order_rows(s, day)
    # (c) the producers' report: the same quantities per product
    from_sheet = Counter()
    for row in _rows(sheet):
        from_sheet[(row[1], row[2])] += row[3]
    from_report = _report(s.farm, day) + _report(s.eggs_farm, day)
    assert from_report == from_sheet
    assert from_sheet == Counter(
        {
            ("Panier de légumes", "Grand"): 3,  # Alice, Emma's two baskets (Fanny's is not delivered)
            ("Panier de légumes", "Petit"): 4,  # Bruno and Chloé, David (solidarity), Emma's two
            ("Œufs", "Douzaine"): 5,  # Alice 2 + 1 (postponed), Gaël 1 + 1
            ("Œufs", "Demi-douzaine"): 3,  # Alice 1, Gaël 1 + 1
        }
    )


def _lines_by_member(sheet, contract_name):
    contract = next(c for c in sheet.contracts if c.name == contract_name)
    return [(line.member, line.marks, line.to_hand_over, line.shared_with) for line in contract.lines]


def test_the_sheet_names_who_collects_and_marks_each_case():
    s, day = build_day()
    second = s.distributions[1]
    sheet = sign_in_sheet(day)
    assert [c.name for c in sheet.contracts] == ["Légumes", "Œufs"]
    veg = _lines_by_member(sheet, "Légumes")
    assert ("Alice Arnaud", [], True, []) in veg
    assert ("Chloé Chevalier", [], True, ["Bruno Blanc"]) in veg
    assert ("David Durand", ["absent : panier solidaire"], True, []) in veg
    assert ("Fanny Faure", ["absent : non livré"], False, []) in veg
    emma = [line for line in veg if line[0] == "Emma Étienne"]
    assert len(emma) == 2 and sum(1 for line in emma if line[1]) == 1
    assert emma[0][1] == [] or emma[1][1] == []
    moved_mark = next(line[1][0] for line in emma if line[1])
    assert moved_mark.startswith("panier reporté du ") and str(second.date.day) in moved_mark
    eggs = _lines_by_member(sheet, "Œufs")
    assert [line[0] for line in eggs] == ["Alice Arnaud", "Alice Arnaud", "Gaël Girard", "Gaël Girard"]
    assert sum(1 for line in eggs if line[1] and line[1][0].startswith("livraison reportée du ")) == 2
    # At the distribution Emma's basket was planned for, it says where it went, with nothing to give.
    before = _lines_by_member(sign_in_sheet(second), "Légumes")
    emma_before = next(line for line in before if line[0] == "Emma Étienne")
    assert emma_before[1][0].startswith("reporté au ") and emma_before[2] is False
    # The distribution the eggs were postponed from has no eggs any more.
    assert [c.name for c in sign_in_sheet(s.distributions[0]).contracts] == ["Légumes"]


def test_the_variable_basket_shows_the_quantities_its_order_holds():
    s, day = build_day()
    eggs = next(c for c in sign_in_sheet(day).contracts if c.name == "Œufs")
    alice = [line for line in eggs.lines if line.member == "Alice Arnaud" and not line.marks]
    assert [(i.variant, i.quantity) for i in alice[0].items] == [("Demi-douzaine", 1), ("Douzaine", 2)]


def test_the_sheets_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    s, day = build_day()
    for i in range(8):
        _subscribe(s, f"m{i}@exemple.fr", f"Membre N{i}", s.vegetables, {s.small.pk: 1})
    with django_assert_max_num_queries(4):
        sheets = sign_in_sheets(s.distributions)
    assert len(sheets) == 10 and sheets[2].baskets == 17


def test_the_producer_sees_the_amap_and_the_contract_in_what_it_brings():
    s, day = build_day()
    filters = Filters(enterprise=s.farm, distribution_date=day.date)
    rows = list(ProducerDeliveries().rows(filters))
    assert {(r["distributor"], r["cycle"], r["pickup_point"]) for r in rows} == {
        ("AMAP des Pentes", "Légumes — Été", "Salle des Canuts")
    }
    found = producer_distributions(s.farm, since=day.date)
    first = found[0]
    assert (first.distributor, first.cycle, first.day) == ("AMAP des Pentes", "Légumes — Été", day.date)
    assert first.quantity == 7 and len(first.orders) == 5


def test_the_producers_page_shows_the_amap_distribution_with_its_contract(client):
    s, day = build_day()
    client.force_login(RoleFactory(enterprise=s.farm, role=Role.Level.MANAGER).user)
    page = client.get(reverse("fulfilment:deliveries", args=[s.farm.slug])).content.decode()
    assert "AMAP des Pentes — " in page and "Légumes — Été" in page
    assert "Jardins du Garon — " not in page
    # Its own customers: the producer sold the baskets, it sees who bought them.
    assert "Alice Arnaud" in page and "Client n°" not in page
