"""Product import: what a good file creates, updates or leaves alone."""

from decimal import Decimal

import pytest

from cabas.catalogue.imports import product_import
from cabas.catalogue.models import Category, Product, TaxRate, Variant
from cabas.catalogue.tests.import_files import ofn_csv, row, xlsx
from cabas.enterprises.models import Relationship
from tests.factories import HubFactory, ProductFactory, RelationshipFactory, VariantFactory


def run(enterprise, data, name="produits.csv", **kwargs):
    return product_import(enterprise=enterprise, name=name, data=data, **kwargs)


def test_it_creates_products_and_variants_from_an_ofn_file(enterprise):
    data = ofn_csv(
        row(sku="CAR-1", display_name="Botte", units="1", unit_type="kg", price="2.50"),
        row(sku="CAR-2", display_name="Sachet", units="500", unit_type="g", price="1,40"),
        row(sku="OEU-6", name="Œufs frais", display_name="", category="oeufs", units="6", unit_type="",
            variant_unit_name="œufs", price="3.20", on_hand="", on_demand="1", tax_category="5,5 %"),
    )

    summary = run(enterprise, data)

    assert (summary.created, summary.updated, summary.unchanged, summary.products_created) == (3, 0, 0, 2)
    carrots = Product.objects.get(producer=enterprise, name="Carottes")
    assert carrots.category.name == "Légumes racines"
    assert [(v.name, v.measure.display(), v.price) for v in carrots.variants.all()] == [
        ("Botte", "1 kg", Decimal("2.50")), ("Sachet", "500 g", Decimal("1.40"))
    ]
    eggs = Variant.objects.get(sku="OEU-6")
    assert eggs.measure.display() == "6 œufs"
    assert eggs.on_demand and eggs.on_hand == 0
    assert eggs.tax_rate == TaxRate.objects.get(rate=Decimal("5.5"))
    assert eggs.product.category.name == "Œufs"
    assert Variant.objects.get(sku="CAR-1").tax_rate is None  # the category's default applies


