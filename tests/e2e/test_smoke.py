import pytest

from tests.e2e.helpers import main_menu

pytestmark = pytest.mark.e2e


def test_it_serves_the_home_page_in_french_on_a_phone(page, axe_check, no_horizontal_scroll):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert main_menu(page).get_by_role("link", name="Producteurs").is_visible()
    no_horizontal_scroll(page)
    axe_check(page)
