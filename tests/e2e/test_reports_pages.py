"""A shop's manager reads the order reports on a phone: the list of reports, the totals by customer
for the week's cycle (a mistyped period first), the totals by producer, and downloads them. Every
page is checked with axe-core and fits a 360 px screen."""

import pytest
from playwright.sync_api import expect

from cabas.fulfilment.tests.sales import sales
from cabas.lib.money import format_eur
from cabas.orders.models import Order
from tests.e2e.helpers import manage_menu
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerant@ferme-des-saules.fr"


def test_a_manager_reads_the_order_reports_on_a_phone(page, login_as, axe_check, no_horizontal_scroll):
    def check():
        no_horizontal_scroll(page)
        axe_check(page)

    data = sales(orders=4)
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    reported = Order.objects.filter(seller=data.shop, status__in=("placed", "fulfilled"))
    login_as(page, MANAGER)
    page.goto(f"/manage/{data.shop.slug}/")
    manage_menu(page).get_by_role("link", name="Rapports", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Rapports")
    expect(page.get_by_role("heading", level=2, name="Commandes et préparation")).to_be_visible()
    check()

    page.get_by_role("link", name="Totaux par client").click()
    page.get_by_label("Commandes passées du").fill("2026-03-31")
    page.get_by_label("au (inclus)").fill("2026-03-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("La date de fin doit suivre la date de début.")).to_be_visible()
    check()

    page.get_by_label("Commandes passées du").fill("")
    page.get_by_label("au (inclus)").fill("")
    page.get_by_label("Cycle de vente").select_option(str(data.data.cycle.uuid))
    page.get_by_role("button", name="Afficher").click()
    table = page.get_by_role("table", name="Totaux par client — Cycle : Vente de la semaine")
    expect(table.get_by_role("row", name="Client 002")).to_be_visible()
    expected = format_eur(sum(order.total for order in reported))
    expect(table.locator("tfoot")).to_contain_text(expected)
    check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    assert download_info.value.suggested_filename.startswith(f"customer-totals-{data.shop.slug}-")

    page.get_by_role("link", name="Tous les rapports").click()
    page.get_by_role("link", name="Totaux par producteur").click()
    table = page.get_by_role("table", name="Totaux par producteur — Toutes les commandes")
    expect(table.get_by_role("row", name="Rucher des Monts")).to_be_visible()
    check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert download_info.value.suggested_filename.endswith(".pdf")
