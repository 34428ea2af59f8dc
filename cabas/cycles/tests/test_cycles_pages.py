"""Back-office order-cycle pages: the list by status, create and edit in Paris time, the steps
(suppliers, products with bulk selection over 10,000 variants, distributors), clone, delete."""

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Category, Product, Variant
from cabas.cycles import services
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, OrderCycle
from cabas.cycles.tests.test_cycles_services import DAY, fee, granting_producer, make_cycle, methods
from tests.factories import HubFactory, RoleFactory, VariantFactory


def test_it_lists_cycles_by_status_derived_from_dates(client_for, manager, enterprise):
    make_cycle(enterprise, name="Cycle passé", opens_in=-10 * DAY, length=DAY)
    make_cycle(enterprise, name="Cycle ouvert", opens_in=-DAY)
    make_cycle(enterprise, name="Cycle à venir", opens_in=3 * DAY)
    client = client_for(manager)
    url = reverse("cycles:list", args=[enterprise.slug])

    page = client.get(url + "?statut=open").content.decode()
    assert "Cycle ouvert" in page and "Cycle passé" not in page and "Cycle à venir" not in page
    page = client.get(url + "?statut=closed").content.decode()
    assert "Cycle passé" in page and "Cycle ouvert" not in page
    page = client.get(url).content.decode()
    assert all(name in page for name in ["Cycle passé", "Cycle ouvert", "Cycle à venir"])


def test_it_lists_many_cycles_in_a_constant_number_of_queries(
    client_for, manager, enterprise, django_assert_max_num_queries
):
    for i in range(30):
        make_cycle(enterprise, name=f"Cycle {i}", opens_in=(i + 1) * DAY)
    client = client_for(manager)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("cycles:list", args=[enterprise.slug]))
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == 2


def test_it_creates_a_cycle_with_dates_typed_in_paris_time(client_for, manager, enterprise):
    response = client_for(manager).post(
        reverse("cycles:new", args=[enterprise.slug]),
        {"name": "Panier de Noël", "opens_at": "2031-12-15T18:00", "closes_at": "2031-12-20T12:00"},
    )

    cycle = OrderCycle.objects.get(name="Panier de Noël")
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:suppliers", args=[enterprise.slug, cycle.uuid])
    assert cycle.opens_at == datetime.datetime(2031, 12, 15, 17, 0, tzinfo=datetime.UTC)
    # A producer that sells is its own first supplier and distributor.
    assert CycleSupplier.objects.filter(cycle=cycle, supplier=enterprise).exists()
    assert CycleDistributor.objects.filter(cycle=cycle, distributor=enterprise).exists()


def test_it_refuses_a_close_before_the_opening_with_a_french_message(client_for, manager, enterprise):
    response = client_for(manager).post(
        reverse("cycles:new", args=[enterprise.slug]),
        {"name": "À l'envers", "opens_at": "2031-12-15T18:00", "closes_at": "2031-12-14T12:00"},
    )

    assert response.status_code == 200
    assert "La clôture des commandes doit venir après leur ouverture." in response.content.decode()
    assert not OrderCycle.objects.exists()


