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
