"""« Annuler la commande »: a confirmation page first, for account and guest orders alike."""

import pytest
from django.test import Client
from django.urls import reverse

from cabas.catalogue.models import Variant
from cabas.orders.links import order_path
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.records.services import payment_record
from cabas.payments.tests.placed import placed_order

pytestmark = pytest.mark.django_db


def _stock(data):
    return Variant.objects.get(pk=data.variants[0].pk).on_hand


def test_the_order_page_links_to_the_confirmation_page(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    html = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()

    assert f'href="{reverse("shop:order_cancel", args=[order.uuid])}"' in html


def test_the_confirmation_page_says_what_cancelling_does_and_changes_nothing(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    stock = _stock(data)

    response = client_for(customer).get(reverse("shop:order_cancel", args=[order.uuid]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Annuler la commande n° {order.number} ?" in html
    assert "les produits sont rendus au stock" in html
    assert "Vous n&#x27;avez rien réglé : il n&#x27;y a rien à rembourser." in html
    assert "Oui, annuler la commande" in html and "Non, garder ma commande" in html
    assert f'<a class="button button-secondary" href="{order_path(order)}">' in html
    order.refresh_from_db()
    assert order.status == "placed" and _stock(data) == stock


def test_a_post_without_the_confirmation_only_shows_the_page(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)

    response = client_for(customer).post(reverse("shop:order_cancel", args=[order.uuid]))

    assert response.status_code == 200 and "Oui, annuler la commande" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "placed"


def test_confirming_cancels_and_gives_the_stock_back(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    stock = _stock(data)

    response = client_for(customer).post(reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"})

    assert response["Location"] == order_path(order)
    order.refresh_from_db()
    assert order.status == "cancelled" and _stock(data) == stock + 2


def test_it_says_the_seller_gives_back_what_was_paid(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    payment_record(seller=data.shop, kind="cheque", amount="5", order=order)

    html = client_for(customer).get(reverse("shop:order_cancel", args=[order.uuid])).content.decode()

    assert f"Vous avez réglé 5,00\xa0€ : {data.shop.name} vous les remboursera." in html


def test_an_order_that_cannot_change_any_more_goes_back_to_its_page(client_for, customer):
    data = open_shop(orders_editable=False)
    order = placed_order(data, user=customer, email=customer.email)

    response = client_for(customer).get(reverse("shop:order_cancel", args=[order.uuid]), follow=True)

    assert "Cette commande ne peut plus être annulée." in response.content.decode()
    assert "Oui, annuler la commande" not in response.content.decode()


def test_a_guest_confirms_from_the_signed_link_and_stays_on_it():
    data = open_shop()
    order = placed_order(data)
    link = order_path(order)
    elsewhere = Client()  # another device, with the link of the emails only
    assert elsewhere.get(reverse("shop:order_cancel", args=[order.uuid])).status_code == 404
    elsewhere.get(link)

    page = elsewhere.get(reverse("shop:order_cancel", args=[order.uuid])).content.decode()
    response = elsewhere.post(reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"})

    assert f'href="{link}"' in page
    assert response["Location"] == link
    order.refresh_from_db()
    assert order.status == "cancelled"
