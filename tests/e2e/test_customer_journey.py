"""A customer of the demo territory, in a browser, on a desktop and on a phone: logs in through the
login form and lands on « Mes commandes » (or back on the page that asked to log in); filters the
shop with a clean address and jumps to a category; orders, adds a product to the placed order,
thinks twice before cancelling it, then cancels it — each change in the order's history and emailed.
The shop's manager records the payment of another order in full, and the customer's order page says
« Payée »; a member of an enterprise also finds « Mes structures » in the header. Every page has no
axe-core violation and never scrolls sideways."""

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from cabas.demo.people import DEMO_PASSWORD
from cabas.orders.models import Order
from tests.e2e.helpers import main_menu
from tests.e2e.test_language import switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOP = "epicerie-croix-rousse"
SHOP_NAME = "L'Épicerie de la Croix-Rousse"
MANAGER = "marc@epicerie-croix-rousse.fr"
CUSTOMER = "mangeur@exemple.fr"
MEMBER = "claire@ferme-des-collines.fr"
WIDTHS = [1280, 375]


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def _size(page, width):
    page.set_viewport_size({"width": width, "height": 800 if width > 1000 else 667})


def _checker(page, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1").first).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    return check


def _log_in(page, email):
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def _money(text: str) -> str:
    """« 12,34 € » as the page writes it, whatever the spaces."""
    return re.sub(r"\s", "", text)


def _eur(amount) -> str:
    """`amount` as the page writes it, without its spaces: « 12,34€ »."""
    return f"{amount:.2f}".replace(".", ",") + "€"


def _eur_shown(amount) -> re.Pattern:
    """`amount` as the page shows it: « 12,34 € »."""
    return re.compile(rf"^{amount:.2f}\s€$".replace(".", ","))


def _place_order(page, check, products: int) -> Order:
    """Add the first `products` products of the shop to the cart, then check out: pickup at the
    shop, paid by cheque. Returns the order, its page open."""
    page.goto(f"/{SHOP}/shop/")
    rows = page.locator(".variant-row:not(.is-sold-out)")
    for n in range(products):
        row = rows.nth(n)
        row.get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(row.locator(".stepper-count")).to_have_text("1 dans le panier")
    page.locator("#cart-summary").get_by_role("link", name="Commander").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    page.get_by_role("radio", name=re.compile("^Retrait à l'épicerie")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text(re.compile(r"Merci ! Votre commande .+ est enregistrée"))).to_be_visible()
    order = Order.objects.filter(user__email=CUSTOMER).latest("placed_at")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    return order


@pytest.mark.parametrize("width", WIDTHS)
def test_a_customer_logs_in_filters_the_shop_orders_adds_a_product_and_cancels(
    page, demo, axe_check, no_horizontal_scroll, settings, live_server, width
):
    settings.SITE_URL = live_server.url
    _size(page, width)
    check = _checker(page, axe_check, no_horizontal_scroll)

    # Through the login form, a customer lands on « Mes commandes », not on « Créer ma structure ».
    page.goto("/accounts/login/")
    check()
    _log_in(page, CUSTOMER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes commandes")
    expect(page.get_by_text("Créer ma structure")).to_have_count(0)
    check()
    if width < 800:  # on a phone, the header's links are folded under « Menu »
        expect(page.get_by_role("banner").get_by_role("link", name="Mes commandes")).to_be_hidden()
    nav = main_menu(page)
    expect(nav.get_by_role("link", name="Mes commandes")).to_be_visible()
    expect(nav.get_by_role("link", name="Mon compte")).to_be_visible()
    expect(nav.get_by_role("link", name="Mes structures")).to_have_count(0)

    # Logged out, a page that needs an account asks to log in, then comes back to it.
    nav.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté. À bientôt !")).to_be_visible()
    page.goto("/accounts/profile/")
    assert urlsplit(page.url).path == "/accounts/login/"
    assert dict(parse_qsl(urlsplit(page.url).query)) == {"next": "/accounts/profile/"}
    _log_in(page, CUSTOMER)
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check()

    # The shop: the « Catégories » list jumps to a category's heading.
    page.goto(f"/{SHOP}/shop/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Boutique de {SHOP_NAME}")
    check()
    # Every product shows its photo, described for who cannot see it.
    photos = page.locator(".shop-product img")
    assert photos.count() >= 5
    for n in range(photos.count()):
        photo = photos.nth(n)
        photo.scroll_into_view_if_needed()
        expect(photo).to_have_attribute("alt", re.compile(r"\w{4,}"))
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    page.evaluate("window.scrollTo(0, 0)")
    jump = page.get_by_role("navigation", name="Catégories")
    links = jump.get_by_role("link")
    assert links.count() >= 2
    last = links.last
    category = last.inner_text()
    anchor = last.get_attribute("href")
    heading = page.locator(f"h2{anchor}")
    expect(heading).to_have_text(category)
    expect(heading).not_to_be_in_viewport()
    last.click()
    expect(heading).to_be_in_viewport()
    assert urlsplit(page.url).fragment == anchor.lstrip("#")

    # Filters, folded under « Filtres » on a phone: a category, then words; the address stays clean.
    page.goto(f"/{SHOP}/shop/")
    filters = page.get_by_role("search", name="Chercher dans la boutique")
    summary = page.locator("details.shop-filters-box > summary")
    if width < 800:
        expect(filters.get_by_label("Catégorie")).to_be_hidden()
        expect(summary).to_have_text("Filtres")
        summary.click()
    else:
        expect(summary).to_be_hidden()
    filters.get_by_label("Catégorie").select_option(label=category)
    expect(page).to_have_url(re.compile(r"[?&]category="))
    names = page.locator("#shop-results .shop-product-name")
    expect(names.first).to_be_visible()
    word = names.first.inner_text().split()[0]
    filters.get_by_label("Rechercher").fill(word)
    filters.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(names.first).to_contain_text(word)
    expect(page.locator("#shop-results h2.shop-aisle")).to_have_text([category])  # its products only
    keys = Counter(key for key, _value in parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
    assert keys and all(n == 1 for n in keys.values()), page.url
    assert {"cycle", "category", "q"} <= set(keys)
    check()
    # The same filters written twice in an address (an old bookmark) come back once each.
    chosen = dict(parse_qsl(urlsplit(page.url).query))["category"]
    page.goto(page.url + f"&category={chosen}&label=")
    keys_again = Counter(key for key, _ in parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
    assert keys_again == keys, page.url
    expect(names.first).to_contain_text(word)

    # An order of two products.
    order = _place_order(page, check, products=2)
    check()
    total_before, ordered = order.total, set(order.lines.values_list("variant_id", flat=True))
    expect(page.locator(".totals-total dd").last).to_have_text(_eur_shown(total_before))
    assert [m.subject for m in mail.outbox if CUSTOMER in m.to] == [
        f"Commande {order.number} confirmée — {SHOP_NAME}"
    ]
    mail.outbox.clear()

    # The customer adds a product to the placed order.
    page.get_by_role("link", name="Modifier la commande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier la commande {order.number}")
    check()
    added = page.get_by_role("group", name="Ajouter un produit")
    choice = added.get_by_label("Produit")
    label = choice.locator("option:not([value=''])").first.inner_text().strip()
    choice.select_option(label=label)
    added.get_by_label("Quantité").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre commande est modifiée.")).to_be_visible()
    order.refresh_from_db()
    assert order.lines.count() == 3
    new_line = order.lines.exclude(variant_id__in=ordered).get()
    assert new_line.quantity == 2
    assert order.total > total_before
    lines = page.locator("section[aria-labelledby='lines-title']")
    expect(lines).to_contain_text(new_line.name)
    expect(page.locator(".totals-total dd").last).to_have_text(_eur_shown(order.total))
    history = page.locator("section[aria-labelledby='events-title']")
    events = history.locator(":scope > ul > li")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("Passée")
    expect(events.nth(1)).to_contain_text("Modifiée par le client")
    expect(events.nth(1)).to_contain_text(f"Ajouté : 2 × {new_line.name}.")
    check()
    edited = [m for m in mail.outbox if CUSTOMER in m.to]
    assert [m.subject for m in edited] == [f"Votre commande {order.number} a été modifiée — {SHOP_NAME}"]
    assert f"Ajouté : 2 × {new_line.name}." in edited[0].body
    assert _eur(order.total) in _money(edited[0].body)

    # Cancelling asks first; « Non » keeps the order as it is.
    page.get_by_role("link", name="Annuler la commande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annuler la commande n° {order.number} ?")
    check()
    page.get_by_role("link", name="Non, garder ma commande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert len([m for m in mail.outbox if CUSTOMER in m.to]) == 1
    expect(page.get_by_role("link", name="Modifier la commande")).to_be_visible()

    # The edit and cancel pages read in English too.
    order_url = page.url
    edit_url = page.get_by_role("link", name="Modifier la commande").get_attribute("href")
    cancel_url = page.get_by_role("link", name="Annuler la commande").get_attribute("href")
    switch_language(page, "English", "Changer")
    for url in (edit_url, cancel_url):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main h1")).to_contain_text(order.number)
        check()
    switch_language(page, "Français", "Change")
    page.goto(order_url)

    # « Oui » cancels it: the page, its history and an email say so.
    page.get_by_role("link", name="Annuler la commande").click()
    page.get_by_role("button", name="Oui, annuler la commande").click()
    expect(page.get_by_text(f"Votre commande {order.number} est annulée.")).to_be_visible()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    expect(page.locator("main .badge").first).to_have_text("Annulée")
    expect(page.get_by_role("link", name="Annuler la commande")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier la commande")).to_have_count(0)
    expect(events).to_have_count(3)
    expect(events.nth(1)).to_contain_text(f"Ajouté : 2 × {new_line.name}.")
    expect(events.nth(2)).to_contain_text("Annulée")
    check()
    emails = [m for m in mail.outbox if CUSTOMER in m.to]
    assert [m.subject for m in emails[1:]] == [f"Votre commande {order.number} a été annulée — {SHOP_NAME}"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_manager_records_a_payment_in_full_and_the_customer_reads_payee(
    page, demo, login_as, axe_check, no_horizontal_scroll, width
):
    _size(page, width)
    check = _checker(page, axe_check, no_horizontal_scroll)

    def as_person(email):
        page.context.clear_cookies()
        login_as(page, email)

    # A member of an enterprise logs in to its back office and finds « Mes structures » next to
    # « Mes commandes » in the header.
    page.goto("/accounts/login/")
    _log_in(page, MEMBER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes structures")
    check()
    nav = main_menu(page)
    expect(nav.get_by_role("link", name="Mes structures")).to_be_visible()
    nav.get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes commandes")
    expect(main_menu(page).get_by_role("link", name="Mes structures")).to_be_visible()

    # The customer orders, to pay by cheque at the pickup.
    as_person(CUSTOMER)
    order = _place_order(page, check, products=1)
    payment = page.locator("section[aria-labelledby='payment-title']")
    expect(payment.locator(".badge")).to_have_text("Non payée")

    # The manager records the cheque from the order's back-office page: the form says what is due.
    as_person(MANAGER)
    page.goto(f"/manage/{SHOP}/orders/{order.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    check()
    record = page.get_by_role("form", name="Enregistrer un paiement reçu")
    expect(record.get_by_label("Moyen")).to_have_value("cheque")
    amount = record.get_by_label("Montant (€)")
    assert _money(amount.input_value()) + "€" == _eur(order.total)
    record.get_by_label("N° de chèque").fill("0001234")
    record.get_by_role("button", name="Enregistrer le paiement").click()
    payments = page.locator("section.order-payments")
    expect(payments.locator(".pay-state")).to_have_text("Payée")
    expect(payments.get_by_role("row").filter(has_text="0001234")).to_contain_text("Marc Giraud")
    check()

    # The customer's order page says it is paid.
    as_person(CUSTOMER)
    page.goto(f"/orders/{order.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(payment.get_by_text("État du paiement :")).to_be_visible()
    expect(payment.locator(".badge")).to_have_text("Payée")
    check()
