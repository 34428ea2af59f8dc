"""The solidarity pages in a browser: no axe-core violation and nothing wider than a 360 px phone on
the fund's settings, members' balances, report and the solidarity prices; a manager sets up the
fund with the keyboard-friendly form (no JavaScript needed)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cabas.solidarity import services_allowances, services_prices
from cabas.solidarity.tests.helpers import fund_setup, place
from tests.factories import RoleFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def solidarity():
    """The fund of the solidarity tests (Amina has spent 9,50 € of her 50 € at Ferme des Saules),
    with a manager, and a solidarity price at the shop with its own manager."""
    setup = fund_setup()
    services_allowances.allowances_grant(month=timezone.localdate())
    place(setup, setup.member, setup.allowance)
    RoleFactory(enterprise=setup.fund.enterprise, role="manager", user__email="gestion@caisse.fr")
    RoleFactory(enterprise=setup.shop.shop, role="manager", user__email="gestion@ferme.fr")
    services_prices.solidarity_price_save(
        enterprise=setup.shop.shop,
        customer_tag="solidaire",
        products=[setup.shop.variants[0].product],
        percent_off=30,
        funded_by="la caisse de solidarité",
    )
    return setup


def _check(page, axe_check, no_horizontal_scroll):
    expect(page.locator("main h1")).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)


def test_the_fund_pages_are_accessible_on_a_phone(
    page, login_as, solidarity, axe_check, no_horizontal_scroll
):
    login_as(page, "gestion@caisse.fr")
    page.goto("/manage/caisse-quartier/solidarity/")
    expect(page.get_by_role("cell", name="40,50\u00a0€")).to_be_visible()
    _check(page, axe_check, no_horizontal_scroll)
    page.goto(f"/manage/caisse-quartier/solidarity/report/?year={timezone.localdate().year}")
    expect(page.get_by_role("cell", name="Ferme des Saules")).to_be_visible()
    _check(page, axe_check, no_horizontal_scroll)


def test_the_solidarity_price_pages_are_accessible_on_a_phone(
    page, login_as, solidarity, axe_check, no_horizontal_scroll
):
    login_as(page, "gestion@ferme.fr")
    page.goto("/manage/ferme-des-saules/solidarity/prices/")
    expect(page.get_by_role("link", name="solidaire", exact=True)).to_be_visible()
    _check(page, axe_check, no_horizontal_scroll)
    page.get_by_role("link", name="Nouveau prix solidaire").click()
    _check(page, axe_check, no_horizontal_scroll)


def test_a_manager_fixes_a_mistake_in_the_fund_settings(page, login_as, solidarity, axe_check):
    login_as(page, "gestion@caisse.fr")
    page.goto("/manage/caisse-quartier/solidarity/")
    page.get_by_label("Allocation mensuelle par bénéficiaire (€)").fill("soixante")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Indiquez un montant positif, par exemple 50,00.")).to_be_visible()
    axe_check(page)  # the form with its errors too
    page.get_by_label("Allocation mensuelle par bénéficiaire (€)").fill("60,00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La caisse « Caisse alimentaire du quartier » est enregistrée.")).to_be_visible()
    solidarity.fund.refresh_from_db()
    assert str(solidarity.fund.monthly_amount) == "60.00"
