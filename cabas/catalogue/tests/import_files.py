"""Product-list files for the import and export tests."""

import csv
import io

from cabas.catalogue.imports import OFN_COLUMNS

DEFAULTS = {
    "producer": "Ferme des Collines", "sku": "", "name": "Carottes", "display_name": "Botte",
    "category": "Légumes racines", "description": "", "units": "1", "unit_type": "kg",
    "variant_unit_name": "", "price": "2.50", "on_hand": "10", "available_on": "", "on_demand": "0",
    "shipping_category": "", "tax_category": "",
}


def row(**values) -> dict:
    return {**DEFAULTS, **values}


def ofn_text(*rows: dict, delimiter=",", columns=OFN_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    return out.getvalue()


def ofn_csv(*rows: dict, delimiter=",", columns=OFN_COLUMNS, encoding="utf-8") -> bytes:
    return ofn_text(*rows, delimiter=delimiter, columns=columns).encode(encoding)


def xlsx(*lines: list) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
