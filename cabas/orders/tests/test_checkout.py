from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from cabas.catalogue.models import Variant
from cabas.orders.links import order_path
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop

pytestmark = pytest.mark.django_db


def _add(client, data, variant, quantity):
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": str(quantity)},
    )


def _form(data, **extra):
    values = {
        "cycle": data.cycle.uuid,
        "email": "claire@exemple.fr",
        "full_name": "Claire Martin",
        "phone": "",
        "shipping_method": data.pickup.uuid,
        "payment_method": data.cheque.uuid,
        "note": "",
        "address": "",
        "postcode": "",
        "city": "",
        "idempotency_key": "cle-1",
        "confirm": "1",
    }
    values.update(extra)
    return values


def _url(data):
    return reverse("shop:checkout", args=[data.shop.slug])


def test_it_shows_contact_shipping_payment_and_the_summary(client):
    data = open_shop()
    _add(client, data, data.variants[0], 2)
    html = client.get(_url(data)).content.decode()
    for text in (
        "Vos coordonnées",
        "Retrait à la ferme",
        "Livraison Lyon",
        "Chèque",
        "À l&#x27;ordre de la Ferme",
        "Préparation des paniers",
        "6,80\u00a0€",
        "Se connecter",
        'name="idempotency_key"',
    ):
        assert text in html, text


def test_it_places_a_guest_order_and_emails_it(client, django_capture_on_commit_callbacks):
    data = open_shop()
    _add(client, data, data.variants[0], 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(data), _form(data))
    order = Order.objects.get(status="placed")
    assert response.status_code == 302 and response["Location"] == order_path(order)  # a guest's signed link
    assert order.total == Decimal("6.80")
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    page = client.get(response["Location"]).content.decode()
    assert order.number in page and "À l&#x27;ordre de la Ferme des Saules." in page
    # the cart is gone: the shop shows an empty cart again
    assert (
        "Votre panier est vide." in client.get(reverse("shop:front", args=[data.shop.slug])).content.decode()
    )


def test_it_places_one_order_on_a_double_submit(client):
    data = open_shop()
    _add(client, data, data.variants[0], 2)
    first = client.post(_url(data), _form(data))
    second = client.post(_url(data), _form(data))
    assert first["Location"] == second["Location"]
    assert Order.objects.filter(status="placed").count() == 1
    data.variants[0].refresh_from_db()
    assert data.variants[0].on_hand == 8


def test_it_shows_the_lines_that_changed_and_places_nothing_until_confirmed_again(client):
    data = open_shop()
    tomato = data.variants[0]
    _add(client, data, tomato, 5)
    Variant.objects.filter(pk=tomato.pk).update(on_hand=2)
    response = client.post(_url(data), _form(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tomates : plus que 2 disponibles." in html
    assert "Rien n'a été commandé" in html
    assert not Order.objects.filter(status="placed").exists()
    response = client.post(_url(data), _form(data))
    order = Order.objects.get(status="placed")
    assert order.lines.get().quantity == 2


def test_it_asks_for_a_delivery_address_served_by_the_method(client):
    data = open_shop()
    _add(client, data, data.variants[0], 7)
    response = client.post(_url(data), _form(data, shipping_method=data.delivery.uuid))
    assert "Nécessaire pour une livraison." in response.content.decode()
    response = client.post(
        _url(data),
        _form(
            data, shipping_method=data.delivery.uuid, address="3 rue Neuve", postcode="38000", city="Grenoble"
        ),
    )
    assert "ne livre pas le code postal 38000" in response.content.decode()
    response = client.post(
        _url(data),
        _form(data, shipping_method=data.delivery.uuid, address="3 rue Neuve", postcode="69002", city="Lyon"),
    )
    assert response.status_code == 302
    assert Order.objects.get(status="placed").fees_total == Decimal("4.40")


def test_it_requires_an_account_when_the_shop_refuses_guests(client, client_for, customer):
    data = open_shop(guest_checkout=False)
    _add(client, data, data.variants[0], 1)
    html = client.get(_url(data)).content.decode()
    assert "demande un compte pour commander" in html
    client.post(_url(data), _form(data))
    assert not Order.objects.filter(status="placed").exists()
    logged = client_for(customer)
    _add(logged, data, data.variants[0], 1)
    response = logged.post(_url(data), _form(data, email=customer.email))
    assert response.status_code == 302
    assert Order.objects.get(status="placed").user == customer


def test_it_sends_an_empty_cart_back_to_the_shop(client):
    data = open_shop()
    response = client.get(_url(data))
    assert response.status_code == 302


def test_a_customer_buying_by_weight_is_told_the_amount_is_an_estimate(
    client, django_capture_on_commit_callbacks
):
    """Checkout, order page and confirmation email say the amount may change once weighed."""
    data = open_shop()
    cheese = data.add_variant(
        product__name="Tomme", unit="g", quantity=Decimal("250"), price=Decimal("24.00"), variable_weight=True
    )
    notice = "Montant estimé : certains produits sont vendus au poids et pesés à la remise."
    _add(client, data, cheese, 2)
    checkout = client.get(_url(data)).content.decode()
    assert notice in checkout and "prix estimé, 24,00\u00a0€ le kg, pesé à la remise" in checkout
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(data), _form(data))
    assert notice in client.get(response["Location"]).content.decode()
    assert notice in mail.outbox[0].body

    _add(client, data, data.variants[0], 1)  # no product sold by weight: no notice
    assert notice not in client.get(_url(data)).content.decode()
