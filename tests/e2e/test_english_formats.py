"""In English, on a computer and on a phone, the shop, the cart and an order page write amounts the
English way (€3.20) and dates in English; the directory calls an AMAP an AMAP; and axe-core finds
no violation on those pages — with the demo territory loaded."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_language import switch_language
from tests.e2e.test_shop_accessibility import CUSTOMER, HUB, placed_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENGLISH_AMOUNT = re.compile(r"€\d{1,3}(,\d{3})*\.\d{2}")
FRENCH_AMOUNT = re.compile(r"\d,\d{2}[\s\u00a0\u202f]?€")
ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
FRENCH_DATE = re.compile(
    r"\b(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b|\d{1,2}h\d{2}"
)


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def read_english(page, axe_check, *, dates: bool = False):
    """The main content of the page: English amounts only, English dates, no accessibility
    violation."""
    main = page.locator("main")
    expect(main).to_be_visible()
    text = main.inner_text()
    assert ENGLISH_AMOUNT.search(text), f"no amount written €x.xx on {page.url}"
    assert not FRENCH_AMOUNT.search(text), f"a French amount on {page.url}: {FRENCH_AMOUNT.search(text)[0]}"
    assert not FRENCH_DATE.search(text), f"a French date on {page.url}: {FRENCH_DATE.search(text)[0]}"
    if dates:
        assert ENGLISH_MONTH.search(text), f"no English date on {page.url}"
    axe_check(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_it_shows_amounts_and_dates_the_english_way(
    page, demo, login_as, axe_check, no_horizontal_scroll, width
):
    page.set_viewport_size({"width": width, "height": 900})
    order = placed_order(get_user_model().objects.get(email=CUSTOMER))
    login_as(page, CUSTOMER)
    page.goto(f"/{HUB}/shop/")
    switch_language(page, "English", "Changer")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The shop: every price in euros the English way; one product into the cart.
    rows = page.locator(".variant-row:not(.is-sold-out)")
    expect(rows.first).to_be_visible()
    expect(rows.first).to_contain_text(ENGLISH_AMOUNT)
    read_english(page, axe_check)
    rows.first.get_by_role("button", name=re.compile("^Add")).click()
    expect(rows.first.locator(".stepper-count")).to_be_visible()
    no_horizontal_scroll(page)

    # The basket.
    page.locator("#cart-summary").get_by_role("link", name="See the basket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My basket")
    read_english(page, axe_check)
    no_horizontal_scroll(page)

    # The order placed earlier: its amounts, its dates.
    page.goto(f"/orders/{order.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    read_english(page, axe_check, dates=True)
    no_horizontal_scroll(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_it_calls_an_amap_an_amap_in_the_english_directory(
    page, demo, axe_check, no_horizontal_scroll, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/shops/?q=Guillotière")
    switch_language(page, "English", "Changer")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    card = page.locator("main li, main article").filter(has_text="AMAP de la Guillotière").first
    expect(card.locator(".badge")).to_have_text("CSA (AMAP)")
    expect(page.locator("main")).not_to_contain_text("Hub")
    no_horizontal_scroll(page)
    axe_check(page)

    card.get_by_role("link", name="AMAP de la Guillotière").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AMAP de la Guillotière")
    expect(page.locator("main .badge").first).to_have_text("CSA (AMAP)")
    axe_check(page)
