"""Product import: every kind of problem is named by its line and column, and nothing changes."""

from decimal import Decimal

import pytest

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.import_reading import OFN_COLUMNS
from cabas.catalogue.imports import product_import
from cabas.catalogue.models import Product, Variant
from cabas.catalogue.tests.import_files import ofn_csv, row
from cabas.enterprises.models import Relationship
from tests.factories import EnterpriseFactory, HubFactory, RelationshipFactory, VariantFactory


def problems(enterprise, data, name="produits.csv"):
    with pytest.raises(ImportRejected) as rejected:
        product_import(enterprise=enterprise, name=name, data=data)
    return [str(p) for p in rejected.value.problems]


@pytest.fixture
def existing(enterprise):
    """A variant that must stay as it is whatever the bad file says."""
    return VariantFactory(product__producer=enterprise, product__name="Carottes", name="Botte", sku="C1",
                          unit="kg", quantity=1, price=Decimal("2.50"), on_hand=10)


def assert_nothing_changed(existing):
    existing.refresh_from_db()
    assert (existing.price, existing.on_hand) == (Decimal("2.50"), 10)
    assert Variant.objects.count() == 1
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"producer": "Ferme Inconnue"}, "producer : producteur inconnu : « Ferme Inconnue »"),
        ({"category": "Légumineuses"}, "category : catégorie inconnue : « Légumineuses ». Vouliez-vous dire "
                                       "« Légumes » ?"),
        ({"category": "Lichens"}, "category : catégorie inconnue : « Lichens »"),
        ({"category": ""}, "category : catégorie manquante"),
        ({"unit_type": "livres"}, "unit_type : unité inconnue : « livres » (g, kg, ml, cl, dl, l, ou vide "
                                  "pour des pièces avec leur nom dans variant_unit_name)"),
        ({"units": "beaucoup"}, "units : quantité invalide : « beaucoup » (un nombre positif, ex. 500 ou "
                                "1,5)"),
        ({"units": "-2"}, "units : quantité invalide : « -2 » (un nombre positif, ex. 500 ou 1,5)"),
        ({"units": ""}, "units : quantité manquante (ex. 500, 1,5 ou 6)"),
        ({"price": "gratuit"}, "price : prix invalide : « gratuit » (ex. 3,50)"),
        ({"price": "-1"}, "price : prix négatif : « -1 »"),
        ({"price": "1,255"}, "price : prix invalide : « 1,255 » (au plus 2 décimales)"),
        ({"price": ""}, "price : prix manquant"),
        ({"on_hand": "-3"}, "on_hand : stock négatif : « -3 »"),
        ({"on_hand": "2,5"}, "on_hand : stock invalide : « 2,5 » (un nombre entier, ex. 12)"),
        ({"on_demand": "peut-être"}, "on_demand : valeur invalide : « peut-être » (1 pour oui, 0 pour non, "
                                     "ou vide)"),
        ({"tax_category": "7"}, "tax_category : taux de TVA inconnu : « 7 » (0, 5,5, 10 ou 20, ou vide pour "
                                "le taux de la catégorie)"),
        ({"name": ""}, "name : nom du produit manquant"),
        ({"name": "x" * 151}, "name : texte trop long (150 caractères au plus)"),
    ],
)
def test_it_names_the_line_and_column_of_each_bad_cell_and_changes_nothing(enterprise, existing, values,
                                                                          expected):
    good = row(sku="C1", price="9.99", on_hand="99")
    data = ofn_csv(good, row(sku="NEW", display_name="Nouvelle", **values))

    assert problems(enterprise, data) == ["ligne 3, colonne " + expected]
    assert_nothing_changed(existing)


def test_it_refuses_a_producer_that_did_not_grant_product_management(enterprise, existing):
    hub = HubFactory(name="Épicerie du Marché")
    RelationshipFactory(grantor=enterprise, grantee=hub, add_to_cycles=True, manage_products=False,
                        status=Relationship.Status.ACCEPTED)
    EnterpriseFactory(name="Ferme Voisine")

    found = problems(hub, ofn_csv(row(), row(producer="Ferme Voisine", display_name="Sachet")))

    message = "vous ne pouvez pas gérer les produits de « %s » (il faut son autorisation « gérer mes "
    message += "produits »)"
    assert found == [
        "ligne 2, colonne producer : " + message % "Ferme des Collines",
        "ligne 3, colonne producer : " + message % "Ferme Voisine",
    ]
    assert_nothing_changed(existing)