def test_it_updates_the_variant_with_the_same_sku_and_counts_the_unchanged(enterprise):
    variant = VariantFactory(product__producer=enterprise, product__name="Tomates", sku="TOM", price="3.00",
                             unit="kg", quantity=1, on_hand=4)
    same = VariantFactory(product=variant.product, sku="TOM-CERISE", name="Cerise", unit="g", quantity=250,
                          price="2.00", on_hand=8)
    data = ofn_csv(
        row(sku="TOM", name="Tomates", display_name="", category="Tomates", units="1", unit_type="kg",
            price="3.50", on_hand="4"),
        row(sku="TOM-CERISE", name="Tomates", display_name="Cerise", category="Tomates", units="250",
            unit_type="g", price="2", on_hand="8"),
    )

    summary = run(enterprise, data)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    variant.refresh_from_db()
    same.refresh_from_db()
    assert variant.price == Decimal("3.50")
    assert same.price == Decimal("2.00")
    assert Variant.objects.count() == 2

    again = run(enterprise, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_it_matches_a_variant_without_sku_by_product_variant_unit_and_quantity(enterprise):
    variant = VariantFactory(product__producer=enterprise, product__name="Miel de lavande", name="Pot",
                             unit="g", quantity=500, price="8.00",
                             product__category=Category.objects.get(name="Miels"))
    data = ofn_csv(
        row(name="miel de LAVANDE", display_name="pot", category="Miels", units="500", unit_type="g",
            price="8.50"),
        row(name="Miel de lavande", display_name="Pot", category="Miels", units="1", unit_type="kg",
            price="15"),
    )

    summary = run(enterprise, data)

    assert (summary.created, summary.updated, summary.unchanged, summary.products_created) == (1, 1, 0, 0)
    variant.refresh_from_db()
    assert variant.price == Decimal("8.50")
    assert variant.product.variants.count() == 2


def test_it_reads_the_native_format_with_french_headers(enterprise):
    text = (
        "producteur;sku;produit;variante;catégorie;description;quantité;unité;nom_unité;prix;stock;"
        "à_la_demande;tva\n"
        ";PDT-5;Pommes de terre;Filet;pommes de terre;Chair ferme;2,5;kg;;4,20;12;0;5,5\n"
        "Ferme des Collines;;Salade;;Salades;;1;;pièce;1,20;;1;\n"
    )

    summary = run(enterprise, text.encode(), name="stock.csv")

    assert summary.created == 2
    potatoes = Variant.objects.get(sku="PDT-5")
    assert potatoes.measure.display() == "2,5 kg"
    assert potatoes.price == Decimal("4.20")
    assert potatoes.product.description == "Chair ferme"
    salad = Variant.objects.get(product__name="Salade")
    assert salad.measure.display() == "1 pièce"
    assert salad.on_demand


def test_it_lets_a_hub_import_for_a_producer_that_granted_it_product_management(enterprise):
    hub = HubFactory(name="Épicerie du Marché")
    RelationshipFactory(grantor=enterprise, grantee=hub, manage_products=True,
                        status=Relationship.Status.ACCEPTED)

    summary = run(hub, ofn_csv(row(producer="ferme des collines")))

    assert summary.created == 1
    assert Variant.objects.get().product.producer == enterprise


def test_it_keeps_the_stock_and_on_demand_when_their_cells_are_empty(enterprise):
    variant = VariantFactory(product__producer=enterprise, product__name="Carottes", name="Botte",
                             sku="C1", unit="kg", quantity=1, price="2.50", on_hand=7, on_demand=False)

    run(enterprise, ofn_csv(row(sku="C1", on_hand="", on_demand="", price="2.60")))

    variant.refresh_from_db()
    assert (variant.on_hand, variant.on_demand, variant.price) == (7, False, Decimal("2.60"))


def test_it_changes_nothing_on_a_dry_run_but_says_what_would_change(enterprise):
    VariantFactory(product__producer=enterprise, sku="C1", price="1.00")

    summary = run(enterprise, ofn_csv(row(sku="C1"), row(sku="C2", display_name="Sachet")), dry_run=True)

    assert (summary.created, summary.updated) == (1, 1)
    assert Variant.objects.count() == 1
    assert Variant.objects.get().price == Decimal("1.00")


def test_it_moves_product_fields_from_the_file(enterprise):
    product = ProductFactory(producer=enterprise, name="Courge", description="Ancienne")
    VariantFactory(product=product, sku="CO", unit="kg", quantity=1)

    data = ofn_csv(row(sku="CO", name="Courge", category="Courges", description="Butternut"))

    summary = run(enterprise, data)

    product.refresh_from_db()
    assert (product.category.name, product.description) == ("Courges", "Butternut")
    assert summary.updated == 1


def test_it_reads_an_xlsx_file_with_numbers_and_empty_cells(enterprise):
    data = xlsx(
        ["producer", "sku", "name", "display_name", "category", "description", "units", "unit_type",
         "variant_unit_name", "price", "on_hand", "available_on", "on_demand", "shipping_category",
         "tax_category"],
        ["Ferme des Collines", "X1", "Jus de pomme", "Bouteille", "Boissons", None, 1.5, "l", None, 4.8, 12,
         None, 0, None, 5.5],
    )

    summary = run(enterprise, data, name="produits.xlsx")

    assert summary.created == 1
    juice = Variant.objects.get(sku="X1")
    assert (juice.measure.display(), juice.price, juice.on_hand) == ("1,5 L", Decimal("4.80"), 12)


@pytest.mark.parametrize("units", ["0.75", "0,75", "75"])
def test_it_accepts_decimal_points_and_commas_in_quantities(enterprise, units):
    run(enterprise, ofn_csv(row(units=units, unit_type="cl" if units == "75" else "l")))

    assert Variant.objects.get().measure.display() in ("0,75 L", "75 cl")
