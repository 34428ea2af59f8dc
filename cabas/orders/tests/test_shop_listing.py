"""The shopfront keeps one clean URL per view of the shop, and a long shop has a « Catégories »
jump list to its category headings."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cabas.catalogue.models import Category, Product
from cabas.orders.shop_listing import shop_query
from cabas.orders.tests.shop_setup import open_shop

pytestmark = pytest.mark.django_db


def _front(data) -> str:
    return reverse("shop:front", args=[data.shop.slug])


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", ""),
        ("cycle=C&q=tomate", "cycle=C&q=tomate"),
        ("cycle=C&q=&category=&producer=&label=", "cycle=C"),
        ("cycle=C&q=tomate&cycle=C&q=tomate", "cycle=C&q=tomate"),
        ("category=&category=legumes&category=fruits", "category=legumes"),
        ("q=+pomme+&page=1", "q=pomme"),
        ("page=0", ""),
        ("page=deux", ""),
        ("page=3&page=4", "page=3"),
        ("utm_source=lettre&q=miel", "q=miel"),
    ],
)
def test_the_canonical_query_keeps_each_filter_once_and_drops_the_empty_ones(query, canonical):
    assert shop_query(QueryDict(query)).urlencode() == canonical


def test_a_url_with_repeated_or_empty_parameters_is_redirected_once_to_its_clean_url(client):
    data = open_shop()
    Product.objects.filter(name="Œufs").update(category=Category.objects.get(slug="oeufs"))
    cycle = str(data.cycle.uuid)
    # what a browser sends for the filter form, and for a search added to a URL that had one
    sent = f"?cycle={cycle}&q=tomat&category=&producer=&label=&cycle={cycle}&q=tomat"

    response = client.get(_front(data) + sent, follow=True)

    assert response.redirect_chain == [(f"{_front(data)}?cycle={cycle}&q=tomat", 302)]
    assert response.status_code == 200
    names = re.findall(r'class="shop-product-name">([^<]+)<', response.content.decode())
    assert names == ["Tomates"]


def test_a_clean_url_is_served_as_it_is(client):
    data = open_shop()
    assert client.get(_front(data)).status_code == 200
    assert client.get(f"{_front(data)}?cycle={data.cycle.uuid}&q=tomate").status_code == 200


def test_htmx_gets_the_results_and_the_clean_url_for_the_address_bar(client):
    data = open_shop()
    sent = f"?cycle={data.cycle.uuid}&q=tomate&category=&producer=&label="
    headers = {"HX-Request": "true", "HX-Target": "shop-results"}

    response = client.get(_front(data) + sent, headers=headers)

    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{_front(data)}?cycle={data.cycle.uuid}&q=tomate"
    assert "Tomates" in response.content.decode()


def _long_shop(count=14, slugs=("tomates", "oeufs")):
    """A shop with `count` products, spread over the categories `slugs`."""
    data = open_shop()
    categories = [Category.objects.get(slug=slug) for slug in slugs]
    Product.objects.filter(name="Tomates").update(category=categories[0])
    Product.objects.filter(name="Œufs").update(category=categories[-1])
    for n in range(count - 2):
        data.add_variant(product__name=f"Produit {n:02}", product__category=categories[n % len(categories)])
    return data


def test_the_next_page_link_keeps_each_filter_once(client, settings):
    data = _long_shop(count=40)
    html = client.get(f"{_front(data)}?cycle={data.cycle.uuid}&q=Produit").content.decode()

    links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert links and all(
        link == f"{_front(data)}?cycle={data.cycle.uuid}&amp;q=Produit&amp;page=2" for link in links
    )
    html = client.get(links[0].replace("&amp;", "&")).content.decode()
    back = re.findall(r'href="([^"]*)"[^>]*>Produits précédents', html)
    assert back == [f"{_front(data)}?cycle={data.cycle.uuid}&amp;q=Produit"]


def test_a_long_shop_has_a_jump_list_to_its_category_headings(client):
    data = _long_shop(count=14, slugs=("tomates", "oeufs", "fruits"))

    html = client.get(_front(data)).content.decode()

    nav = re.search(r'<nav class="shop-jump" aria-label="Catégories">(.*?)</nav>', html, re.S)
    assert nav is not None
    targets = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav.group(1))
    assert [name for _anchor, name in targets] == ["Légumes", "Fruits", "Œufs"]  # the categories' order
    for anchor, name in targets:
        assert f'<h2 class="shop-aisle" id="{anchor}">{name}</h2>' in html
    assert html.count('class="shop-product-name"') == 14


def test_a_short_shop_has_no_jump_list(client):
    short = open_shop()
    html = client.get(_front(short)).content.decode()
    assert 'class="shop-jump"' not in html
    assert '<h2 class="shop-aisle"' in html  # the headings are there all the same


def test_a_long_shop_of_one_category_has_no_jump_list(client):
    one_category = _long_shop(count=20, slugs=("tomates",))
    html = client.get(_front(one_category)).content.decode()
    assert 'class="shop-jump"' not in html


def test_a_page_appended_below_the_last_one_does_not_repeat_its_category_heading(client):
    data = _long_shop(count=40, slugs=("tomates",))
    headers = {"HX-Request": "true", "HX-Target": "shop-more"}

    html = client.get(f"{_front(data)}?cycle={data.cycle.uuid}&page=2", headers=headers).content.decode()

    assert "shop-aisle" not in html and 'class="shop-jump"' not in html
    assert html.count('class="shop-product-name"') == 10


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_jump_list_and_headings_cost_no_query(client):
    short = open_shop()
    few = _queries(client, _front(short))
    Product.objects.filter(name__in=["Tomates", "Œufs"]).update(category=Category.objects.get(slug="tomates"))
    for n in range(28):
        short.add_variant(
            product__name=f"Produit {n:02}", product__category=Category.objects.get(slug="fruits")
        )

    many = _queries(client, _front(short))

    assert many == few
    assert 'class="shop-jump"' in client.get(_front(short)).content.decode()
