"""axe-core finds no violation, and nothing scrolls sideways on a 360 px phone, on the pages of order
cycles: the shop (with a filter, with a price breakdown open), the cart, the checkout (with errors,
with the stock-changed message), the order page, "Mes commandes", "Où va votre argent", and the
back-office pages of fees, pickup and delivery, payment methods, cycles, price approvals, customers,
visibility rules and orders — with the demo territory loaded."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cabas.catalogue.models import InventoryItem, Variant
from cabas.cycles.models import CycleVariant, Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import OrderError
from cabas.orders.models import Order, VisibilityRule
from cabas.orders.placing import order_place
from cabas.payments.models import PaymentMethod
from tests.e2e.helpers import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HUB = "epicerie-croix-rousse"
HUB_OWNER = "marc@epicerie-croix-rousse.fr"
CUSTOMER = "mangeur@exemple.fr"  # Karim, a tagged customer of every demo shop
AMAP = "amap-de-la-guillotiere"
AMAP_OWNER = "sophie@amap-guillotiere.fr"
FARM = "ferme-des-collines"
FARMER = "claire@ferme-des-collines.fr"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


@pytest.fixture
def check(page, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    return check


def visit_all(page, check, urls):
    """Open each page and check it; report every failing page at once."""
    failures = []
    for url in urls:
        response = page.goto(url)
        try:
            assert response.ok, f"answered {response.status}"
            check()
        except AssertionError as exc:
            failures.append(f"{url}: {exc}")
    assert not failures, "\n\n".join(failures)


def hub_cycle() -> OrderCycle:
    return OrderCycle.objects.get(coordinator__slug=HUB, name="Commandes de la semaine")


def placed_order(user) -> Order:
    """An order of `user` at the hub, placed through the services (pickup, cheque)."""
    hub, cycle = Enterprise.objects.get(slug=HUB), hub_cycle()
    cart = Order.objects.create(seller=hub, cycle=cycle, user=user)
    added = 0
    for cycle_variant in CycleVariant.objects.filter(cycle=cycle).select_related("variant")[:20]:
        try:
            cart_set_quantity(cart=cart, variant=cycle_variant.variant, quantity=1)
        except OrderError:
            continue
        added += 1
        if added == 3:
            break
    assert added == 3
    return order_place(
        cart=cart,
        email=user.email,
        full_name=user.full_name,
        shipping_method=ShippingMethod.objects.get(enterprise=hub, kind=ShippingMethod.Kind.PICKUP),
        payment_method=PaymentMethod.objects.get(enterprise=hub, kind=PaymentMethod.Kind.CHEQUE),
        user=user,
    )


def test_it_has_no_accessibility_violation_from_the_shop_to_my_orders(page, demo, login_as, check):
    login_as(page, CUSTOMER)

    # The shop, its products, a filter, a price breakdown open.
    page.goto(f"/{HUB}/shop/")
    expect(page.locator(".variant-row").first).to_be_visible()
    check()
    page.locator("summary", has_text="Filtres").click()
    page.get_by_label("Producteur").select_option(label="Ferme des Collines")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile("producer=ferme-des-collines"))
    expect(page.locator(".shop-product .meta").first).to_contain_text("Ferme des Collines")
    check()
    page.goto(f"/{HUB}/shop/?q=zzzz-introuvable")
    expect(page.get_by_text("Aucun produit ne correspond à votre recherche.")).to_be_visible()
    check()
    page.goto(f"/{HUB}/shop/")
    rows = page.locator(".variant-row:not(.is-sold-out)")
    rows.first.locator("summary").click()
    expect(rows.first.locator("table.breakdown")).to_be_visible()
    check()

    # Three products in the cart; the cart page.
    for n in range(3):
        rows.nth(n).get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(rows.nth(n).locator(".stepper-count")).to_be_visible()
    check()
    page.locator("#cart-summary").get_by_role("link", name="Voir le panier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon panier")
    page.locator(".price-detail summary").first.click()
    check()

    # The checkout: its form, then the errors of a form sent incomplete.
    page.get_by_role("link", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    check()
    page.get_by_label("Nom et prénom").fill("")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    check()

    # The stock of a product in the cart runs out meanwhile: the page says what changed.
    page.get_by_label("Nom et prénom").fill("Karim Haddad")
    page.get_by_label("Adresse e-mail").fill(CUSTOMER)
    page.get_by_role("radio", name=re.compile("^Retrait à l'épicerie")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    cart = Order.objects.get(user__email=CUSTOMER, status=Order.Status.CART)
    gone = cart.lines.order_by("pk").first().variant
    Variant.objects.filter(pk=gone.pk).update(on_hand=0, on_demand=False)
    InventoryItem.objects.filter(variant=gone).update(on_hand=0)
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text("Le stock a changé pendant votre commande")).to_be_visible()
    check()

    # Confirmed: the order page, "Mes commandes", the order's edit page.
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text(re.compile("Votre commande .+ est enregistrée"))).to_be_visible()
    check()
    order = Order.objects.get(user__email=CUSTOMER, status=Order.Status.PLACED)
    main_menu(page).get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("link", name=re.compile(order.number))).to_be_visible()
    check()
    visit_all(page, check, [f"/orders/{order.uuid}/edit/"])

    # Where the money of the cycle goes, for anyone.
    page.context.clear_cookies()
    visit_all(page, check, [f"/cycles/{order.cycle.uuid}/ou-va-votre-argent/"])
    expect(page.locator("main")).to_contain_text("Contribution à la coopérative Cabas")


def test_it_has_no_accessibility_violation_on_the_shops_back_office(page, demo, login_as, check):
    from django.contrib.auth import get_user_model

    hub = Enterprise.objects.get(slug=HUB)
    order = placed_order(get_user_model().objects.get(email=CUSTOMER))
    cycle = hub_cycle()
    fee = Fee.objects.filter(enterprise=hub).first()
    pickup = ShippingMethod.objects.filter(enterprise=hub, kind=ShippingMethod.Kind.PICKUP).first()
    delivery = ShippingMethod.objects.filter(enterprise=hub, kind=ShippingMethod.Kind.DELIVERY).first()
    payment = PaymentMethod.objects.filter(enterprise=hub).first()
    customer = hub.customers.get(email=CUSTOMER)
    rule = VisibilityRule.objects.create(
        enterprise=hub,
        customer_tag="pro",
        subject=VisibilityRule.Subject.PAYMENT_METHODS,
        action=VisibilityRule.Action.SHOW,
    )
    rule.payment_methods.set([payment])
    supplier = cycle.suppliers.select_related("supplier").first().supplier
    m, c = f"/manage/{HUB}", f"/manage/{HUB}/cycles/{cycle.uuid}"

    login_as(page, HUB_OWNER)
    visit_all(
        page,
        check,
        [
            f"{m}/fees/",
            f"{m}/fees/new/",
            f"{m}/fees/{fee.uuid}/",
            f"{m}/shipping/",
            f"{m}/shipping/new/pickup/",
            f"{m}/shipping/new/delivery/",
            f"{m}/shipping/{pickup.uuid}/",
            f"{m}/shipping/{delivery.uuid}/",
            f"{m}/payment-methods/",
            f"{m}/payment-methods/new/",
            f"{m}/payment-methods/{payment.uuid}/",
            f"{m}/cycles/",
            f"{m}/cycles/?statut=open",
            f"{m}/cycles/new/",
            f"{m}/cycles/approvals/",
            f"{c}/",
            f"{c}/suppliers/",
            f"{c}/products/",
            f"{c}/products/?producer={supplier.slug}&q=a",
            f"{c}/distributors/",
            f"{c}/distributors/{HUB}/",
            f"{c}/prices/",
            f"{c}/clone/",
            f"{c}/schedule/",
            f"{c}/delete/",
            f"{m}/customers/",
            f"{m}/customers/?q=haddad",
            f"{m}/customers/new/",
            f"{m}/customers/{customer.uuid}/",
            f"{m}/customers/import/",
            f"{m}/customers/rules/",
            f"{m}/customers/rules/new/",
            f"{m}/customers/rules/{rule.uuid}/",
            f"{m}/orders/",
            f"{m}/orders/?status=placed",
            f"{m}/orders/?customer={customer.uuid}&day=2027-02-31",
            f"{m}/orders/{order.uuid}/",
        ],
    )

    # Forms sent incomplete: their errors are announced accessibly.
    for url, button in [
        (f"{m}/fees/new/", "Enregistrer"),
        (f"{m}/shipping/new/pickup/", "Enregistrer"),
        (f"{m}/cycles/new/", "Créer le cycle"),
        (f"{m}/customers/new/", "Enregistrer"),
        (f"{m}/customers/rules/new/", "Enregistrer"),
    ]:
        page.goto(url)
        page.locator("main form:not([role=search])").last.get_by_role(
            "button", name=re.compile(f"^{button}")
        ).click()
        expect(page.locator(".errorlist, .form-errors").first).to_be_visible()
        check()

    # A customers' file with mistakes: each line's error.
    page.goto(f"{m}/customers/import/")
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "clients.csv",
                "mimeType": "text/csv",
                "buffer": "email;prénom;nom\npas-une-adresse;Jo;Martin\n".encode(),
            }
        ]
    )
    page.locator("main form").last.locator("button[type=submit]").first.click()
    expect(page.get_by_text(re.compile("[Ll]igne 2"))).to_be_visible()
    check()
