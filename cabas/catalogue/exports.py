"""Catalogue export in the Open Food Network product-list format (CSV or XLSX).

The columns and values are those `cabas.catalogue.imports` reads, so that exporting, importing the
file elsewhere and exporting again gives the same file. Numbers use a decimal point (as OFN writes
them); the CSV is UTF-8 without BOM, comma-separated, for other tools; the XLSX is for spreadsheets.
Both are written by `cabas.lib.spreadsheet`: a product named like a formula stays a text.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Q

from cabas.catalogue.import_reading import OFN_COLUMNS
from cabas.catalogue.models import Variant
from cabas.enterprises.models import Enterprise, Relationship
from cabas.lib import spreadsheet


def exported_producers(enterprise: Enterprise) -> list[int]:
    """Ids of the producers whose products `enterprise` manages: itself, and those that granted it
    `manage_products`."""
    granted = Relationship.objects.filter(
        grantee=enterprise, status=Relationship.Status.ACCEPTED, manage_products=True
    ).values("grantor_id")
    return list(
        Enterprise.objects.filter(Q(pk=enterprise.pk) | Q(pk__in=granted), is_producer=True)
        .values_list("pk", flat=True)
    )


def catalogue_rows(enterprise: Enterprise) -> Iterator[list]:
    """The rows of the catalogue (after the OFN_COLUMNS header); values as Python objects (Decimal,
    int, str): prices keep their cents ("2.50"), quantities and tax rates are normalized ("1", "5.5")."""
    variants = (
        Variant.objects.active()
        .filter(product__producer_id__in=exported_producers(enterprise))
        .select_related("product__producer", "product__category", "tax_rate")
        .order_by("product__producer__name", "product__name", "product_id", "position", "id")
    )
    for variant in variants.iterator(chunk_size=2000):
        product = variant.product
        values = {
            "producer": product.producer.name,
            "sku": variant.sku,
            "name": product.name,
            "display_name": variant.name,
            "category": product.category.name,
            "description": product.description,
            "units": Decimal(variant.quantity).normalize(),
            "unit_type": "" if variant.unit == "item" else variant.unit,
            "variant_unit_name": variant.unit_name if variant.unit == "item" else "",
            "price": variant.price,
            "on_hand": variant.on_hand,
            "available_on": "",
            "on_demand": 1 if variant.on_demand else 0,
            "shipping_category": "",
            "tax_category": variant.tax_rate.rate.normalize() if variant.tax_rate else "",
        }
        yield [values[column] for column in OFN_COLUMNS]


def catalogue_csv(enterprise: Enterprise) -> Iterator[str]:
    """The catalogue as CSV lines, one at a time (for a streaming response)."""
    return spreadsheet.csv_lines(OFN_COLUMNS, catalogue_rows(enterprise), dialect=spreadsheet.INTERCHANGE)


def catalogue_xlsx(enterprise: Enterprise) -> bytes:
    """The catalogue as an XLSX workbook (one sheet, numbers as numbers)."""
    return spreadsheet.xlsx_bytes(OFN_COLUMNS, catalogue_rows(enterprise), sheet_title="products")
