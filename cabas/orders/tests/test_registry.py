"""The order page is composed by the apps hooked into cabas.orders.registry: orders itself knows
nothing of payments (this test imports nothing of it)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from cabas.orders import registry
from cabas.orders.tests.shop_setup import open_shop
from cabas.orders.tests.test_my_orders import _order

pytestmark = pytest.mark.django_db


def test_the_order_page_shows_what_a_registered_section_gives(client_for, customer, monkeypatch):
    data = open_shop()
    order = _order(data, customer)
    calls = []

    def section(request, order, *, manager):
        calls.append((order.pk, manager))
        transfer = SimpleNamespace(
            holder="Banque du registre",
            iban_display="XX00 REGI STRE",
            bic="",
            amount=Decimal("1.23"),
            reference="",
            text="Libellé du registre",
            svg="",
        )
        return {"transfer": transfer}

    monkeypatch.setattr(registry, "ORDER_PAGE_SECTIONS", [section])
    html = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert calls == [(order.pk, False)]
    assert "Banque du registre" in html and "XX00 REGI STRE" in html and "Libellé du registre" in html

    monkeypatch.setattr(registry, "ORDER_PAGE_SECTIONS", [])
    html = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert order.number in html and "Payer par virement" not in html


def test_the_checkout_offers_the_payment_methods_a_registered_function_leaves(client, monkeypatch):
    from cabas.orders.tests.test_checkout import _add, _url

    data = open_shop()
    _add(client, data, data.variants[0], 2)
    calls = []

    def methods(request, enterprise, methods):
        calls.append(enterprise.pk)
        return [m for m in methods if m.pk != data.cheque.pk]

    monkeypatch.setattr(registry, "CHECKOUT_PAYMENT_METHODS", [methods])
    html = client.get(_url(data)).content.decode()
    assert calls == [data.shop.pk]
    assert data.cheque.name not in html


def test_a_registered_function_chooses_where_the_buyer_goes_after_placing(client, monkeypatch):
    from django.shortcuts import redirect

    from cabas.orders.models import Order
    from cabas.orders.tests.test_checkout import _add, _form, _url

    data = open_shop()
    _add(client, data, data.variants[0], 2)
    placed = []

    def after_place(request, order):
        placed.append(order.pk)
        return redirect("/ailleurs/")

    monkeypatch.setattr(registry, "AFTER_PLACE", [lambda request, order: None, after_place])
    response = client.post(_url(data), _form(data))
    order = Order.objects.get(status="placed")
    assert placed == [order.pk]
    assert response.status_code == 302 and response["Location"] == "/ailleurs/"
