"""An AMAP's season, as its people live it: the coordinator creates a season contract from a weekly
rhythm and publishes it; a member pays the membership, subscribes with 10 cheques, declares an
absence and signs up for a shift, on a phone; the volunteer's sign-in sheet lists the right baskets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from cabas.amap.models import AmapSettings, Basket, Contract, Instalment, Membership, Subscription
from cabas.amap.shifts import shifts_for_distributions
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset, Relationship, Role, Sells
from tests.e2e.helpers import manage_menu
from tests.factories import EnterpriseFactory, ProductFactory, RoleFactory, UserFactory, VariantFactory


def field(page, label: str):
    """A form field by its label, with or without the « : » Django adds."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*:?$"))


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SOPHIE, CAMILLE, LUCIE = "sophie@amap.fr", "camille@exemple.fr", "lucie@exemple.fr"


def _amap():
    amap = EnterpriseFactory(
        name="AMAP des Pentes",
        slug="amap-des-pentes",
        model=ModelPreset.AMAP,
        is_producer=False,
        sells=Sells.ANY,
    )
    RoleFactory(
        enterprise=amap, role=Role.Level.OWNER, user=UserFactory(email=SOPHIE, full_name="Sophie Marchand")
    )
    RoleFactory(
        enterprise=amap, role=Role.Level.VOLUNTEER, user=UserFactory(email=LUCIE, full_name="Lucie Bénévole")
    )
    UserFactory(email=CAMILLE, full_name="Camille Martin")
    AmapSettings.objects.create(
        amap=amap,
        membership_required=True,
        membership_minimum=Decimal("10.00"),
        membership_suggested=Decimal("15.00"),
    )
    ShippingMethod.objects.create(enterprise=amap, kind="pickup", name="Salle des Canuts", city="Lyon")
    farm = EnterpriseFactory(name="Jardins du Garon", slug="jardins-du-garon")
    Relationship.objects.create(grantor=farm, grantee=amap, status=Relationship.Status.ACCEPTED)
    product = ProductFactory(producer=farm, name="Panier de légumes")
    VariantFactory(product=product, name="Grand", unit="item", quantity=Decimal("1"), price=Decimal("18.00"))
    return amap


