"""A buyer reads the same unit price for a product with a per-item fee on the shelf, in the cart, at
the checkout and on the order page (3,20 € + 0,20 € of packing = 3,40 €), and the checkout says the
cycle's pickup, Friday at 17:00, never the pickup point's usual « samedi 9h–12h »: on a 1280 px
desktop and a 375 px phone."""

import re

import pytest
from playwright.sync_api import expect

from cabas.orders.tests.shop_setup import friday_pickup_saturday_method, open_shop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNIT = re.compile(r"^3,40\s€$")
FRIDAY = re.compile(r"vendredi \d+ \S+ \d{4} à 17:00")


def _unit_price_cell(page, product):
    """The « Prix unitaire » cell of `product`'s row in the order table."""
    return (
        page.locator("table.order-table > tbody > tr").filter(has_text=product).locator(":scope > td").nth(1)
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 812}])
def test_the_unit_price_and_the_pickup_day_read_the_same_from_shelf_to_order(
    browser, live_server, viewport, axe_check, no_horizontal_scroll
):
    data = open_shop()
    friday_pickup_saturday_method(data)
    context = browser.new_context(viewport=viewport, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"/{data.shop.slug}/shop/")
    tomatoes = page.locator(".variant-row").filter(has_text="Tomates")
    expect(tomatoes.locator(".variant-price strong")).to_have_text(UNIT)
    expect(page.locator(".cycle-info")).to_contain_text(FRIDAY)
    expect(page.get_by_text(re.compile("^Prix TTC, frais par article inclus"))).to_be_visible()
    tomatoes.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(tomatoes.locator(".stepper-count")).to_have_text("1 dans le panier")
    tomatoes.get_by_role("button", name=re.compile("ajouter un")).click()
    expect(tomatoes.locator(".stepper-count")).to_have_text("2 dans le panier")

    page.locator("#cart-summary").get_by_role("link", name="Voir le panier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon panier")
    expect(_unit_price_cell(page, "Tomates")).to_have_text(UNIT)
    expect(page.locator(".cart-line").filter(has_text="Tomates")).to_contain_text(re.compile(r"2 × 3,40\s€"))

    page.get_by_role("link", name="Commander").click()
    expect(_unit_price_cell(page, "Tomates")).to_have_text(UNIT)
    shipping = page.locator("section[aria-labelledby='shipping-title']")
    expect(shipping).to_contain_text(FRIDAY)
    expect(shipping).not_to_contain_text("samedi")
    expect(shipping).not_to_contain_text("09:00")
    axe_check(page)
    if viewport["width"] == 375:
        no_horizontal_scroll(page)

    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_label("Adresse e-mail").fill("claire@exemple.fr")
    page.get_by_role("radio", name=re.compile("^Retrait à la ferme")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Commande "))
    expect(_unit_price_cell(page, "Tomates")).to_have_text(UNIT)
    pickup = page.locator("section[aria-labelledby='pickup-title']")
    expect(pickup).to_contain_text(FRIDAY)
    expect(pickup).not_to_contain_text("samedi")
    context.close()
    assert not errors, errors
