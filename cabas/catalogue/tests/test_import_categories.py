"""Product import: the category column takes French or English names, singular or plural, and an
unknown one is named with the nearest category, before anything is written."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.imports import product_import
from cabas.catalogue.models import Product, Variant
from cabas.catalogue.tests.import_files import ofn_csv, row
from tests.factories import VariantFactory


def test_a_file_names_categories_in_french_or_english_singular_or_plural(enterprise):
    data = ofn_csv(
        row(name="Carottes", category="légume racine"),
        row(name="Tomates", category="Tomatoes"),
        row(
            name="Yaourt nature",
            category="PRODUIT LAITIER",
            units="4",
            unit_type="",
            variant_unit_name="pots",
        ),
        row(name="Œufs", category="egg", units="6", unit_type="", variant_unit_name="œufs"),
        row(name="Confiture", category="epicerie-sucree"),
    )

    summary = product_import(enterprise=enterprise, name="produits.csv", data=data)

    assert summary.created == 5
    assert dict(Product.objects.values_list("name", "category__name")) == {
        "Carottes": "Légumes racines",
        "Tomates": "Tomates",
        "Yaourt nature": "Produits laitiers",
        "Œufs": "Œufs",
        "Confiture": "Épicerie sucrée",
    }


def test_a_misspelt_category_is_refused_with_the_nearest_name_and_nothing_changes(enterprise):
    kept = VariantFactory(
        product__producer=enterprise,
        product__name="Carottes",
        name="Botte",
        sku="C1",
        unit="kg",
        quantity=1,
        price=Decimal("2.50"),
    )
    data = ofn_csv(
        row(sku="C1", price="9.99", category="Légumes"),
        row(sku="P1", name="Poireaux", category="Légumess"),
        row(sku="X1", name="Mousse", category="Lichens"),
    )

    with pytest.raises(ImportRejected) as rejected:
        product_import(enterprise=enterprise, name="produits.csv", data=data)

    assert [str(p) for p in rejected.value.problems] == [
        "ligne 3, colonne category : catégorie inconnue : « Légumess ». Vouliez-vous dire « Légumes » ?",
        "ligne 4, colonne category : catégorie inconnue : « Lichens »",
    ]
    kept.refresh_from_db()
    assert kept.price == Decimal("2.50")
    assert Variant.objects.count() == 1


def test_the_native_format_takes_the_same_names(enterprise):
    data = (
        "producteur;sku;produit;variante;catégorie;description;quantité;unité;nom_unité;prix;stock;"
        "à_la_demande;tva\n"
        ";;Lait cru;;Milk;;1;l;;1,20;5;0;\n"
        ";;Brebis;;fromage-de-brebis;;200;g;;4,50;5;0;\n"
    ).encode()

    product_import(enterprise=enterprise, name="produits.csv", data=data)

    assert dict(Product.objects.values_list("name", "category__slug")) == {
        "Lait cru": "lait",
        "Brebis": "fromages-de-brebis",
    }


def test_the_categories_are_read_once_whatever_the_number_of_rows(enterprise):
    spellings = ["Légumes", "légume", "Vegetables", "vegetable", "Fruits", "fruit", "Œufs", "eggs"]
    data = ofn_csv(
        *(
            row(name=f"Produit {n}", display_name="", sku=f"S{n}", category=spellings[n % len(spellings)])
            for n in range(80)
        )
    )

    with CaptureQueriesContext(connection) as queries:
        summary = product_import(enterprise=enterprise, name="produits.csv", data=data, dry_run=True)

    assert summary.created == 80
    category_queries = [q["sql"] for q in queries if 'FROM "catalogue_category"' in q["sql"]]
    assert len(category_queries) == 1
