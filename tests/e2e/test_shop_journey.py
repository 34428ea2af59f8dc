"""A customer finds a shop on the map, opens the breakdown of a product, adds three products, checks out
with pickup and cheque, and reads the confirmation email; the hub manager sees the order; a producer
approves a price list before opening — with the demo territory loaded."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cabas.catalogue.models import Variant
from cabas.cycles import services as cycle_services
from cabas.cycles.models import OrderCycle
from cabas.enterprises.models import Enterprise, PriceApproval
from cabas.orders.models import Order
from tests.e2e.helpers import manage_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HUB = "L'Épicerie de la Croix-Rousse"
HUB_MANAGER = "marc@epicerie-croix-rousse.fr"
BUYER = "josiane.berthet@exemple.fr"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def wait_for_map(page):
    expect(page.locator(".map-status")).not_to_have_text("")


def test_it_takes_a_customer_from_the_map_to_a_placed_order_the_hub_sees(
    page, demo, login_as, settings, live_server
):
    settings.SITE_URL = live_server.url

    # The map: the hub's marker, its popup links to its page, which links to its shop.
    page.goto("/map/")
    wait_for_map(page)
    marker = page.locator(f'.leaflet-marker-icon[title="{HUB}"]')
    marker.focus()
    marker.press("Enter")
    page.locator(".leaflet-popup").get_by_role("link", name=HUB).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HUB)
    page.get_by_role("link", name="Commander dans la boutique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Boutique de {HUB}")
    expect(page.get_by_text("Commandes de la semaine")).to_be_visible()
    summary = page.locator("#cart-summary")
    expect(summary).to_contain_text("Votre panier est vide.")

    # The breakdown of the first product: producer price, each fee by name, the price shown.
    rows = page.locator(".variant-row:not(.is-sold-out)")
    first = rows.nth(0)
    first.locator("summary", has_text="Détail du prix").click()
    breakdown = first.locator("table.breakdown")
    expect(breakdown).to_be_visible()
    expect(breakdown).to_contain_text("Prix producteur")
    expect(breakdown).to_contain_text("Préparation des commandes")
    expect(breakdown).to_contain_text("Transport depuis les Monts")
    expect(breakdown).to_contain_text("Contribution à la coopérative Cabas")
    shown = first.locator(".variant-price strong").inner_text()
    expect(breakdown.locator("tfoot")).to_contain_text(shown)

    # Three products, with the steppers (two of the first).
    titles = []
    for n in range(3):
        row = rows.nth(n)
        titles.append(row.locator("xpath=ancestor::li[contains(@class, 'shop-product')]//h3").inner_text())
        row.get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(row.locator(".stepper-count")).to_have_text("1 dans le panier")
    rows.nth(0).get_by_role("button", name=re.compile("ajouter un")).click()
    expect(rows.nth(0).locator(".stepper-count")).to_have_text("2 dans le panier")
    expect(summary.get_by_role("status")).to_contain_text("4 articles")

    # Checkout as a guest: pickup at the shop, paid by cheque.
    summary.get_by_role("link", name="Commander").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    page.get_by_label("Nom et prénom").fill("Josiane Berthet")
    page.get_by_label("Adresse e-mail").fill(BUYER)
    page.get_by_role("radio", name=re.compile("^Retrait à l'épicerie")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    total = page.locator(".totals-total dd").inner_text()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()

    # The confirmation page.
    expect(page.get_by_text(re.compile(r"Merci ! Votre commande .+ est enregistrée"))).to_be_visible()
    order = Order.objects.get(email=BUYER)
    assert order.status == Order.Status.PLACED
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(page.get_by_text("Retrait à l'épicerie").first).to_be_visible()
    expect(page.get_by_text("Chèque", exact=True)).to_be_visible()
    assert order.lines.count() == 3
    assert sum(line.quantity for line in order.lines.all()) == 4
    assert f"{order.total:.2f}".replace(".", ",") in total.replace("\u202f", "").replace(" ", "")

    # The confirmation email: each product, the fees and the total.
    emails = [m for m in mail.outbox if BUYER in m.to]
    assert len(emails) == 1
    body = emails[0].body
    assert order.number in emails[0].subject
    for title in titles:
        assert title in body
    assert "Préparation des commandes" in body
    assert "Total à payer" in body
    assert "Chèque" in body and "Retrait à l'épicerie" in body

    # The hub manager sees the order in the back-office.
    page.context.clear_cookies()
    login_as(page, HUB_MANAGER)
    page.goto("/manage/epicerie-croix-rousse/orders/")
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("Josiane Berthet")
    row.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    for title in titles:
        expect(page.locator("main")).to_contain_text(title)


AMAP = "amap-de-la-guillotiere"
AMAP_OWNER = "sophie@amap-guillotiere.fr"
FARM = "ferme-des-collines"
FARMER = "claire@ferme-des-collines.fr"
CYCLE = "Distribution du jeudi"


def test_it_opens_a_cycle_only_once_its_producer_approved_the_prices(page, demo, login_as):
    amap = Enterprise.objects.get(slug=AMAP)
    farm = Enterprise.objects.get(slug=FARM)
    amap.price_approval = PriceApproval.PRODUCERS
    amap.save(update_fields=["price_approval"])
    now = timezone.now()
    cycle = cycle_services.cycle_create(
        coordinator=amap,
        name=CYCLE,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=6),
    )
    cycle_services.cycle_supplier_add(cycle=cycle, supplier=farm)
    uuids = Variant.objects.filter(product__producer=farm, archived_at__isnull=True).values_list(
        "uuid", flat=True
    )
    assert cycle_services.cycle_variants_add(cycle=cycle, uuids=list(uuids)) > 0
    assert cycle.approval == OrderCycle.Approval.DRAFT

    # The coordinator submits the price list.
    login_as(page, AMAP_OWNER)
    page.goto(f"/manage/{AMAP}/cycles/")
    page.get_by_role("link", name=CYCLE).click()
    page.get_by_role("link", name="Prix et approbation").click()
    expect(page.get_by_text("Prix en préparation.")).to_be_visible()
    page.get_by_role("button", name="Soumettre ces prix pour approbation").click()
    expect(page.get_by_text("Prix soumis pour approbation.").first).to_be_visible()

    # The opening time comes: without approved prices the shop does not sell the cycle.
    OrderCycle.objects.filter(pk=cycle.pk).update(opens_at=timezone.now() - datetime.timedelta(minutes=1))
    page.goto(f"/{AMAP}/shop/")
    expect(page.get_by_text("Pas de vente en cours")).to_be_visible()

    # The producer approves from its approvals page.
    page.context.clear_cookies()
    login_as(page, FARMER)
    page.goto(f"/manage/{FARM}/")
    manage_menu(page).get_by_role("link", name="Prix à approuver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prix à approuver")
    page.get_by_role("link", name=CYCLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CYCLE)
    page.get_by_role("radio", name="J'approuve ces prix").check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Prix approuvés").first).to_be_visible()

    # Now the shop sells the cycle.
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    page.goto(f"/{AMAP}/shop/")
    expect(page.get_by_text(CYCLE).first).to_be_visible()
    expect(page.locator(".variant-row").first).to_be_visible()
