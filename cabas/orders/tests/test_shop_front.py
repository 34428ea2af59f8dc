import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Category, Label, Product, Variant
from cabas.cycles.models import CycleSupplier, CycleVariant, OrderCycle
from cabas.orders.models import Customer
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _url(data, **params):
    url = reverse("shop:front", args=[data.shop.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_lists_products_with_prices_including_fees_and_the_breakdown(client):
    data = open_shop()
    response = client.get(_url(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tomates" in html and "Œufs" in html
    assert "3,40\xa0€" in html  # 3,20 + 0,20 of packing
    assert "6,80\xa0€ / kg" in html  # price per kilo of 500 g
    assert "Détail du prix" in html and "Préparation des paniers" in html
    assert "Vente de la semaine" in html


def test_it_does_not_clash_with_the_enterprise_page(client):
    data = open_shop()
    assert client.get(f"/{data.shop.slug}/").status_code == 200
    assert client.get(f"/{data.shop.slug}/shop/").status_code == 200


def test_it_shows_low_stock_and_disables_sold_out_items(client):
    data = open_shop()
    tomato, egg = data.variants
    Variant.objects.filter(pk=tomato.pk).update(on_hand=0)
    Variant.objects.filter(pk=egg.pk).update(on_hand=2)
    html = client.get(_url(data)).content.decode()
    assert "plus que 2" in html
    assert "Épuisé" in html
    assert html.count(" disabled>") >= 1


def test_it_filters_by_search_category_producer_and_label(client):
    data = open_shop()
    bio = Label.objects.get(slug="ab")
    Product.objects.get(name="Tomates").labels.add(bio)
    other = Category.objects.exclude(slug="tomates").filter(parent__isnull=False).first()
    Product.objects.filter(name="Œufs").update(category=other)
    html = client.get(_url(data, q="tomat")).content.decode()
    assert "Tomates" in html and "Œufs" not in html
    html = client.get(_url(data, label="ab")).content.decode()
    assert "Tomates" in html and "Œufs" not in html
    html = client.get(_url(data, category=other.slug)).content.decode()
    assert "Œufs" in html and "Tomates" not in html
    html = client.get(_url(data, producer="autre")).content.decode()
    assert "Aucun produit ne correspond" in html


def test_it_answers_only_the_results_to_htmx(client):
    data = open_shop()
    response = client.get(_url(data, q="oeufs"), headers={"HX-Request": "true", "HX-Target": "shop-results"})
    html = response.content.decode()
    assert "<html" not in html and "Rechercher" not in html


def test_it_says_when_nothing_is_on_sale(client):
    shop = EnterpriseFactory(slug="ferme-vide")
    html = client.get(reverse("shop:front", args=[shop.slug])).content.decode()
    assert "Pas de vente en cours" in html


def test_it_offers_a_choice_when_several_cycles_are_open(client):
    data = open_shop()
    now = timezone.now()
    second = OrderCycle.objects.create(
        coordinator=data.shop,
        name="Vente de Noël",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=10),
    )
    second.distributors.create(distributor=data.shop)
    html = client.get(_url(data)).content.decode()
    assert "Vente de Noël" in html and "Vente de la semaine" in html
    html = client.get(_url(data, cycle=second.uuid)).content.decode()
    assert "Aucun produit n'est proposé dans ce cycle" in html


def test_it_keeps_a_private_shop_for_its_customers(client_for, client, customer):
    data = open_shop(shop_private=True)
    html = client.get(_url(data)).content.decode()
    assert "réservée à ses clients" in html and "Tomates" not in html
    html = client_for(customer).get(_url(data)).content.decode()
    assert "Tomates" not in html
    Customer.objects.create(enterprise=data.shop, email=customer.email, user=customer)
    html = client_for(customer).get(_url(data)).content.decode()
    assert "Tomates" in html


def test_it_answers_404_for_an_enterprise_that_sells_nothing(client):
    producer = EnterpriseFactory(sells="none")
    assert client.get(reverse("shop:front", args=[producer.slug])).status_code == 404


def test_it_pages_5000_variants_from_50_producers_in_at_most_15_queries(
    client_for, customer, django_assert_max_num_queries
):
    data = open_shop()
    category = Category.objects.get(slug="tomates")
    producers = EnterpriseFactory.create_batch(50)
    CycleSupplier.objects.bulk_create(CycleSupplier(cycle=data.cycle, supplier=p) for p in producers)
    products = Product.objects.bulk_create(
        Product(producer=p, name=f"Produit {p.pk}-{i}", category=category)
        for p in producers
        for i in range(25)
    )
    variants = Variant.objects.bulk_create(
        Variant(product=product, unit="g", quantity=Decimal(250 * (k + 1)), price=Decimal("2.10"), on_hand=k)
        for product in products
        for k in range(4)
    )
    CycleVariant.objects.bulk_create(CycleVariant(cycle=data.cycle, variant=v) for v in variants)
    client = client_for(customer)
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "2"},
    )
    with django_assert_max_num_queries(15):
        response = client.get(_url(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<li class="variant-row') == 30
    assert "Plus de produits" in html
    assert "2 articles" in html
    with django_assert_max_num_queries(15):
        response = client.get(_url(data, page=100, q="Produit"))
    assert response.status_code == 200


def test_the_filter_lists_are_kept_a_minute_then_follow_the_catalogue(client):
    from django.core.cache import cache

    data = open_shop()
    url = _url(data)
    cold, warm = _sql(client, url), _sql(client, url)
    # The two queries over the whole catalogue that list its categories, producers and labels run
    # once, not on every page.
    assert len(warm) == len(cold) - 2
    assert sum("DISTINCT" in q for q in cold) == 2 and not any("DISTINCT" in q for q in warm)
    bio = Label.objects.get(slug="ab")
    Product.objects.get(name="Tomates").labels.add(bio)
    assert client.get(url).context["labels"] == []  # within the minute: as it was
    cache.clear()  # the minute is over
    assert client.get(url).context["labels"] == [("ab", bio.name)]


def _sql(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]