def test_an_amap_season_from_the_contract_to_the_sign_in_sheet(
    page, login_as, axe_check, no_horizontal_scroll
):
    amap = _amap()
    first = timezone.localdate() + datetime.timedelta(days=8)
    first += datetime.timedelta(days=(1 - first.weekday()) % 7)  # a Tuesday at least a week away
    last = first + datetime.timedelta(weeks=11)

    # The coordinator, at her desk, creates the season contract from a weekly rhythm.
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(page, SOPHIE)
    page.goto(reverse("amap:contracts", args=[amap.slug]))
    page.get_by_role("link", name="Nouveau contrat").click()
    field(page, "Producteur").select_option(label="Jardins du Garon (Yzeron)")
    field(page, "Nom du contrat").fill("Légumes")
    field(page, "Saison").fill("Été")
    field(page, "Inscriptions à partir du").fill(timezone.localdate().isoformat())
    field(page, "Inscriptions jusqu'au").fill(first.isoformat())
    field(page, "Chèques à l'ordre de").fill("EARL Jardins du Garon")
    page.get_by_role("radio", name="Les générer d'après un rythme (toute la saison)").check()
    field(page, "Rythme").select_option(label="Chaque semaine")
    field(page, "Première distribution").fill(first.isoformat())
    field(page, "Dernière distribution").fill(last.isoformat())
    field(page, "De").fill("18:30")
    field(page, "À").fill("19:30")
    page.get_by_role("button", name="Créer le contrat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Légumes — Été")
    contract = Contract.objects.get(amap=amap, name="Légumes")
    assert contract.deliveries.count() == 12
    variant = field(page, "Produit du producteur")
    variant.select_option(variant.locator("option", has_text="Grand").get_attribute("value"))
    field(page, "Prix par distribution (€)").fill("18,00")
    page.get_by_role("button", name="Enregistrer le produit").click()
    page.get_by_role("button", name="Publier le contrat").click()
    expect(page.get_by_role("status").filter(has_text="Contrat publié")).to_be_visible()
    axe_check(page)
    expect(page.get_by_text("1 place").or_(page.get_by_text("Places : sans limite"))).to_be_visible()
    distributions = [
        d.distribution
        for d in contract.deliveries.select_related("distribution").order_by("distribution__date")
    ]
    shifts_for_distributions(
        enterprise=amap, distributions=distributions[:3], roles=[("Accueil", 1, 2, None, None)]
    )

    # The member, on her phone, pays her membership and subscribes with 10 cheques.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    login_as(page, CAMILLE)
    page.goto(reverse("amap_member:contracts", args=[amap.slug]))
    page.get_by_role("link", name="Légumes — Été").click()
    page.get_by_role("link", name="Souscrire").first.click()
    expect(page.get_by_text("L'AMAP demande d'adhérer avant de souscrire un contrat.")).to_be_visible()
    page.get_by_role("link", name="Adhérer à l'AMAP").click()
    expect(field(page, "Montant de l'adhésion (€)")).to_have_value("15.00")
    page.get_by_role("radio", name="Chèque").check()
    page.get_by_role("button", name="Adhérer").click()
    assert Membership.objects.get(customer__email=CAMILLE).amount == Decimal("15.00")
    page.goto(reverse("amap_member:subscribe", args=[amap.slug, contract.uuid]))
    page.get_by_role(
        "spinbutton", name=re.compile(r"^Panier de légumes — Grand \(18,00.€ par distribution\)")
    ).fill("1")
    field(page, "Nombre de versements").select_option("10")
    page.get_by_role("radio", name="Chèque").check()
    field(page, "J'ai lu et j'accepte le contrat").check()
    page.get_by_role("button", name="Souscrire").click()
    expect(page.get_by_text("216,00")).to_be_visible()  # 12 × 18 €
    subscription = Subscription.objects.get(customer__email=CAMILLE)
    plan = list(subscription.instalments.order_by("number"))
    assert len(plan) == 10 and sum(i.amount for i in plan) == Decimal("216.00")
    assert {i.method for i in plan} == {Instalment.Method.CHEQUE}

    # She will be away for the third distribution, and takes the welcome at the first.
    page.goto(reverse("amap_member:portal"))
    with translation.override("fr"):
        third_day = formats.date_format(distributions[2].date, "l j F Y")
    day = page.get_by_role("article", name=third_day.capitalize())
    third = day.get_by_role("group", name="Légumes — Jardins du Garon")
    third.get_by_role("button", name="Je serai absent").click()
    expect(page.get_by_role("button", name="Annuler mon absence")).to_be_visible()
    absent = Basket.objects.get(subscription=subscription, delivery__distribution=distributions[2])
    assert absent.absence == "solidarity"
    page.goto(reverse("amap_member:shifts", args=[amap.slug]))
    page.get_by_role("button", name="Je m'inscris à « Accueil »").first.click()
    expect(page.get_by_role("button", name="Je me désinscris").first).to_be_visible()

    # At the table, on the volunteer's phone: the first sheet lists Camille's basket, the third
    # marks her absence.
    page.context.clear_cookies()
    login_as(page, LUCIE)
    page.goto(reverse("manage:dashboard", args=[amap.slug]))
    manage_menu(page).get_by_role("link", name="Feuilles d'émargement").click()
    with translation.override("fr"):
        first_day, third_day = (
            formats.date_format(d.date, "l j F Y") for d in (distributions[0], distributions[2])
        )
    page.locator("section", has=page.get_by_role("heading", name=first_day.capitalize())).get_by_role(
        "link", name="Salle des Canuts"
    ).click()
    expect(page.get_by_role("status")).to_have_text("1 panier à remettre")
    row = page.get_by_role("row", name=re.compile("Camille Martin"))
    expect(row).to_contain_text("1 × Panier de légumes, Grand")
    no_horizontal_scroll(page)
    axe_check(page)
    row.get_by_role("button", name="Remis").click()
    expect(
        page.get_by_role("row", name=re.compile("Camille Martin")).get_by_role(
            "button", name="Annuler la remise"
        )
    ).to_be_visible()
    page.goto(reverse("amap:sign_in_sheet", args=[amap.slug, distributions[2].uuid]))
    expect(page.get_by_role("row", name=re.compile("Camille Martin"))).to_contain_text(
        "absent : panier solidaire"
    )
    # Payments stay with the managers.
    assert page.request.get(reverse("amap:payments", args=[amap.slug])).status == 403
