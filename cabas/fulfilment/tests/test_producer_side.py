"""The producer's side: « Ce que j'apporte » and the `producer-deliveries` report show a farm what it
brings to each distribution of the two hubs it supplies, from the orders placed there."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.cycles.models import CycleSupplier, CycleVariant
from cabas.enterprises.models import Enterprise, Relationship
from cabas.enterprises.tests.test_settings_page import form_data
from cabas.fulfilment import views_producer
from cabas.fulfilment.reports.base import REPORTED, REPORTS, Filters
from cabas.fulfilment.tests.packing_setup import _cart
from cabas.orders import pick_list
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import OpenShop, open_shop
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db

REPORT = "producer-deliveries"
# Session, user, enterprise and role, then the distributions (2 queries).
PAGE_QUERIES = 6
NAMES = ["Zoé Petit", "Adrien Morel", "Lucie Bernard", "Marc Durand"]


@dataclass
class Scene:
    farm: Enterprise
    hubs: list[OpenShop]
    carrots: Variant
    eggs: Variant
    reported: list[Order] = field(default_factory=list)
    cancelled: Order | None = None

    def farm_lines(self, orders=None) -> list[Line]:
        """The farm's lines of `orders` (default: the reported ones), read again."""
        orders = self.reported if orders is None else orders
        return list(Line.objects.filter(order__in=[o.pk for o in orders], producer=self.farm))


def _hub(name: str, slug: str, variants, days_later: int) -> OpenShop:
    """A hub's open cycle selling `variants`, of producers that let it, `days_later` than the
    others."""
    data = open_shop(shop=HubFactory(name=name, slug=slug))
    for supplier in {v.product.producer for v in variants}:
        RelationshipFactory(grantor=supplier, grantee=data.shop, status=Relationship.Status.ACCEPTED)
        CycleSupplier.objects.create(cycle=data.cycle, supplier=supplier)
    CycleVariant.objects.bulk_create(CycleVariant(cycle=data.cycle, variant=v) for v in variants)
    data.distribution.pickup_at += datetime.timedelta(days=days_later)
    data.distribution.save()
    return data


def _place(data: OpenShop, quantities: dict, i: int, delivery: bool = False) -> Order:
    details = {"address": "3 rue Terme", "postcode": "69001", "city": "Lyon"} if delivery else {}
    order = order_place(
        cart=_cart(data.shop, data.cycle, quantities),
        email=f"client{i}@exemple.fr",
        full_name=f"{NAMES[i % len(NAMES)]} {i}",
        phone="06 00 00 00 00",
        shipping_method=data.delivery if delivery else data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"k{i}",
        **details,
    )
    order.refresh_from_db()
    return order


def build(farm: Enterprise, n: int) -> Scene:
    """The farm (the conftest's `enterprise`, « Ferme des Collines », a producer) supplies two hubs whose
    distributions are 3 and 4 days away; `n` orders alternate between them (one in three delivered,
    one in three handed over), each with the farm's products and a neighbour's tomatoes; plus a
    cancelled order."""
    carrots = VariantFactory(
        product=ProductFactory(producer=farm, name="Carottes"), unit="kg", quantity=1, on_hand=1000
    )
    eggs = VariantFactory(
        product=ProductFactory(producer=farm, name="Œufs plein air"),
        name="Boîte",
        unit="item",
        quantity=6,
        price=Decimal("3.10"),
        on_hand=1000,
    )
    tomatoes = VariantFactory(
        product=ProductFactory(producer=EnterpriseFactory(name="Ferme voisine"), name="Tomates"), on_hand=1000
    )
    offered = [carrots, eggs, tomatoes]
    hubs = [
        _hub("Épicerie du Centre", "epicerie-du-centre", offered, 0),
        _hub("Halle de la Croix-Rousse", "halle-croix-rousse", offered, 1),
    ]
    scene = Scene(farm, hubs, carrots, eggs)
    for i in range(n):
        data = hubs[i % 2]
        delivery = i % 3 == 1
        quantities = {carrots: 1 + i % 3, eggs: i % 2 + (i % 5 == 0), tomatoes: 7 if delivery else 2}
        order = _place(data, quantities, i, delivery)
        if i % 3 == 2:
            order.transition(Order.Status.FULFILLED)
            order.save()
        scene.reported.append(order)
    scene.cancelled = _place(hubs[0], {carrots: 40, eggs: 30}, 99)
    scene.cancelled.transition(Order.Status.CANCELLED)
    scene.cancelled.save()
    return scene


def _page(client_for, user, query=""):
    return client_for(user).get(reverse("fulfilment:deliveries", args=["ferme-des-collines"]) + query)


def _expected_quantities(scene: Scene, hub: OpenShop) -> Counter:
    """Per product name, the farm's quantity in the hub's reported orders, summed in Python."""
    counter: Counter = Counter()
    for line in scene.farm_lines([o for o in scene.reported if o.seller_id == hub.shop.pk]):
        counter[(line.product_name, line.variant_name)] += line.quantity
    return counter


