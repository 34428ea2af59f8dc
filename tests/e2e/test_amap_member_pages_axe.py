"""An AMAP member's pages on a phone (375 px) and a desktop (1280 px): the AMAP's contracts, a
contract, the subscribe form (with its price and an error), and the member portal with baskets to
change, share and miss. Each is checked with axe-core and fits the phone's width."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cabas.amap.models import Contract
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAMILLE = "camille@exemple.fr"


@pytest.mark.parametrize("width", [375, 1280])
def test_the_member_pages_pass_axe_on_a_phone_and_a_desktop(
    page, login_as, axe_check, no_horizontal_scroll, width
):
    page.set_viewport_size({"width": width, "height": 800})

    def check():
        expect(page.locator("main h1")).to_be_visible()
        if width < 400:
            no_horizontal_scroll(page)
        axe_check(page)

    s = season(weeks=4, capacity=10)
    Contract.objects.filter(pk=s.eggs.pk).update(minimum_per_season=Decimal("0.00"))
    Contract.objects.filter(pk=s.vegetables.pk).update(
        terms="Le producteur livre des légumes de saison.\nL'adhérent vient chercher son panier.",
        solidarity_donation=Decimal("1.00"),
    )
    s.vegetables.tiers.create(name="Solidaire", percent=70)
    camille = member(s.amap, CAMILLE, "Camille Martin")
    sam = member(s.amap, "sam@exemple.fr", "Sam Roy")
    s.eggs.refresh_from_db()
    subscription_create(
        contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1}, sharers=[sam], accepted=True
    )

    page.goto(reverse("amap_member:contracts", args=[s.amap.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Les contrats de AMAP des Pentes")
    check()
    page.get_by_role("link", name="Légumes — Été").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Légumes — Été")
    check()

    login_as(page, CAMILLE)
    page.goto(reverse("amap_member:subscribe", args=[s.amap.slug, s.vegetables.uuid]))
    expect(page.get_by_label("J'ai lu et j'accepte le contrat")).not_to_be_checked()
    check()
    page.get_by_label("Panier de légumes — Grand (18,00 € par distribution)").fill("1")
    page.get_by_role("button", name="Calculer le prix").click()
    expect(page.get_by_role("status").get_by_text("76,00 €")).to_be_visible()
    check()
    page.get_by_role("button", name="Souscrire", exact=True).click()
    expect(page.get_by_text("Lisez et acceptez le contrat pour souscrire.")).to_be_visible()
    check()

    page.goto(reverse("amap_member:portal"))
    expect(page.get_by_role("heading", name="Mes paniers")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer les quantités").first).to_be_visible()
    expect(page.get_by_label("Qui récupère ce panier ?").first).to_be_visible()
    check()
    page.get_by_role("button", name="Je serai absent").first.click()
    expect(page.get_by_text("Votre absence est enregistrée.")).to_be_visible()
    check()