def test_it_edits_name_dates_and_coordinator_fees(client_for, manager, enterprise):
    cycle = make_cycle(enterprise)
    packing = fee(enterprise, name="Préparation des paniers")
    url = reverse("cycles:edit", args=[enterprise.slug, cycle.uuid])
    client = client_for(manager)

    page = client.get(url).content.decode()
    assert 'type="datetime-local"' in page and "Préparation des paniers" in page
    response = client.post(
        url,
        {
            "name": "Panier du vendredi",
            "opens_at": "2031-01-10T08:00",
            "closes_at": "2031-01-12T20:00",
            "coordinator_fees": [packing.pk],
        },
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Panier du vendredi"
    assert list(cycle.coordinator_fees.all()) == [packing]
    assert cycle.closes_at.astimezone(services.PARIS).strftime("%d/%m/%Y %H:%M") == "12/01/2031 20:00"


def test_it_adds_a_granted_producer_and_its_fees_from_the_suppliers_step(client_for, manager):
    hub = HubFactory()
    RoleFactory(enterprise=hub, user=manager, role="manager")
    producer = granting_producer(hub, name="Ferme des Saules")
    transport = fee(producer, name="Transport des Saules", fee_type="transport")
    cycle = make_cycle(hub)
    client = client_for(manager)
    url = reverse("cycles:suppliers", args=[hub.slug, cycle.uuid])

    assert "Ferme des Saules" in client.get(url).content.decode()
    client.post(url, {"add-enterprise": producer.slug})
    client.post(
        reverse("cycles:supplier_fees", args=[hub.slug, cycle.uuid, producer.slug]),
        {f"s-{producer.slug}-fees": [transport.pk]},
    )

    row = CycleSupplier.objects.get(cycle=cycle, supplier=producer)
    assert list(row.fees.all()) == [transport]


def test_it_selects_every_filtered_variant_with_one_button(client_for, manager, enterprise):
    cycle = make_cycle(enterprise)
    for i in range(60):
        VariantFactory(product__producer=enterprise, product__name=f"Pomme {i}")
    VariantFactory(product__producer=enterprise, product__name="Poire")
    client = client_for(manager)

    page = client.get(reverse("cycles:variants", args=[enterprise.slug, cycle.uuid]) + "?q=pomme")
    assert "Tout sélectionner (60 résultats)" in page.content.decode()
    response = client.post(
        reverse("cycles:variants_bulk", args=[enterprise.slug, cycle.uuid]),
        {"action": "add", "scope": "all", "q": "pomme", "query": "q=pomme"},
        follow=True,
    )

    assert CycleVariant.objects.filter(cycle=cycle).count() == 60
    assert "60 variantes ajoutées au cycle." in response.content.decode()


def test_it_removes_the_checked_variants(client_for, manager, enterprise):
    cycle = make_cycle(enterprise)
    first, second = VariantFactory(product__producer=enterprise), VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)

    client_for(manager).post(
        reverse("cycles:variants_bulk", args=[enterprise.slug, cycle.uuid]),
        {"action": "remove", "scope": "checked", "variants": [str(first.uuid)]},
    )

    assert list(CycleVariant.objects.filter(cycle=cycle).values_list("variant", flat=True)) == [second.pk]


def test_it_says_to_check_something_when_nothing_is_checked(client_for, manager, enterprise):
    cycle = make_cycle(enterprise)
    VariantFactory(product__producer=enterprise)

    response = client_for(manager).post(
        reverse("cycles:variants_bulk", args=[enterprise.slug, cycle.uuid]),
        {"action": "add", "scope": "checked"},
        follow=True,
    )

    assert "Cochez au moins une variante" in response.content.decode()
    assert not CycleVariant.objects.exists()


def _ten_thousand_variants(producer):
    categories = list(Category.objects.all())
    rng = random.Random(4)
    Product.objects.bulk_create(
        [
            Product(producer=producer, name=f"Produit {i:05d}", category=rng.choice(categories))
            for i in range(2500)
        ],
        batch_size=500,
    )
    Variant.objects.bulk_create(
        [
            Variant(
                product=product,
                name=f"Taille {n}",
                unit="g",
                quantity=Decimal(250 * (n + 1)),
                price=Decimal(rng.randint(100, 2000)) / 100,
                position=n,
            )
            for product in Product.objects.filter(producer=producer).only("pk")
            for n in range(4)
        ],
        batch_size=500,
    )


@pytest.mark.parametrize("query", ["", "?q=produit 00&selected=yes&page=3", "?selected=no&page=last"])
def test_it_shows_the_products_step_of_ten_thousand_variants_in_at_most_twenty_queries(
    client_for, manager, enterprise, django_assert_max_num_queries, query
):
    cycle = make_cycle(enterprise)
    _ten_thousand_variants(enterprise)
    services.cycle_variants_add(cycle=cycle, filters=services.VariantFilters(q="produit 00"))
    client = client_for(manager)
    url = reverse("cycles:variants", args=[enterprise.slug, cycle.uuid]) + query

    with django_assert_max_num_queries(20):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["selected_count"] == 4000
    assert len(response.context["page"].object_list) == 50