def test_it_shows_each_hubs_distribution_with_the_farms_quantities_only(client_for, manager, enterprise):
    scene = build(enterprise, 8)

    response = _page(client_for, manager)

    assert response.status_code == 200
    upcoming = response.context["upcoming"]
    assert [d.distributor for d in upcoming] == ["Épicerie du Centre", "Halle de la Croix-Rousse"]
    for distribution, hub in zip(upcoming, scene.hubs, strict=True):
        assert distribution.day == timezone.localtime(hub.distribution.pickup_at).date()
        got = Counter({(i.product, i.variant): i.quantity for i in distribution.items})
        assert got == _expected_quantities(scene, hub)
        assert {o.number for o in distribution.orders} == {
            o.number for o in scene.reported if o.seller_id == hub.shop.pk
        }
        per_point = sum(item.quantity for point in distribution.points for item in point.items)
        assert per_point == distribution.quantity == sum(got.values())
    assert {p.name for p in upcoming[0].points} == {"Retrait à la ferme", "Livraison : Livraison Lyon"}
    html = response.content.decode()
    assert "Carottes" in html and "Œufs plein air — Boîte" in html
    assert "Tomates" not in html  # another producer's
    assert scene.cancelled.number not in {o.number for d in upcoming for o in d.orders}
    assert 'aria-current="page">Ce que j\'apporte' in html


def test_it_hides_the_customers_names_unless_the_hub_shares_them(client_for, manager, enterprise):
    scene = build(enterprise, 4)
    centre, halle = (hub.shop for hub in scene.hubs)
    centre_order = next(o for o in scene.reported if o.seller_id == centre.pk)
    halle_order = next(o for o in scene.reported if o.seller_id == halle.pk)

    html = _page(client_for, manager).content.decode()
    assert centre_order.full_name not in html and halle_order.full_name not in html
    assert f"Client n° {centre_order.number}" in html and f"Client n° {halle_order.number}" in html

    centre.share_customer_names_with_producers = True
    centre.save()
    html = _page(client_for, manager).content.decode()
    assert centre_order.full_name in html and f"Client n° {centre_order.number}" not in html
    assert halle_order.full_name not in html and f"Client n° {halle_order.number}" in html


def test_it_lists_the_last_four_weeks_apart_and_prints_only_what_is_to_come(client_for, manager, enterprise):
    scene = build(enterprise, 6)
    now = timezone.now()
    last_week, long_ago = scene.reported[0], scene.reported[2]
    Order.objects.filter(pk=last_week.pk).update(pickup_at=now - datetime.timedelta(days=6))
    Order.objects.filter(pk=long_ago.pk).update(pickup_at=now - datetime.timedelta(days=40))

    response = _page(client_for, manager)
    [recent] = response.context["recent"]
    assert [o.number for o in recent.orders] == [last_week.number]
    upcoming_numbers = {o.number for d in response.context["upcoming"] for o in d.orders}
    assert last_week.number not in upcoming_numbers and long_ago.number not in upcoming_numbers
    assert len(upcoming_numbers) == 4
    assert "Distributions des quatre dernières semaines" in response.content.decode()

    printed = _page(client_for, manager, "?print=1")
    assert printed.context["recent"] == [] and len(printed.context["upcoming"]) == 2
    html = printed.content.decode()
    assert 'class="print-view"' in html and "quatre dernières semaines" not in html
    assert "style=" not in html and "<script>" not in html  # strict CSP: a stylesheet only


def test_it_links_to_the_csv_of_what_to_bring(client_for, manager, enterprise):
    build(enterprise, 2)
    url = views_producer.report_csv_url("ferme-des-collines")
    page = _page(client_for, manager).content.decode()
    assert "Télécharger (CSV)" in page and url.replace("&", "&amp;") in page
    response = client_for(manager).get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    mine = Line.objects.filter(producer=enterprise, order__status__in=("placed", "fulfilled"))
    assert text.count("\n") == mine.count() + 2  # the header, a line per line, the totals


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_the_page_in_the_same_number_of_queries_whatever_the_size(
    client_for, manager, django_assert_max_num_queries, n, enterprise
):
    build(enterprise, n)
    client = client_for(manager)
    url = reverse("fulfilment:deliveries", args=["ferme-des-collines"])
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert sum(len(d.orders) for d in response.context["upcoming"]) == n


def test_it_sums_the_report_to_the_farms_reported_lines(enterprise):
    scene = build(enterprise, 9)
    filters = Filters(enterprise=scene.farm)

    rows = list(REPORTS[REPORT].rows(filters))

    lines = list(Line.objects.filter(producer=scene.farm, order__status__in=REPORTED))
    assert len(lines) == len(scene.farm_lines()) and len(lines) > 0
    assert REPORTS[REPORT].totals(filters) == {
        "quantity": sum(line.quantity for line in lines),
        "amount": sum((line.total for line in lines), Decimal("0")),
    }
    assert {r["distributor"] for r in rows} == {"Épicerie du Centre", "Halle de la Croix-Rousse"}
    assert {r["product"] for r in rows} == {"Carottes", "Œufs plein air"}
    assert {r["pickup_point"] for r in rows} == {"Retrait à la ferme", "Livraison : Livraison Lyon"}
    assert REPORTS[REPORT].group == "orders"


