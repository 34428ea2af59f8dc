"""The footer's language form switches the interface between French and English."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.helpers import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATALOGUE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def switch_language(page, language: str, button: str):
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("combobox").select_option(label=language)
    footer.get_by_role("button", name=button).click()


def test_it_switches_to_english_and_back_with_the_footer_form(page):
    page.goto("/producers/?place=69510")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    switch_language(page, "English", "Changer")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/producers/?place=69510"), "the visitor stays on the same page"
    nav = main_menu(page)
    assert CATALOGUE.exists(), "English catalogue missing: run `python manage.py compile_translations`"
    expect(nav.get_by_role("link", name="Producers", exact=True)).to_be_visible()
    expect(page.get_by_role("contentinfo").get_by_role("combobox")).to_have_value("en")

    # The choice is remembered on the next pages.
    nav.get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Carte des producteurs et points de vente")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "Français", "Change")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(main_menu(page).get_by_role("link", name="Producteurs")).to_be_visible()