def test_it_shows_each_step_of_a_big_cycle_in_at_most_twenty_queries(
    client_for, manager, enterprise, django_assert_max_num_queries
):
    cycle = make_cycle(enterprise)
    _ten_thousand_variants(enterprise)
    services.cycle_variants_add(cycle=cycle)
    client = client_for(manager)

    for name in ["edit", "suppliers", "distributors"]:
        with django_assert_max_num_queries(20):
            response = client.get(reverse(f"cycles:{name}", args=[enterprise.slug, cycle.uuid]))
        assert response.status_code == 200


def test_it_sets_a_distributor_methods_fees_and_pickup(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=10 * DAY)
    pickup, cheque = methods(enterprise)
    sales = fee(enterprise, name="Frais de vente", fee_type="sales", calculator="percent", amount="5")
    client = client_for(manager)
    url = reverse("cycles:distributor", args=[enterprise.slug, cycle.uuid, enterprise.slug])

    response = client.post(url, {"pickup_note": "sous le préau"})
    assert "Cochez au moins un mode de retrait ou de livraison." in response.content.decode()
    pickup_at = (cycle.closes_at + DAY).astimezone(services.PARIS).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "shipping_methods": [pickup.pk],
            "payment_methods": [cheque.pk],
            "fees": [sales.pk],
            "pickup_at": pickup_at,
            "pickup_note": "sous le préau",
        },
    )

    assert response.status_code == 302
    row = CycleDistributor.objects.get(cycle=cycle)
    assert list(row.fees.all()) == [sales]
    assert row.pickup_note == "sous le préau"
    page = client.get(reverse("cycles:distributors", args=[enterprise.slug, cycle.uuid])).content.decode()
    assert "Retrait à la ferme" in page and "Chèque" in page


def test_it_clones_a_cycle_from_its_page(client_for, manager, enterprise):
    cycle = make_cycle(enterprise, opens_in=2 * DAY)
    VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)

    response = client_for(manager).post(
        reverse("cycles:clone", args=[enterprise.slug, cycle.uuid]),
        {"name": "Panier suivant", "frequency": "fortnightly"},
    )

    copy = OrderCycle.objects.get(name="Panier suivant")
    assert response["Location"] == reverse("cycles:edit", args=[enterprise.slug, copy.uuid])
    assert copy.opens_at - cycle.opens_at in (
        14 * DAY,
        14 * DAY - datetime.timedelta(hours=1),
        14 * DAY + datetime.timedelta(hours=1),
    )
    assert copy.cycle_variants.count() == 1


def test_it_deletes_a_cycle_without_orders_and_keeps_one_with_orders(client_for, manager, enterprise):
    from cabas.orders.models import Order

    empty, sold = make_cycle(enterprise, name="Vide"), make_cycle(enterprise, name="Vendu")
    Order.objects.create(seller=enterprise, cycle=sold, status=Order.Status.PLACED)
    client = client_for(manager)

    client.post(reverse("cycles:delete", args=[enterprise.slug, empty.uuid]))
    response = client.post(reverse("cycles:delete", args=[enterprise.slug, sold.uuid]), follow=True)

    assert not OrderCycle.objects.filter(pk=empty.pk).exists()
    assert OrderCycle.objects.filter(pk=sold.pk).exists()
    assert "ne peut pas être supprimé" in response.content.decode()


def test_it_hides_another_coordinators_cycle(client_for, manager, enterprise):
    other = make_cycle(HubFactory())

    response = client_for(manager).get(reverse("cycles:edit", args=[enterprise.slug, other.uuid]))

    assert response.status_code == 404


def test_it_is_reachable_from_the_side_nav(client_for, manager, enterprise):
    page = client_for(manager).get(reverse("manage:dashboard", args=[enterprise.slug])).content.decode()

    assert reverse("cycles:list", args=[enterprise.slug]) in page
    assert "Cycles de vente" in page


def test_it_shows_the_status_in_the_list_with_timezone_now(client_for, manager, enterprise):
    make_cycle(enterprise, name="Ouvert maintenant", opens_in=-DAY)

    page = client_for(manager).get(reverse("cycles:list", args=[enterprise.slug]) + "?statut=open")

    assert page.context["page"].object_list[0].current_status == "open"
    assert timezone.now() < page.context["page"].object_list[0].closes_at
