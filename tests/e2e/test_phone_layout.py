"""On a 375 px phone the header folds its links behind a « Menu » button, the back-office menu folds
under « Menu » so the page's title is on the first screen, the shop's filters fold above the products,
and no table hides a total; at 1280 px the header, the sidebar and the filters are shown as they are.
With the demo territory loaded."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.helpers import main_menu, manage_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])

HUB = "epicerie-croix-rousse"
HUB_OWNER = "marc@epicerie-croix-rousse.fr"
CUSTOMER = "mangeur@exemple.fr"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


@pytest.fixture
def screen(page):
    """`screen(viewport)` resizes the test's page (a phone by default) and returns it."""

    def resize(viewport):
        page.set_viewport_size(viewport)
        return page

    return resize


def switch_language(page, language: str, button: str):
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("combobox").select_option(label=language)
    footer.get_by_role("button", name=button).click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "English" else "fr")


@pytest.fixture
def check_both_languages(page, axe_check, no_horizontal_scroll):
    """`check()` asserts no sideways scrolling and no axe violation on the page, in French then in
    English (switched with the footer's form, then back to French). `check(unfold)` calls `unfold()`
    on each load first."""

    def check(unfold=None):
        # `unfold()` opens again what the person had opened, after each change of language.
        for language, button in (("English", "Changer"), ("Français", "Change")):
            if unfold:
                unfold()
            expect(page.locator("main h1")).to_be_visible()
            no_horizontal_scroll(page)
            axe_check(page)
            switch_language(page, language, button)
        if unfold:
            unfold()

    return check


@VIEWPORTS
def test_the_header_folds_its_links_behind_a_menu_button_on_a_phone(
    page, screen, viewport, browser, live_server, check_both_languages
):
    screen(viewport)
    page.goto("/")
    header = page.get_by_role("banner")
    producers = header.get_by_role("link", name="Producteurs", exact=True)
    button = header.get_by_role("button", name="Menu")

    if viewport is DESKTOP:
        expect(button).to_be_hidden()
        for name in ("Producteurs", "Points de vente", "Carte", "Se connecter", "Créer un compte"):
            expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
        # The links sit on the brand's line, as they always did.
        brand = header.get_by_role("link", name="Cabas").bounding_box()
        assert abs(producers.bounding_box()["y"] - brand["y"]) < brand["height"]
        return

    # Folded: one button, the links hidden.
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "main-nav")
    expect(producers).to_be_hidden()
    check_both_languages()
    # The button unfolds them; each one is reachable.
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    for name in ("Producteurs", "Points de vente", "Carte", "Se connecter", "Créer un compte"):
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
    box = header.get_by_role("link", name="Créer un compte").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    check_both_languages(lambda: main_menu(page))
    button.click()
    expect(producers).to_be_hidden()

    # By keyboard: Enter unfolds, Tab reaches the first link, Escape folds back to the button.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(producers).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(producers).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Producteurs")

    # Without JavaScript the links are all there and no useless button is shown.
    context = browser.new_context(
        viewport=PHONE, locale="fr-FR", java_script_enabled=False, base_url=live_server.url
    )
    try:
        bare = context.new_page()
        bare.goto("/")
        bare_header = bare.get_by_role("banner")
        expect(bare_header.get_by_role("button", name="Menu")).to_be_hidden()
        expect(bare_header.get_by_role("link", name="Producteurs", exact=True)).to_be_visible()
        expect(bare_header.get_by_role("link", name="Créer un compte")).to_be_visible()
    finally:
        context.close()


@VIEWPORTS
def test_the_back_office_menu_folds_so_the_title_is_on_the_first_screen(
    page, screen, viewport, demo, login_as, check_both_languages
):
    screen(viewport)
    login_as(page, HUB_OWNER)
    page.goto(f"/manage/{HUB}/orders/")
    nav = page.get_by_role("navigation", name="Gestion de la structure")
    team = nav.get_by_role("link", name="Équipe")
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("Commandes")

    if viewport is DESKTOP:
        # The sidebar, open beside the page, without a « Menu » to open.
        expect(nav.locator("summary")).to_be_hidden()
        expect(team).to_be_visible()
        assert nav.bounding_box()["x"] + nav.bounding_box()["width"] <= title.bounding_box()["x"]
        team.click()
        expect(title).to_have_text("Équipe")
        return

    # Folded: « Menu » says which section this is; the title is on the first screen.
    menu = nav.locator("summary")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Commandes")
    expect(team).to_be_hidden()
    box = title.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], f"the title ends at {box['y'] + box['height']}px"
    check_both_languages()

    # Open by keyboard, then go to another section.
    menu.focus()
    page.keyboard.press("Enter")
    expect(team).to_be_visible()
    check_both_languages(lambda: manage_menu(page))
    team.click()
    expect(title).to_have_text("Équipe")
    expect(nav.locator("summary")).to_contain_text("Équipe")
    expect(team).to_be_hidden()


