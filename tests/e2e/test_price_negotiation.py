"""Prices decided together, in a browser, on a desktop and on a phone: the AMAP submits its cycle's
prices, the farmer counter-proposes one price and accepts the rest, the consumers' referent accepts,
the AMAP accepts the counter-proposal; the cycle opens with the decided numbers and its public
« Où va votre argent » page tells how they were reached. Every page has no axe-core violation and
never scrolls sideways."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cabas.catalogue.models import Variant
from cabas.cycles import services as cycle_services
from cabas.cycles.models import CycleVariant, OrderCycle
from cabas.enterprises.models import Enterprise, PriceApproval, Role
from tests.e2e.test_language import switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AMAP = "amap-de-la-guillotiere"
AMAP_NAME = "AMAP de la Guillotière"
AMAP_OWNER = "sophie@amap-guillotiere.fr"
REFERENT = "lucie.benevole@exemple.fr"
FARM = "ferme-des-collines"
FARMER = "claire@ferme-des-collines.fr"
CYCLE = "Distribution du jeudi"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def _cycle() -> tuple[OrderCycle, Variant]:
    """The AMAP decides its prices with its producers and referents (Lucie); its next cycle offers
    the farm's products. Returns the cycle and the variant the farmer will discuss."""
    amap, farm = Enterprise.objects.get(slug=AMAP), Enterprise.objects.get(slug=FARM)
    amap.price_approval = PriceApproval.PRODUCERS_AND_REFERENTS
    amap.save(update_fields=["price_approval"])
    Role.objects.filter(enterprise=amap, user__email=REFERENT).update(consumer_referent=True)
    now = timezone.now()
    cycle = cycle_services.cycle_create(
        coordinator=amap,
        name=CYCLE,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=6),
    )
    cycle_services.cycle_supplier_add(cycle=cycle, supplier=farm)
    uuids = Variant.objects.filter(
        product__producer=farm,
        archived_at__isnull=True,
        variable_weight=False,
        product__archived_at__isnull=True,
    ).values_list("uuid", flat=True)[:4]
    cycle_services.cycle_variants_add(cycle=cycle, uuids=list(uuids))
    variant = (
        Variant.objects.filter(pk__in=CycleVariant.objects.filter(cycle=cycle).values("variant"))
        .select_related("product")
        .order_by("product__name", "position", "pk")
        .first()
    )
    return cycle, variant


@pytest.mark.parametrize("width", [1280, 375])
def test_producer_hub_and_referent_decide_the_prices_and_the_cycle_opens_with_them(
    page, demo, login_as, axe_check, no_horizontal_scroll, width
):
    page.set_viewport_size({"width": width, "height": 800 if width > 1000 else 667})
    cycle, variant = _cycle()
    product = variant.product.name
    size = " · ".join(x for x in [variant.name, variant.measure.display()] if x)

    def check():
        expect(page.locator("main h1").first).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    def as_person(email):
        page.context.clear_cookies()
        login_as(page, email)

    # The AMAP is told to submit its prices, and who decides them with it.
    as_person(AMAP_OWNER)
    page.goto(f"/manage/{AMAP}/")
    page.get_by_role("link", name=f"Soumettez les prix du cycle « {CYCLE} » pour qu'il puisse ouvrir").click()
    expect(page.get_by_text("Lucie Bonnet")).to_be_visible()  # the referent is named
    check()
    page.get_by_role("button", name="Soumettre ces prix aux producteurs").click()
    expect(page.get_by_text(re.compile("^Prix soumis : les producteurs"))).to_be_visible()
    check()

    # The farmer counter-proposes one price for this cycle and accepts the others.
    as_person(FARMER)
    page.goto(f"/manage/{FARM}/")
    page.get_by_role("link", name=re.compile(f"Prix à décider : « {CYCLE} » attend votre réponse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CYCLE)
    check()
    page.get_by_label(f"ou je propose pour {product}, {size}").fill("abc")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text(re.compile("n'est pas un nombre"))).to_be_visible()
    page.get_by_label(f"ou je propose pour {product}, {size}").fill("4,80")
    page.get_by_label("Message aux autres parties (facultatif)").fill(
        "Le gel a pris la moitié de la récolte."
    )
    page.get_by_role("button", name="Accepter tous les autres prix").click()
    expect(page.get_by_text("Votre contre-proposition est envoyée aux autres parties.")).to_be_visible()
    line = page.locator(".negotiation-line", has_text=product).first
    expect(line).to_contain_text("4,80")
    expect(line).to_contain_text(f"attend : {AMAP_NAME}")
    expect(page.get_by_text("Vous avez accepté tous les prix actuels.")).to_be_visible()
    check()

    # The consumers' referent accepts every current number, the farmer's included.
    as_person(REFERENT)
    page.goto(f"/manage/{AMAP}/")
    page.get_by_role("link", name=re.compile(f"Prix à décider : « {CYCLE} »")).click()
    expect(
        page.get_by_text(f"Vous répondez au nom de : Référents consommateurs de {AMAP_NAME}.")
    ).to_be_visible()
    expect(page.get_by_text("Le gel a pris la moitié de la récolte.")).to_be_visible()
    check()
    page.get_by_role("button", name="Accepter tous les autres prix").click()
    expect(page.get_by_text("Vos réponses sont enregistrées.")).to_be_visible()
    check()

    # The AMAP accepts the counter-proposal: the prices are decided.
    as_person(AMAP_OWNER)
    page.goto(f"/manage/{AMAP}/")
    page.get_by_role(
        "link", name=re.compile(f"Prix à décider : « {CYCLE} » attend votre réponse sur 1 prix")
    ).click()
    expect(page.get_by_text("À vous de répondre : 1 prix attend votre accord.")).to_be_visible()
    page.get_by_label(re.compile(f"J'accepte 4,80.*pour {re.escape(product)}, {re.escape(size)}")).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Tout le monde est d'accord : les prix sont décidés")).to_be_visible()
    check()
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    assert str(CycleVariant.objects.get(cycle=cycle, variant=variant).price) == "4.80"

    # It opens now, and its shop sells at the decided price; the money page tells the story.
    page.get_by_role("link", name="1. Général").click()
    page.get_by_role("button", name="Ouvrir maintenant").click()
    page.goto(f"/{AMAP}/shop/")
    row = page.locator(f"#variant-{variant.uuid}")
    expect(row).to_contain_text("4,80")
    check()
    page.get_by_role("link", name=re.compile("^Où va votre argent")).click()
    expect(page.get_by_role("heading", name="Des prix décidés ensemble")).to_be_visible()
    history = page.get_by_role("row").filter(has_text=product).first
    expect(history).to_contain_text("(Ferme des Collines)")
    expect(history).to_contain_text("4,80")
    check()

    # The same pages in English.
    switch_language(page, "English", "Changer")
    expect(page.get_by_role("heading", name="Prices decided together")).to_be_visible()
    check()
    page.goto(f"/manage/{AMAP}/cycles/{cycle.uuid}/prices/")
    expect(page.get_by_role("heading", name="Prices decided together")).to_be_visible()
    expect(page.get_by_text(re.compile("Everyone agrees: the cycle opens on its dates"))).to_be_visible()
    check()
    as_person(FARMER)
    page.goto(f"/manage/{FARM}/cycles/approvals/{cycle.uuid}/")
    switch_language(page, "English", "Changer")
    expect(page.get_by_role("heading", name="Prices of the cycle")).to_be_visible()
    expect(page.get_by_text(re.compile("proposes €4.80")).first).to_be_attached()
    check()
    page.goto(f"/manage/{FARM}/cycles/approvals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prices to decide")
    check()
