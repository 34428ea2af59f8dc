"""« Retrouver ma commande »: a guest asks the shop to email again the links of their orders."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cabas.orders.changes import order_cancel
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.tests.placed import placed_order
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "Si des commandes ont été passées avec cette adresse dans cette boutique"


@pytest.fixture(autouse=True)
def _clear_cache():
    # The throttle counts live in the (process-wide) local-memory cache.
    cache.clear()
    yield
    cache.clear()


def _shop():
    data = open_shop()
    for variant in data.variants:  # enough for many orders
        variant.on_hand = 100
        variant.save()
    return data


def _url(data):
    return reverse("shop:find_orders", args=[data.shop.slug])


def _ask(client, data, email, callbacks):
    with callbacks(execute=True):
        return client.post(_url(data), {"email": email}, follow=True)


def test_the_shop_and_the_cart_offer_to_find_an_order(client):
    data = open_shop()
    for page in ("shop:front", "shop:cart"):
        html = client.get(reverse(page, args=[data.shop.slug])).content.decode()
        assert "Retrouver ma commande" in html and _url(data) in html, page
    html = client.get(_url(data)).content.decode()
    assert "Retrouver ma commande" in html and 'name="email"' in html


def test_it_emails_the_links_of_the_guests_orders_in_this_shop(
    client, customer, django_capture_on_commit_callbacks
):
    data = _shop()
    first = placed_order(data, email="Claire@Exemple.fr", key="k1")
    second = placed_order(data, key="k2")
    cancelled = placed_order(data, key="k3")
    order_cancel(order=cancelled, user=None)
    someone_else = placed_order(data, email="paul@exemple.fr", key="k4")
    with_account = placed_order(data, user=customer, email="claire@exemple.fr", key="k5")
    other_shop = open_shop(shop=EnterpriseFactory(name="Autre Ferme", slug="autre-ferme"))
    elsewhere = placed_order(other_shop, email="claire@exemple.fr", key="k6")

    response = _ask(client, data, " claire@exemple.FR ", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and NEUTRAL in response.content.decode()

    (email,) = mail.outbox
    assert email.to == ["claire@exemple.fr"]
    assert "Ferme des Saules" in email.from_email and "Ferme des Saules" in email.subject
    html_part, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    for order in (first, second):
        assert order.number in email.body and order.number in html_part
    for order in (cancelled, someone_else, with_account, elsewhere):
        assert order.number not in email.body
    links = re.findall(re.escape(settings.SITE_URL) + r"(/orders/\S+)", email.body)
    assert len(links) == 2
    for link in links:
        assert f'href="{settings.SITE_URL}{link}"' in html_part
        page = Client().get(link)  # any browser
        assert page.status_code == 200 and "Annuler la commande" in page.content.decode()


def test_it_sends_the_last_ten_orders_at_most(client, django_capture_on_commit_callbacks):
    data = _shop()
    orders = [placed_order(data, key=f"k{n}") for n in range(12)]
    _ask(client, data, "claire@exemple.fr", django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert len(re.findall(re.escape(settings.SITE_URL) + r"/orders/", email.body)) == 10
    assert orders[-1].number in email.body and orders[0].number not in email.body


def test_it_answers_the_same_and_sends_nothing_for_an_unknown_address(
    client, django_capture_on_commit_callbacks
):
    data = open_shop()
    placed_order(data)
    response = _ask(client, data, "personne@exemple.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and NEUTRAL in response.content.decode()
    assert mail.outbox == []


def test_it_refuses_an_invalid_address(client, django_capture_on_commit_callbacks):
    data = open_shop()
    response = _ask(client, data, "pas-une-adresse", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and NEUTRAL not in response.content.decode()
    assert mail.outbox == []


def test_it_throttles_repeated_requests_for_one_address(django_capture_on_commit_callbacks, settings):
    settings.ORDER_LINKS_PER_ADDRESS = 2
    data = open_shop()
    placed_order(data)
    for _n in range(2):
        _ask(Client(REMOTE_ADDR="10.0.0.1"), data, "claire@exemple.fr", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    # from another IP too, and whatever the case: the limit is the mailbox's
    response = _ask(
        Client(REMOTE_ADDR="10.0.0.2"), data, "Claire@exemple.fr", django_capture_on_commit_callbacks
    )
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert len(mail.outbox) == 2


def test_it_throttles_one_ip_asking_for_many_addresses(client, django_capture_on_commit_callbacks, settings):
    settings.ORDER_LINKS_PER_IP = 3
    data = open_shop()
    placed_order(data)
    for n in range(3):
        _ask(client, data, f"quelquun{n}@exemple.fr", django_capture_on_commit_callbacks)
    response = _ask(client, data, "claire@exemple.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert mail.outbox == []
    # another IP is not held back
    _ask(Client(REMOTE_ADDR="10.0.0.9"), data, "claire@exemple.fr", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