@VIEWPORTS
def test_the_shop_filters_fold_above_the_products_on_a_phone(
    page, screen, viewport, demo, check_both_languages
):
    screen(viewport)
    page.goto(f"/{HUB}/shop/")
    producer = page.locator("#shop-producer")  # « Producteur », « Producer » in English
    first_product = page.locator(".shop-product").first
    expect(first_product).to_be_visible()

    if viewport is PHONE:
        filters = page.locator(".shop-filters-box > summary")
        expect(filters).to_have_text("Filtres")
        expect(producer).to_be_hidden()
        # Folded, the filters leave room for a product on the first screen.
        assert first_product.bounding_box()["y"] < PHONE["height"]
        check_both_languages()
        filters.click()
    else:
        expect(page.locator("summary", has_text="Filtres")).to_be_hidden()

    expect(producer).to_be_visible()
    if viewport is PHONE:
        check_both_languages(lambda: filters.click() if producer.is_hidden() else None)
    producer.select_option(label="Ferme des Collines")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile("producer=ferme-des-collines"))
    expect(page.locator(".shop-product .meta").first).to_contain_text("Ferme des Collines")
    # The page of a filtered shop shows its filters, to change or clear them.
    page.reload()
    expect(producer).to_have_value("ferme-des-collines")
    expect(page.get_by_role("link", name="Effacer")).to_be_visible()


TOTALS_IN_VIEW = """() => {
  const boxes = [];
  const names = ["Total", "Montant des commandes", "Solde"];
  for (const table of document.querySelectorAll("main table")) {
    const heads = [...table.querySelectorAll("thead th")];
    const column = heads.findIndex((th) => names.includes(th.textContent.trim()));
    if (column < 0) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      const cell = row.children[column];
      if (cell) boxes.push({text: cell.textContent.trim(), box: cell.getBoundingClientRect().toJSON()});
    }
  }
  for (const cell of document.querySelectorAll("main .totals-total dt, main .totals-total dd")) {
    boxes.push({text: cell.textContent.trim(), box: cell.getBoundingClientRect().toJSON()});
  }
  return boxes;
}"""


def assert_totals_in_view(page, no_horizontal_scroll, at_least: int):
    """Every cell of a « Total » (« Montant des commandes », « Solde ») column and of the total row
    lies within the screen's width, and the page does not scroll sideways."""
    no_horizontal_scroll(page)
    cells = page.evaluate(TOTALS_IN_VIEW)
    assert len(cells) >= at_least, cells
    width = page.viewport_size["width"]
    outside = [c for c in cells if c["box"]["left"] < 0 or c["box"]["right"] > width]
    assert not outside, f"totals outside the {width}px screen: {outside}"


def assert_on_one_line(link):
    """The order number is not broken across lines."""
    assert link.evaluate("a => a.getClientRects().length") == 1, f"{link.inner_text()} is broken across lines"


@VIEWPORTS
def test_no_table_hides_a_total_from_the_cart_to_the_sellers_lists(
    page, screen, viewport, demo, login_as, no_horizontal_scroll, check_both_languages
):
    from cabas.orders.models import Order

    screen(viewport)
    login_as(page, CUSTOMER)
    page.goto(f"/{HUB}/shop/")
    rows = page.locator(".variant-row:not(.is-sold-out)")
    for n in range(3):
        rows.nth(n).get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(rows.nth(n).locator(".stepper-count")).to_be_visible()

    # The cart: the lines' totals, then the total.
    page.locator("#cart-summary").get_by_role("link", name="Voir le panier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon panier")
    assert_totals_in_view(page, no_horizontal_scroll, at_least=3 + 2)
    if viewport is PHONE:
        # Each cell says what it is, the total of the line in full.
        line = page.locator(".order-table tbody tr").first
        expect(line.locator("td").last).to_have_attribute("data-label", "Total")
        check_both_languages()

    # The checkout.
    page.get_by_role("link", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    assert_totals_in_view(page, no_horizontal_scroll, at_least=3 + 2)
    if viewport is PHONE:
        check_both_languages()
    page.get_by_role("radio", name=re.compile("^Retrait à l'épicerie")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()

    # The buyer's order page.
    expect(page.get_by_text(re.compile("Votre commande .+ est enregistrée"))).to_be_visible()
    order = Order.objects.get(user__email=CUSTOMER, status=Order.Status.PLACED)
    assert_totals_in_view(page, no_horizontal_scroll, at_least=3 + 2)
    if viewport is PHONE:
        check_both_languages()

    # « Mes commandes ».
    main_menu(page).get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    assert_on_one_line(page.get_by_role("link", name=order.number))
    assert_totals_in_view(page, no_horizontal_scroll, at_least=1)
    if viewport is PHONE:
        check_both_languages()

    # The seller's orders list and the order in the back-office.
    page.context.clear_cookies()
    login_as(page, HUB_OWNER)
    page.goto(f"/manage/{HUB}/orders/")
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("Karim")
    assert_on_one_line(row.get_by_role("link", name=order.number))
    assert_totals_in_view(page, no_horizontal_scroll, at_least=1)
    if viewport is PHONE:
        check_both_languages()
    row.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    assert_totals_in_view(page, no_horizontal_scroll, at_least=3 + 2)

    # The customers, with the amount of their orders, and their accounts' balances.
    for url, title in (("customers/", "Clients"), ("accounts/", "Comptes clients")):
        page.goto(f"/manage/{HUB}/{url}")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert_totals_in_view(page, no_horizontal_scroll, at_least=1)
        if viewport is PHONE:
            check_both_languages()
