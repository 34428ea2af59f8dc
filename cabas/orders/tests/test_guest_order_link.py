"""A guest's order from the signed link of their emails, in any browser."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from cabas.catalogue.models import Variant
from cabas.orders.links import order_path
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.card.checkout import card_checkout_url
from cabas.payments.card.reconcile import card_reconcile
from cabas.payments.tests.placed import placed_order
from cabas.payments.tests.stripe_standin import card_shop, running

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


def _transfer_shop():
    data = open_shop()
    data.transfer.account_holder = "Ferme des Saules"
    data.transfer.iban = IBAN
    data.transfer.save()
    return data


def _place_as_guest(data, django_capture_on_commit_callbacks):
    """Check out as a guest in a browser of its own; returns the order and its confirmation email."""
    browser = Client()
    browser.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "3"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("shop:checkout", args=[data.shop.slug]),
            {
                "cycle": data.cycle.uuid,
                "email": "claire@exemple.fr",
                "full_name": "Claire Martin",
                "shipping_method": data.pickup.uuid,
                "payment_method": data.transfer.uuid,
                "idempotency_key": "cle-1",
                "confirm": "1",
            },
        )
    order = Order.objects.get(status="placed")
    (email,) = mail.outbox
    return order, email, response


def _link(text: str) -> str:
    """The path of the order link of an email's text part."""
    urls = re.findall(re.escape(settings.SITE_URL) + r"(/orders/\S+)", text)
    assert len(urls) == 1, urls
    return urls[0]


def test_the_confirmation_email_link_works_in_a_fresh_browser(django_capture_on_commit_callbacks):
    data = _transfer_shop()
    order, email, _response = _place_as_guest(data, django_capture_on_commit_callbacks)
    link = _link(email.body)
    assert link != reverse("shop:order", args=[order.uuid])
    html_part = email.alternatives[0][0]
    assert f'href="{settings.SITE_URL}{link}"' in html_part

    elsewhere = Client()  # another device: no session
    html = elsewhere.get(link).content.decode()
    assert order.number in html and "Payer par virement" in html and "<svg" in html
    assert "Modifier la commande" in html and "Annuler la commande" in html
    assert "Commander à nouveau" in html


def test_the_guest_edits_and_cancels_from_the_browser_that_opened_the_link(
    django_capture_on_commit_callbacks,
):
    data = _transfer_shop()
    order, email, _response = _place_as_guest(data, django_capture_on_commit_callbacks)
    elsewhere = Client()
    elsewhere.get(_link(email.body))

    edit = reverse("shop:order_edit", args=[order.uuid])
    assert "Tomates" in elsewhere.get(edit).content.decode()
    response = elsewhere.post(edit, {f"q-{data.variants[0].uuid}": "5"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.lines.get().quantity == 5 and Variant.objects.get(pk=data.variants[0].pk).on_hand == 5

    response = elsewhere.post(
        reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"}, follow=True
    )
    order.refresh_from_db()
    assert order.status == "cancelled" and Variant.objects.get(pk=data.variants[0].pk).on_hand == 10
    assert response.status_code == 200 and "est annulée" in response.content.decode()


def test_the_checkout_sends_the_guest_to_the_signed_link(django_capture_on_commit_callbacks):
    data = _transfer_shop()
    order, email, response = _place_as_guest(data, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == _link(email.body)
    page = Client().get(response["Location"]).content.decode()  # bookmarked, opened elsewhere
    assert order.number in page and "lien personnel" in page


def test_a_tampered_or_foreign_token_answers_404():
    data = open_shop()
    order = placed_order(data)
    other = placed_order(data, key="k2")
    token = order_path(order).rstrip("/").rsplit("/", 1)[1]
    stranger = Client()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        reverse("shop:order_guest", args=[order.uuid, tampered]),
        reverse("shop:order_guest", args=[order.uuid, "x"]),
        reverse("shop:order_guest", args=[other.uuid, token]),  # another order's token
    ):
        response = stranger.get(path)
        assert response.status_code == 404 and order.number not in response.content.decode()
    # and the failed attempts gave nothing to that browser
    assert stranger.get(reverse("shop:order", args=[order.uuid])).status_code == 404


def test_the_plain_link_still_answers_404_to_a_stranger():
    order = placed_order()
    response = Client().get(reverse("shop:order", args=[order.uuid]))
    assert response.status_code == 404
    html = response.content.decode()
    assert order.number not in html and "Retrouver ma commande" in html
    assert (
        Client().post(reverse("shop:order_cancel", args=[order.uuid]), {"confirm": "yes"}).status_code == 404
    )
    order.refresh_from_db()
    assert order.status == "placed"


def test_an_account_order_has_no_signed_link(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    assert order_path(order) == reverse("shop:order", args=[order.uuid])
    guest = placed_order(data, key="k2")
    token = order_path(guest).rstrip("/").rsplit("/", 1)[1]
    # a valid-looking token never opens an order placed with an account
    assert Client().get(reverse("shop:order_guest", args=[order.uuid, token])).status_code == 404
    assert client_for(customer).get(order_path(order)).status_code == 200


def test_the_other_emails_of_a_guest_order_carry_its_signed_link(
    settings, django_capture_on_commit_callbacks
):
    with running(settings) as standin:
        data = card_shop(standin)
        order = placed_order(data, method=data.card)  # a guest's, awaiting its card payment
        card_checkout_url(order=order)
        with django_capture_on_commit_callbacks(execute=True):
            card_reconcile(now=order.payment_due_by + datetime.timedelta(minutes=1))
    (email,) = mail.outbox  # its reservation ran out unpaid
    assert "annulée" in email.subject
    page = Client().get(_link(email.body))
    assert page.status_code == 200 and order.number in page.content.decode()
