"""Browser tests of the back-office products pages: the list with its inline price and stock edit
(htmx), the product form with its live unit-price preview; 360 px wide, no axe-core violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.catalogue.models import Category, Variant
from cabas.enterprises.models import VatRegime
from tests.factories import EnterpriseFactory, ProductFactory, RoleFactory, VariantFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def farm():
    farm = EnterpriseFactory(
        name="Ferme des Collines", slug="ferme-des-collines", vat_regime=VatRegime.FRANCHISE
    )
    RoleFactory(enterprise=farm, role="owner", user__email="claire@exemple.fr")
    tomatoes = ProductFactory(
        producer=farm, name="Tomates anciennes", category=Category.objects.get(slug="tomates")
    )
    variant = VariantFactory(
        product=tomatoes,
        unit="g",
        quantity=Decimal("500"),
        price=Decimal("3.20"),
        on_hand=8,
        low_stock_threshold=10,
    )
    eggs = ProductFactory(producer=farm, name="Œufs plein air", category=Category.objects.get(slug="oeufs"))
    VariantFactory(
        product=eggs,
        unit="item",
        quantity=Decimal("6"),
        unit_name="œufs",
        price=Decimal("2.40"),
        on_demand=True,
    )
    return farm, variant


def test_it_edits_a_price_inline_with_errors_in_place(page, farm, login_as, axe_check, no_horizontal_scroll):
    farm, variant = farm
    login_as(page, "claire@exemple.fr")
    page.goto(f"/manage/{farm.slug}/products/")
    expect(page.locator("main h1")).to_have_text("Produits")
    no_horizontal_scroll(page)
    axe_check(page)

    row = page.locator(f"#variant-{variant.uuid}")
    row.get_by_role("link", name="Modifier").click()
    price = page.get_by_label("Prix TTC (€)")
    expect(price).to_be_focused()
    price.fill("-2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(row.locator(".errorlist")).to_contain_text("Le prix doit être un nombre positif, ex. 3,50")
    axe_check(page)
    assert Variant.objects.get(pk=variant.pk).price == Decimal("3.20")

    page.get_by_label("Prix TTC (€)").fill("4,50")
    page.get_by_role("button", name="Enregistrer").click()
    expect(row).to_contain_text("9,00\u00a0€/kg")
    assert Variant.objects.get(pk=variant.pk).price == Decimal("4.50")
    assert page.url.endswith(f"/manage/{farm.slug}/products/")  # the row changed in place


def test_it_previews_the_unit_price_in_the_product_form(
    page, farm, login_as, axe_check, no_horizontal_scroll
):
    farm, _variant = farm
    login_as(page, "claire@exemple.fr")
    page.goto(f"/manage/{farm.slug}/products/new/")
    expect(page.locator("main h1")).to_have_text("Nouveau produit")
    expect(page.get_by_text("TVA non applicable, art. 293 B du CGI")).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)

    page.get_by_label("Nom du produit").fill("Miel de châtaignier")
    page.get_by_label("Catégorie").select_option("epicerie-sucree")
    page.locator("#id_variants-0-quantity").fill("250")
    page.locator("#id_variants-0-unit").select_option("g")
    page.locator("#id_variants-0-price").fill("4,50")
    expect(page.locator("#variants-0-preview")).to_have_text("soit 18,00\u00a0€/kg")

    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator("main h1")).to_have_text("Miel de châtaignier")
    expect(page.locator("#variants-0-preview")).to_have_text("soit 18,00\u00a0€/kg")
    axe_check(page)
