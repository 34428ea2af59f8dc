"""An AMAP volunteer prepares an order cycle on a phone, step by step: general, suppliers, products
(select all), distributor, prices; then copies it a week later. Every step is checked with axe-core
and fits a 360 px screen."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cabas.cycles.models import CycleDistributor, CycleVariant, OrderCycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AMAP = "amap-de-la-guillotiere"
AMAP_OWNER = "sophie@amap-guillotiere.fr"
CYCLE = "Panier du jeudi"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def local(moment: datetime.datetime) -> str:
    """A `datetime-local` input value, in Paris time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_it_prepares_a_cycle_step_by_step_on_a_phone(page, demo, login_as, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    login_as(page, AMAP_OWNER)
    page.goto(f"/manage/{AMAP}/cycles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cycles de vente")
    check()
    page.get_by_role("link", name="Nouveau cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau cycle de vente")
    check()

    # A closing date before the opening: a clear error, nothing created.
    opens_at = timezone.now() + datetime.timedelta(days=2)
    page.get_by_label("Nom du cycle").fill(CYCLE)
    page.get_by_label("Ouverture des commandes").fill(local(opens_at))
    page.get_by_label("Clôture des commandes").fill(local(opens_at - datetime.timedelta(days=1)))
    page.get_by_role("button", name="Créer le cycle").click()
    expect(page.get_by_text("La clôture des commandes doit venir après leur ouverture.")).to_be_visible()
    assert not OrderCycle.objects.filter(name=CYCLE).exists()
    check()

    page.get_by_label("Clôture des commandes").fill(local(opens_at + datetime.timedelta(days=5)))
    page.get_by_role("button", name="Créer le cycle").click()
    expect(page.get_by_text(f"Cycle « {CYCLE} » créé : choisissez ses fournisseurs.")).to_be_visible()
    check()

    # Suppliers: the farm that lets the AMAP sell its products.
    page.get_by_label("Producteur à ajouter").select_option(label="Ferme des Collines")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("Ferme des Collines fournit ce cycle : choisissez ses produits.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ferme des Collines", level=3)).to_be_visible()
    check()

    # Products: every variant of the farm at once.
    page.get_by_role("link", name="Étape suivante : les produits").click()
    expect(page.get_by_role("heading", name="Produits proposés")).to_be_visible()
    check()
    page.get_by_label("Action").select_option(label="Ajouter au cycle")
    page.get_by_role("button", name=re.compile(r"^Tout sélectionner")).click()
    cycle = OrderCycle.objects.get(name=CYCLE, coordinator__slug=AMAP)
    offered = CycleVariant.objects.filter(cycle=cycle).count()
    assert offered > 0
    expect(page.get_by_text(f"{offered} variantes dans le cycle")).to_be_visible()
    check()

    # Distributor: the AMAP itself, with its pickup date and a note.
    page.get_by_role("link", name="Étape suivante : les distributeurs").click()
    expect(page.get_by_role("heading", name="Distributeurs", level=2)).to_be_visible()
    check()
    page.get_by_role("link", name=re.compile("^Modifier")).first.click()
    check()
    distributor_url = page.url

    # Saved without any pickup point or payment method: told what is missing.
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Cochez au moins un mode de retrait ou de livraison.")).to_be_visible()
    check()

    # The AMAP's distribution hall serves its contracts: it creates a pickup point for this cycle,
    # and a payment method.
    page.goto(reverse("cycles:shipping", args=[AMAP]))
    check()
    page.get_by_role("link", name="Nouveau point de retrait").click()
    check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Indiquez l'adresse du point de retrait.").first).to_be_visible()
    check()
    page.get_by_label("Nom", exact=True).fill("Halle de la place Péragut")
    page.get_by_label("Adresse", exact=True).fill("Place Péragut")
    page.get_by_label("Code postal").fill("69007")
    page.get_by_label("Commune").fill("Lyon")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("« Halle de la place Péragut » est créé.")).to_be_visible()
    check()
    page.goto(f"/manage/{AMAP}/payment-methods/")
    check()
    page.get_by_role("link", name=re.compile("Nouveau moyen de paiement")).first.click()
    check()
    page.get_by_role("link", name="Chèque", exact=True).click()
    page.get_by_label("Nom affiché").fill("Chèque à l'ordre de l'AMAP")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("« Chèque à l'ordre de l'AMAP » est proposé à vos clients.")).to_be_visible()
    check()

    page.goto(distributor_url)
    page.get_by_role("checkbox", name="Halle de la place Péragut").check()
    page.get_by_role("checkbox", name="Chèque à l'ordre de l'AMAP").check()
    page.get_by_label("Date de retrait ou de livraison").fill(local(opens_at + datetime.timedelta(days=6)))
    page.get_by_label("Précision sur le retrait").fill("Sous la halle, de 18 h à 19 h 30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Sous la halle, de 18 h à 19 h 30")).to_be_visible()
    assert CycleDistributor.objects.get(cycle=cycle).pickup_note == "Sous la halle, de 18 h à 19 h 30"
    check()

    # Prices: producer prices and fees, nothing to approve for this AMAP.
    page.get_by_role("link", name="Voir les prix du cycle").click()
    expect(page.get_by_role("heading", name="Prix du cycle", exact=True)).to_be_visible()
    check()

    # The general step, then a copy one week later.
    page.get_by_role("link", name="1. Général").click()
    check()
    page.goto(f"/manage/{AMAP}/cycles/{cycle.uuid}/clone/")
    check()
    page.get_by_label("Nom du nouveau cycle").fill("Panier du jeudi suivant")
    page.get_by_role("radio", name=re.compile("^Une semaine plus tard")).check()
    page.get_by_role("button", name="Créer la copie").click()
    expect(page.get_by_text("Cycle copié : « Panier du jeudi suivant »")).to_be_visible()
    copy = OrderCycle.objects.get(name="Panier du jeudi suivant")
    assert copy.opens_at - cycle.opens_at == datetime.timedelta(days=7)
    assert CycleVariant.objects.filter(cycle=copy).count() == offered

    page.goto(f"/manage/{AMAP}/cycles/?statut=upcoming")
    expect(page.get_by_role("link", name=CYCLE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Panier du jeudi suivant")).to_be_visible()
    check()