def test_it_filters_the_report_by_distribution_date_and_shipping_method(enterprise):
    scene = build(enterprise, 10)
    centre, halle = scene.hubs
    cases = [
        ({"distribution_date": timezone.localtime(halle.distribution.pickup_at).date()}, halle, None),
        ({"shipping_method": centre.delivery}, centre, centre.delivery),
        ({"cycle": centre.cycle}, centre, None),
    ]
    for kwargs, hub, method in cases:
        orders = [
            o
            for o in scene.reported
            if o.seller_id == hub.shop.pk and (method is None or o.shipping_method_id == method.pk)
        ]
        lines = scene.farm_lines(orders)
        assert lines and len(lines) < len(scene.farm_lines()), kwargs
        totals = REPORTS[REPORT].totals(Filters(enterprise=scene.farm, **kwargs))
        assert totals == {
            "quantity": sum(line.quantity for line in lines),
            "amount": sum((line.total for line in lines), Decimal("0")),
        }, kwargs


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_the_report_in_one_query_whatever_the_size(django_assert_max_num_queries, n, enterprise):
    scene = build(enterprise, n)
    with django_assert_max_num_queries(1):
        rows = list(REPORTS[REPORT].rows(Filters(enterprise=scene.farm)))
    assert rows


def test_it_gives_a_404_to_a_structure_that_does_not_produce(client_for):
    hub = HubFactory(slug="epicerie-sans-ferme")
    user = RoleFactory(enterprise=hub, role="owner").user
    response = client_for(user).get(reverse("fulfilment:deliveries", args=[hub.slug]))
    assert response.status_code == 404
    dashboard = client_for(user).get(reverse("manage:dashboard", args=[hub.slug]))
    assert "Ce que j&#x27;apporte" not in dashboard.content.decode()


def test_it_saves_the_hubs_choice_to_share_the_customers_names(client_for, manager, enterprise):
    url = reverse("manage:settings", args=[enterprise.slug])
    client = client_for(manager)
    assert "Montrer le nom des clients aux producteurs" in client.get(url).content.decode()

    response = client.post(url, {**form_data(enterprise), "share_customer_names_with_producers": "on"})

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.share_customer_names_with_producers is True


def test_it_leaves_the_pick_list_email_as_it_was(enterprise):
    scene = build(enterprise, 4)
    centre = scene.hubs[0]
    pick = pick_list.cycle_pick_list(centre.cycle)[scene.farm.pk]
    placed = [o for o in scene.reported if o.seller_id == centre.shop.pk and o.status == Order.Status.PLACED]
    expected = Counter()
    for line in scene.farm_lines(placed):
        expected[line.product_name] += line.quantity
    [entry] = pick
    assert entry["distributor"] == "Épicerie du Centre"
    assert {i["product"]: int(i["quantity"]) for i in entry["items"]} == dict(expected)


def test_it_points_the_producer_from_its_own_orders_to_what_it_brings(client_for, manager, enterprise):
    build(enterprise, 2)
    html = client_for(manager).get(reverse("orders:orders", args=[enterprise.slug])).content.decode()
    assert "Aucune commande pour l'instant." in html  # it sells nothing itself
    url = reverse("fulfilment:deliveries", args=[enterprise.slug])
    assert f'que vous fournissez : <a href="{url}">Ce que j\'apporte</a>' in html


def test_it_keeps_the_placed_orders_without_a_date_to_come_last(client_for, manager, enterprise):
    scene = build(enterprise, 6)
    placed = next(o for o in scene.reported if o.status == Order.Status.PLACED)
    handed_over = next(o for o in scene.reported if o.status == Order.Status.FULFILLED)
    Order.objects.filter(pk__in=[placed.pk, handed_over.pk]).update(pickup_at=None)

    response = _page(client_for, manager)

    *dated, undated = response.context["upcoming"]
    assert len(dated) == 2 and undated.day is None
    assert [o.number for o in undated.orders] == [placed.number]
    assert "date à fixer" in response.content.decode()
    numbers = {o.number for d in response.context["upcoming"] + response.context["recent"] for o in d.orders}
    assert handed_over.number not in numbers


def test_it_filters_what_to_bring_by_a_hubs_cycle_and_pickup_point(client_for, manager, enterprise):
    scene = build(enterprise, 6)
    hub = scene.hubs[0]
    url = reverse("fulfilment:report", args=["ferme-des-collines", "producer-deliveries"])
    page = client_for(manager).get(url).content.decode()
    assert str(hub.cycle.uuid) in page and str(hub.pickup.uuid) in page  # the hubs' choices, offered
    response = client_for(manager).get(url, {"cycle": hub.cycle.uuid, "shipping_method": hub.pickup.uuid})
    rows = response.context["table"].rows
    expected = Line.objects.filter(
        producer=enterprise,
        order__in=[
            o.pk
            for o in scene.reported
            if o.cycle_id == hub.cycle.pk and o.shipping_method_id == hub.pickup.pk
        ],
    )
    assert rows and sum(int(row[7].text) for row in rows) == sum(line.quantity for line in expected)