def test_it_refuses_a_requested_but_not_accepted_relationship(enterprise):
    hub = HubFactory()
    RelationshipFactory(grantor=enterprise, grantee=hub, manage_products=True,
                        status=Relationship.Status.REQUESTED)

    assert problems(hub, ofn_csv(row()))[0].startswith("ligne 2, colonne producer : vous ne pouvez pas gérer")


def test_it_asks_a_hub_for_the_producer_when_the_cell_is_empty(db):
    hub = HubFactory()

    assert problems(hub, ofn_csv(row(producer=""))) == [
        "ligne 2, colonne producer : producteur manquant : indiquez le nom du producteur"
    ]


@pytest.mark.parametrize("missing", ["name", "category", "units", "price"])
def test_it_names_a_missing_required_column(enterprise, missing):
    columns = [c for c in OFN_COLUMNS if c != missing]

    assert problems(enterprise, ofn_csv(row(), columns=columns)) == [
        f"ligne 1, colonne {missing} : colonne obligatoire absente"
    ]


def test_it_names_a_missing_column_in_french_for_the_native_format(enterprise):
    data = "produit;catégorie;quantité;unité\nCarottes;Légumes;1;kg\n".encode()

    assert problems(enterprise, data) == ["ligne 1, colonne prix : colonne obligatoire absente"]


def test_it_flags_a_row_that_repeats_another(enterprise, existing):
    data = ofn_csv(
        row(sku="A", display_name="Botte"),
        row(sku="B", display_name="Sachet", units="500", unit_type="g"),
        row(sku="A", display_name="Autre"),
        row(sku="", display_name="sachet", units="500", unit_type="g"),
    )

    assert problems(enterprise, data) == [
        "ligne 4, colonne sku : ligne en double : même SKU que la ligne 2",
        "ligne 5, colonne name : ligne en double : même produit, variante et quantité que la ligne 3",
    ]
    assert_nothing_changed(existing)


def test_it_flags_rows_of_one_product_with_different_categories(enterprise):
    data = ofn_csv(row(display_name="Botte"), row(display_name="Sachet", category="Légumes"))

    assert problems(enterprise, data) == [
        "ligne 3, colonne category : catégorie différente de celle de la ligne 2 pour le même produit"
    ]


def test_it_lists_every_problem_of_every_row(enterprise):
    data = ofn_csv(row(price="x", on_hand="-1"), row(display_name="b"), row(display_name="c", category="?"))

    assert problems(enterprise, data) == [
        "ligne 2, colonne price : prix invalide : « x » (ex. 3,50)",
        "ligne 2, colonne on_hand : stock négatif : « -1 »",
        "ligne 4, colonne category : catégorie inconnue : « ? »",
    ]


def test_it_rejects_ten_thousand_rows_with_one_bad_row_naming_it_and_changing_nothing(enterprise, existing):
    rows = [row(sku=f"S{i}", display_name=f"Lot {i}", price="2.50", on_hand=str(i)) for i in range(10_000)]
    rows[7_311] = row(sku="S7311", display_name="Lot 7311", price="2.50", unit_type="kilo-ish")
    rows[0] = row(sku="C1", display_name="Botte", price="9.99")  # would update the existing variant

    found = problems(enterprise, ofn_csv(*rows))

    assert found == ["ligne 7313, colonne unit_type : unité inconnue : « kilo-ish » (g, kg, ml, cl, dl, l, "
                     "ou vide pour des pièces avec leur nom dans variant_unit_name)"]
    assert_nothing_changed(existing)


def test_it_refuses_two_rows_that_would_update_the_same_existing_variant(enterprise, existing):
    data = ofn_csv(row(sku="C1", display_name="Grosse botte", price="3.00"),  # the SKU matches
                   row(sku="", display_name="Botte", price="4.00"))  # product, variant and size match

    assert problems(enterprise, data) == [
        "ligne 3, colonne name : la ligne 2 modifie déjà la même variante existante"
    ]
    assert_nothing_changed(existing)


def test_it_refuses_products_for_a_structure_that_is_not_a_producer(db):
    hub = HubFactory(name="Épicerie du Marché")

    assert problems(hub, ofn_csv(row(producer="Épicerie du Marché"))) == [
        "ligne 2, colonne producer : « Épicerie du Marché » n'est pas un producteur"
    ]
