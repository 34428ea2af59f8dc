"""Browser tests of the hub inventory (inline edit with htmx), the producer's "in shops" page and
the products on a public enterprise page: they work at 360 px and axe-core finds no violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.catalogue.models import Category, InventoryItem, Label
from cabas.enterprises.models import Relationship, VatRegime
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop():
    """A producer under the VAT franchise whose products a grocery may sell, with one override."""
    farm = EnterpriseFactory(
        name="Ferme des Collines", slug="ferme-des-collines", vat_regime=VatRegime.FRANCHISE
    )
    RoleFactory(enterprise=farm, role="owner", user__email="claire@exemple.fr")
    grocery = HubFactory(name="L'Épicerie de la Croix-Rousse", slug="epicerie-croix-rousse")
    RoleFactory(enterprise=grocery, role="manager", user__email="gerant@exemple.fr")
    RelationshipFactory(grantor=farm, grantee=grocery, status=Relationship.Status.ACCEPTED)
    tomatoes = ProductFactory(
        producer=farm, name="Tomates anciennes", category=Category.objects.get(slug="tomates")
    )
    tomatoes.labels.set(Label.objects.filter(slug="ab"))
    bread = VariantFactory(product=tomatoes, unit="g", quantity=Decimal("500"), price=Decimal("3.20"))
    eggs = ProductFactory(producer=farm, name="Œufs plein air", category=Category.objects.get(slug="oeufs"))
    VariantFactory(product=eggs, unit="item", quantity=Decimal("6"), unit_name="œufs", price=Decimal("2.40"))
    InventoryItem.objects.create(hub=grocery, variant=eggs.variants.get(), price=Decimal("2.60"))
    return farm, grocery, bread


def test_it_edits_a_price_inline_and_shows_errors_in_place(
    page, shop, login_as, axe_check, no_horizontal_scroll
):
    _farm, grocery, tomatoes = shop
    login_as(page, "gerant@exemple.fr")
    page.goto(f"/manage/{grocery.slug}/inventory/")
    expect(page.locator("main h1")).to_have_text("Inventaire")
    no_horizontal_scroll(page)
    axe_check(page)

    price = page.get_by_label("Prix dans ma boutique pour Tomates anciennes — 500 g", exact=False)
    price.fill("-1")
    page.locator(f"#save-{tomatoes.uuid}").click()
    expect(page.locator(f"#inv-{tomatoes.uuid} .errorlist")).to_have_text("Le prix ne peut pas être négatif.")
    assert not InventoryItem.objects.filter(variant=tomatoes).exists()
    axe_check(page)

    page.get_by_label("Prix dans ma boutique pour Tomates anciennes — 500 g", exact=False).fill("3,60")
    page.locator(f"#save-{tomatoes.uuid}").click()
    expect(page.locator(f"#inv-{tomatoes.uuid} [role=status]")).to_have_text(
        "Tomates anciennes : enregistré."
    )
    assert InventoryItem.objects.get(variant=tomatoes).price == Decimal("3.60")

    page.locator(f"#reset-price-{tomatoes.uuid}").click()
    expect(page.locator(f"#inv-{tomatoes.uuid} [role=status]")).to_contain_text("prix du producteur rétabli")
    assert not InventoryItem.objects.filter(variant=tomatoes).exists()


def test_it_shows_the_producer_what_shops_change(page, shop, login_as, axe_check, no_horizontal_scroll):
    login_as(page, "claire@exemple.fr")
    page.goto("/manage/ferme-des-collines/products/in-shops/")

    expect(page.locator("main")).to_contain_text("L'Épicerie de la Croix-Rousse vend à 2,60")
    no_horizontal_scroll(page)
    axe_check(page)


def test_it_shows_the_products_on_the_public_page(page, shop, axe_check, no_horizontal_scroll):
    page.goto("/ferme-des-collines/")

    expect(page.locator("#products-title")).to_have_text("Produits")
    expect(page.locator(".products")).to_contain_text("TVA non applicable, art. 293 B du CGI")
    no_horizontal_scroll(page)
    axe_check(page)
