"""Browser tests of the distribution evening on a phone: a volunteer opens the day's orders, marks
one handed over and undoes it (htmx swaps the card and the counter); the pages fit 360 px and
axe-core finds no violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.enterprises.models import Role
from cabas.fulfilment.tests.test_distribution_evening import _day, _place, _shop
from cabas.orders.models import Order
from cabas.payments.records.services import payment_record
from tests.factories import RoleFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def evening():
    data = _shop()
    paid = _place(data, 0, tomatoes=2, eggs=1, name="Zoé Petit-Delacroix-Montgolfier")
    delivered = _place(data, 1, tomatoes=7, delivery=True, name="Adrien Morel")
    payment_record(seller=data.shop, kind="cheque", amount=paid.total, order=paid)
    payment_record(seller=data.shop, kind="cheque", amount=Decimal("5.00"), order=delivered)
    RoleFactory(enterprise=data.shop, role=Role.Level.VOLUNTEER, user__email="benevole@exemple.fr")
    return data, paid, delivered


def test_it_hands_an_order_over_and_undoes_it_on_a_phone(
    page, evening, login_as, axe_check, no_horizontal_scroll
):
    data, paid, delivered = evening
    login_as(page, "benevole@exemple.fr")
    page.goto(f"/manage/{data.shop.slug}/distribution/")
    no_horizontal_scroll(page)
    axe_check(page)
    page.locator(".distribution-day").first.click()
    expect(page.locator("#distribution-counter")).to_have_text("0 / 2 remises")
    no_horizontal_scroll(page)
    axe_check(page)

    card = page.locator(f"#order-{delivered.uuid}")
    expect(card).to_contain_text("Reste à payer")
    card.get_by_role("button", name="Remis").click()
    expect(page.locator(f"#order-{delivered.uuid} .distribution-collected")).to_have_text("Remise")
    expect(page.locator("#distribution-counter")).to_have_text("1 / 2 remises")
    assert Order.objects.get(pk=delivered.pk).status == Order.Status.FULFILLED
    no_horizontal_scroll(page)
    axe_check(page)

    page.locator(f"#order-{delivered.uuid}").get_by_role("button", name="Annuler la remise").click()
    expect(page.locator("#distribution-counter")).to_have_text("0 / 2 remises")
    expect(page.locator(f"#order-{delivered.uuid} .distribution-collected")).to_have_count(0)
    assert Order.objects.get(pk=delivered.pk).status == Order.Status.PLACED

    page.get_by_role("link", name="Pas encore remises").click()
    expect(page.locator(".distribution-card")).to_have_count(2)
    assert page.url.endswith(f"/distribution/{_day(data).isoformat()}/?reste=1")
