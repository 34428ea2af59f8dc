"""The bulk actions of the seller's orders list (mark handed over, cancel with a reason, send the
confirmation again, the registered ones) and the seller's cancellation service."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.orders import registry
from cabas.orders.changes import order_cancel_by_seller
from cabas.orders.exceptions import OrderNotCancellable
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.orders.tests.test_manage_orders_list import place
from cabas.payments.accounts import ledger
from cabas.payments.accounts.tests.test_accounts import TOTAL, buyer_with_balance, credit_shop
from cabas.payments.tests.placed import placed_order
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    data = open_shop()
    data.manager = RoleFactory(enterprise=data.shop, role="manager").user
    return data


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.manager)
    return client


def stock(shop) -> int:
    return Variant.objects.get(pk=shop.variants[0].pk).on_hand


def bulk(seller, shop, orders, action, back="status=placed", **extra):
    data = {"action": action, "orders": [str(o.uuid) for o in orders], "back": back, **extra}
    response = seller.post(reverse("orders:orders_bulk", args=[shop.shop.slug]), data)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    if response.status_code == 302:
        seller.get(response["Location"])  # the list shows (and uses up) the messages
    return response, texts


def status(order) -> str:
    order.refresh_from_db()
    return order.status


# --- mark handed over --------------------------------------------------------------------------


def test_mark_collected_hands_over_the_placed_orders_and_names_the_others(seller, shop):
    a, b, c = (place(shop, f"{n} Martin") for n in ("Anne", "Basile", "Chloé"))
    Order.objects.filter(pk=c.pk).update(status="cancelled")
    response, texts = bulk(seller, shop, [a, b, c], "collected")
    list_url = reverse("orders:orders", args=[shop.shop.slug])
    assert response.status_code == 302 and response["Location"] == f"{list_url}?status=placed"
    assert (status(a), status(b), status(c)) == ("fulfilled", "fulfilled", "cancelled")
    assert texts == [
        "2 commandes marquées remises.",
        f"Non remises (annulées ou en attente de paiement) : {c.number}.",
    ]
    assert a.events.filter(to_status="fulfilled", user=shop.manager).exists()


def test_another_sellers_orders_are_never_acted_on(seller, shop):
    mine = place(shop, "Anne Martin")
    theirs = place(open_shop(shop=EnterpriseFactory(slug="autre")), "Basile Roux")
    _response, texts = bulk(seller, shop, [mine, theirs], "collected")
    assert (status(mine), status(theirs)) == ("fulfilled", "placed")
    assert texts == ["1 commande marquée remise."]
    _response, texts = bulk(seller, shop, [theirs], "cancel", reason="Rupture")
    assert status(theirs) == "placed"
    assert texts == ["Aucune des commandes cochées n'est à vous : rien n'a changé."]


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_gives_the_stock_back_records_the_reason_and_emails_each_buyer(
    seller, shop, django_capture_on_commit_callbacks
):
    before = stock(shop)
    a = place(shop, "Anne Martin", tomatoes=2)
    b = place(shop, "Basile Roux", tomatoes=3)
    assert stock(shop) == before - 5
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _response, texts = bulk(seller, shop, [a, b], "cancel", reason="  Grêle sur les tomates  ")
    assert (status(a), status(b)) == ("cancelled", "cancelled") and stock(shop) == before
    assert texts == ["2 commandes annulées, leurs clients prévenus par e-mail."]
    event = a.events.get(to_status="cancelled")
    assert event.detail == {"reason": "Grêle sur les tomates"} and event.user == shop.manager
    assert event.description == "Annulée : Grêle sur les tomates"
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"anne@exemple.fr", "basile@exemple.fr"}
    message = sent["anne@exemple.fr"]
    assert a.number in message.subject and "annulée" in message.subject
    assert "Raison : Grêle sur les tomates" in message.body and a.number in message.body


def test_the_order_page_shows_the_cancellation_reason(seller, shop):
    order = place(shop, "Anne Martin")
    bulk(seller, shop, [order], "cancel", reason="Grêle")
    html = seller.get(reverse("orders:order", args=[shop.shop.slug, order.uuid])).content.decode()
    assert "Annulée : Grêle" in html


def test_cancel_without_a_reason_changes_nothing_and_says_why(seller, shop):
    order = place(shop, "Anne Martin")
    before = stock(shop)
    mail.outbox.clear()
    _response, texts = bulk(seller, shop, [order], "cancel", reason="   ")
    assert status(order) == "placed" and stock(shop) == before and not mail.outbox
    assert texts == ["Indiquez la raison de l'annulation : elle est envoyée aux clients."]


def test_cancel_names_the_orders_it_cannot_cancel_and_cancels_the_others(seller, shop):
    a, b = place(shop, "Anne Martin"), place(shop, "Basile Roux")
    Order.objects.filter(pk=b.pk).update(status="fulfilled")
    _response, texts = bulk(seller, shop, [a, b], "cancel", reason="Grêle")
    assert (status(a), status(b)) == ("cancelled", "fulfilled")
    assert texts == [
        "1 commande annulée, son client prévenu par e-mail.",
        f"Non annulées (déjà remises ou annulées) : {b.number}.",
    ]


def test_the_seller_cancels_a_placed_order_after_its_cycle_closed(shop):
    order = place(shop, "Anne Martin", tomatoes=2)
    before = stock(shop)
    shop.cycle.closes_at = timezone.now() - datetime.timedelta(hours=1)
    shop.cycle.save()
    order_cancel_by_seller(order=order, reason="Producteur absent", user=shop.manager)
    assert status(order) == "cancelled" and stock(shop) == before + 2


def test_the_seller_releases_an_order_awaiting_its_payment(shop):
    order = place(shop, "Anne Martin", tomatoes=2)
    Order.objects.filter(pk=order.pk).update(status="awaiting")
    before = stock(shop)
    order_cancel_by_seller(order=order, reason="Plus de stock", user=shop.manager)
    assert status(order) == "cancelled" and stock(shop) == before + 2
    assert order.events.get(to_status="cancelled").detail == {"reason": "Plus de stock"}


@pytest.mark.parametrize("current", ["fulfilled", "cancelled"])
def test_the_seller_cannot_cancel_an_order_handed_over_or_cancelled(shop, current):
    order = place(shop, "Anne Martin")
    Order.objects.filter(pk=order.pk).update(status=current)
    with pytest.raises(OrderNotCancellable):
        order_cancel_by_seller(order=order, reason="Grêle", user=shop.manager)
    assert status(order) == current


def test_a_cancellation_by_the_seller_gives_a_credit_payment_back():
    data = credit_shop()
    user, customer = buyer_with_balance(data, "20")
    order = placed_order(data, method=data.credit, user=user)
    assert ledger.account_balance(customer) == Decimal("20.00") - TOTAL
    order_cancel_by_seller(order=order, reason="Grêle", user=None)
    assert status(order) == "cancelled" and ledger.account_balance(customer) == Decimal("20.00")


# --- send the confirmation again ---------------------------------------------------------------


def test_resend_confirmation_emails_each_placed_order_and_records_it(
    seller, shop, django_capture_on_commit_callbacks
):
    a, b = place(shop, "Anne Martin"), place(shop, "Basile Roux")
    Order.objects.filter(pk=b.pk).update(status="cancelled")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _response, texts = bulk(seller, shop, [a, b], "confirmation")
    assert [m.to for m in mail.outbox] == [["anne@exemple.fr"]] and a.number in mail.outbox[0].subject
    assert texts == [
        "1 confirmation renvoyée.",
        f"Confirmation non renvoyée (commandes annulées ou non payées) : {b.number}.",
    ]
    event = a.events.get(kind="confirmation_resent")
    assert event.user == shop.manager and event.description == "Confirmation renvoyée au client"
    assert not b.events.filter(kind="confirmation_resent").exists()


# --- bad input, registered actions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "checked", "message"),
    [
        ("collected", False, "Cochez au moins une commande."),
        ("explode", True, "Cette action n'existe pas."),
        ("", True, "Choisissez une action."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(seller, shop, action, checked, message):
    order = place(shop, "Anne Martin")
    _response, texts = bulk(seller, shop, [order] if checked else [], action)
    assert status(order) == "placed" and texts == [message]


def test_more_orders_than_the_cap_are_refused(seller, shop, monkeypatch):
    monkeypatch.setattr("cabas.orders.manage_bulk.MAX_ORDERS", 1)
    a, b = place(shop, "Anne Martin"), place(shop, "Basile Roux")
    _response, texts = bulk(seller, shop, [a, b], "collected")
    assert (status(a), status(b)) == ("placed", "placed")
    assert texts == ["Choisissez au plus 1 commandes à la fois."]


def test_the_back_address_stays_on_the_list(seller, shop):
    order = place(shop, "Anne Martin")
    response, _texts = bulk(
        seller, shop, [order], "collected", back="https://evil.example/?x=1&status=placed"
    )
    list_url = reverse("orders:orders", args=[shop.shop.slug])
    assert response["Location"] == f"{list_url}?status=placed"


def test_a_registered_action_gets_the_checked_orders_of_the_seller(seller, shop, monkeypatch):
    received = []

    def handle(request, enterprise, orders):
        received.extend(orders)
        return HttpResponse(f"{enterprise.slug}: {len(orders)}")

    monkeypatch.setattr(registry, "ORDERS_BULK_ACTIONS", [])
    monkeypatch.setattr("cabas.orders.manage_bulk.ORDERS_BULK_ACTIONS", registry.ORDERS_BULK_ACTIONS)
    registry.register_orders_bulk_action(
        registry.OrdersBulkAction("labels", "Imprimer les étiquettes", handle)
    )
    with pytest.raises(ValueError):
        registry.register_orders_bulk_action(registry.OrdersBulkAction("labels", "Encore", handle))
    mine = place(shop, "Anne Martin")
    theirs = place(open_shop(shop=EnterpriseFactory(slug="autre")), "Basile Roux")
    html = seller.get(reverse("orders:orders", args=[shop.shop.slug])).content.decode()
    assert '<option value="labels">Imprimer les étiquettes</option>' in html
    response, _texts = bulk(seller, shop, [mine, theirs], "labels")
    assert response.content == f"{shop.shop.slug}: 1".encode() and received == [mine]
