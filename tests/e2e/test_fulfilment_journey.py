"""The week after the sale, in a browser: the hub's manager closes the cycle, downloads the packing
list by customer (XLSX and PDF) and replaces a missing product in an order; the volunteer at the
table, on a 375 px phone, weighs a cheese, takes a cheque and hands the orders over; the beekeeper
opens what it brings. axe-core finds no violation on the orders, reports and producer pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cabas.cycles.models import OrderCycle
from cabas.enterprises.models import Role
from cabas.fulfilment.tests.sales import sales
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.payments.models import Payment
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER, VOLUNTEER, BEEKEEPER = "gerant@ferme-des-saules.fr", "benevole@exemple.fr", "miel@rucher.fr"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 740}


@pytest.fixture
def week():
    world = sales(orders=3)
    data = world.data
    world.cheese = data.add_variant(
        product__name="Tomme", unit="g", quantity=Decimal("250"), price=Decimal("24.00"), variable_weight=True
    )
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=world.cheese, quantity=2)
    world.weighed = order_place(
        cart=cart,
        email="zoe@exemple.fr",
        full_name="Zoé Fromage",
        phone="",
        shipping_method=data.pickup,
        payment_method=data.cheque,
        idempotency_key="cheese",
    )
    RoleFactory(enterprise=data.shop, role=Role.Level.MANAGER, user__email=MANAGER)
    RoleFactory(enterprise=data.shop, role=Role.Level.VOLUNTEER, user__email=VOLUNTEER)
    RoleFactory(enterprise=world.beekeeper, role=Role.Level.OWNER, user__email=BEEKEEPER)
    return world


def test_the_week_after_the_sale(page, week, login_as, axe_check, no_horizontal_scroll):
    data, shop = week.data, week.shop

    # The manager closes the cycle.
    page.set_viewport_size(DESKTOP)
    login_as(page, MANAGER)
    page.goto(f"/manage/{shop.slug}/cycles/{data.cycle.uuid}/")
    closed = timezone.localtime() - datetime.timedelta(minutes=5)
    page.get_by_label("Clôture des commandes").fill(closed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".messages")).to_be_visible()
    assert OrderCycle.objects.get(pk=data.cycle.pk).closes_at < timezone.now()

    # … downloads the packing list by customer as XLSX and PDF …
    page.goto(f"/manage/{shop.slug}/")
    page.get_by_role("link", name="Rapports", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Colisage par client").click()
    page.get_by_label("Cycle de vente").select_option(str(data.cycle.uuid))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("table").first).to_contain_text("Zoé Fromage")
    axe_check(page)
    for link, suffix in (("Télécharger en tableur (XLSX)", ".xlsx"), ("Télécharger en PDF", ".pdf")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        assert download.value.suggested_filename.startswith(f"packing-by-customer-{shop.slug}-")
        assert download.value.suggested_filename.endswith(suffix)
        assert download.value.path().stat().st_size > 1000

    # … and replaces the honey missing from an order by apples.
    fixed = next(order for order in week.placed if order.lines.filter(variant=week.honey).exists())
    page.get_by_role("link", name="Commandes", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name=fixed.number).click()
    page.get_by_role("link", name="Modifier la commande").click()
    axe_check(page)
    page.get_by_label("Remplacer par").nth(1).select_option(label="Tomme — 250 g")
    page.get_by_label("Message pour le client (facultatif)").fill("Plus de miel cette semaine.")
    page.get_by_role("button", name="Enregistrer et prévenir le client").click()
    expect(page.locator(".messages")).to_contain_text("le client est prévenu par e-mail")
    expect(page.get_by_text("Miel de châtaignier remplacé par Tomme (1).")).to_be_visible()
    assert not Line.objects.filter(order=fixed, variant=week.honey).exists()

    # The volunteer at the table, on a phone: a weight, a cheque, the baskets handed over.
    page.set_viewport_size(PHONE)
    login_as(page, VOLUNTEER)
    page.goto(f"/manage/{shop.slug}/distribution/")
    page.locator(".distribution-day").first.click()
    card = page.locator(f"#order-{week.weighed.uuid}")
    card.get_by_label("Poids pesé de Tomme (kg)").fill("0,61")
    card.get_by_role("button", name="Enregistrer la pesée").click()
    expect(card).to_contain_text("Pesée enregistrée")
    weighed = Order.objects.get(pk=week.weighed.pk)
    expect(card.get_by_label("Montant")).to_have_value(f"{weighed.total:.2f}".replace(".", ","))
    card.get_by_text("Chèque", exact=True).click()
    card.get_by_label("N° de chèque").fill("0012345")
    card.get_by_role("button", name="Encaisser").click()
    expect(card.locator(".pay-paid")).to_have_text("Payée")
    payment = Payment.objects.get(order=weighed)
    assert (payment.kind, payment.amount, payment.cheque_number) == ("cheque", weighed.total, "0012345")
    card.get_by_role("button", name="Remis").click()
    expect(card.locator(".distribution-collected")).to_have_text("Remise")
    no_horizontal_scroll(page)
    axe_check(page)
    assert Order.objects.get(pk=weighed.pk).status == Order.Status.FULFILLED

    # The beekeeper opens what it brings.
    page.set_viewport_size(DESKTOP)
    login_as(page, BEEKEEPER)
    page.goto(f"/manage/{week.beekeeper.slug}/")
    page.get_by_role("link", name="Ce que j'apporte").click()
    expect(page.locator("main")).to_contain_text("Miel de châtaignier")
    axe_check(page)
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
