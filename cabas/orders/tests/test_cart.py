from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.orders.models import Line, Order
from cabas.orders.tests.shop_setup import open_shop

pytestmark = pytest.mark.django_db


def _set(client, data, variant, value, **extra):
    return client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": value, **extra},
        **({"headers": {"HX-Request": "true"}} if extra.pop("htmx", False) else {}),
    )


def test_it_adds_to_the_cart_without_javascript_and_comes_back(client):
    data = open_shop()
    back = reverse("shop:front", args=[data.shop.slug]) + "?q=tomates"
    response = _set(client, data, data.variants[0], "2", next=back)
    assert response.status_code == 302 and response["Location"] == back
    line = Line.objects.get()
    assert line.quantity == 2 and line.order.status == "cart" and line.order.user is None
    html = client.get(back).content.decode()
    assert "2 dans le panier" in html and "2 articles" in html


def test_it_answers_the_row_and_the_cart_summary_to_htmx(client):
    data = open_shop()
    response = client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[1].uuid, "set": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f'id="variant-{data.variants[1].uuid}"' in html
    assert 'hx-swap-oob="true"' in html and "1 article" in html
    assert "<html" not in html


def test_it_says_how_many_are_left_and_changes_nothing(client):
    data = open_shop()
    response = client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[1].uuid, "set": "5"},
        headers={"HX-Request": "true"},
    )
    assert "Œufs : plus que 4 disponibles." in response.content.decode()
    assert not Line.objects.exists()


def test_it_shows_the_cart_with_fees_and_exact_totals(client):
    data = open_shop()
    tomato, egg = data.variants
    _set(client, data, tomato, "3")
    _set(client, data, egg, "1")
    html = client.get(reverse("shop:cart", args=[data.shop.slug])).content.decode()
    assert "Tomates" in html and "Œufs" in html
    assert "3,40\u00a0€" in html and "10,20\u00a0€" in html  # 3 × (3,20 + 0,20)
    # Products at the shelf prices: 3 × 3,40 + 2,70; the per-item fee (4 × 0,20) is within them.
    assert "<dt>Produits</dt><dd>12,90\u00a0€</dd>" in html
    assert "0,80\u00a0€" not in html
    assert "<dt>Total</dt><dd>12,90\u00a0€</dd>" in html


def test_it_removes_a_line_at_zero_and_clears_the_cart(client):
    data = open_shop()
    tomato, egg = data.variants
    _set(client, data, tomato, "1")
    _set(client, data, egg, "1")
    _set(client, data, tomato, "0")
    assert list(Line.objects.values_list("variant_id", flat=True)) == [egg.pk]
    client.post(reverse("shop:cart_clear", args=[data.shop.slug]), {"cycle": data.cycle.uuid})
    assert not Line.objects.exists()
    html = client.get(reverse("shop:cart", args=[data.shop.slug])).content.decode()
    assert "Votre panier est vide." in html


def test_it_keeps_a_guest_cart_when_logging_in(client, customer, password):
    data = open_shop()
    _set(client, data, data.variants[0], "2")
    client.post(reverse("accounts:login"), {"email": customer.email, "password": password})
    html = client.get(reverse("shop:cart", args=[data.shop.slug])).content.decode()
    assert "Tomates" in html
    assert Order.objects.get(status="cart").user == customer


def test_it_refuses_a_bad_quantity(client):
    data = open_shop()
    response = _set(client, data, data.variants[0], "beaucoup", next="/")
    assert response.status_code == 302
    assert not Line.objects.exists()
    assert Decimal("0") == sum(o.total for o in Order.objects.all())
