"""Product-list files for the import and export tests."""

import csv
import io
import re
import zipfile

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


SHEET = "xl/worksheets/sheet1.xml"


def with_files(data: bytes, changes: dict, add: dict | None = None) -> bytes:
    """The XLSX (zip) file `data` with the members named in `changes` replaced by `change(text)`, and
    the members of `add` added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename in changes:
                content = changes[member.filename](content.decode()).encode()
            target.writestr(member.filename, content)
        for name, text in (add or {}).items():
            target.writestr(name, text.encode())
    return out.getvalue()


def with_sheet_xml(data: bytes, change) -> bytes:
    """The XLSX file `data` with its first sheet's XML replaced by `change(xml)`."""
    return with_files(data, {SHEET: change})


def with_dimension(data: bytes, ref: str | None) -> bytes:
    """The XLSX file with the size its first sheet declares (`<dimension ref="A1:E2"/>`) set to `ref`,
    or without any (None), as some programs write them."""
    dimension = f'<dimension ref="{ref}"/>' if ref else ""
    return with_sheet_xml(data, lambda xml: re.sub(r"<dimension [^>]*/>", dimension, xml))
