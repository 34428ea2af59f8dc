"""Product-list files for the import and export tests."""

import csv
import io
import re
import zipfile

from cabas.catalogue.import_reading import OFN_COLUMNS

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


def big_xlsx(rows: int) -> bytes:
    """An XLSX sheet of `rows` products in the native columns and no <dimension>, written directly as
    Excel would (shared strings, numbers), because openpyxl takes minutes to write and read that many
    rows of inline text. The products are named by their number."""
    strings = ["produit", "catégorie", "quantité", "prix", "Légumes"]
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    header = "".join(f'<c r="{column}1" t="s"><v>{n}</v></c>' for n, column in enumerate("ABCD"))
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="s"><v>4</v></c>'
        f'<c r="C{n}"><v>1</v></c><c r="D{n}"><v>2.5</v></c></row>'
        for n in range(2, rows + 2)
    )
    files = {
        SHEET: lambda xml: (re.sub(r"<dimension [^>]*/>", "", xml[:xml.index("<sheetData")])
                            + f'<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'),
        "[Content_Types].xml": lambda xml: xml.replace("</Types>", (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace("</Relationships>", (
            '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')),
    }
    data = with_files(xlsx(["produit"]), files)
    return with_files(data, {}, add={"xl/sharedStrings.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>')})


def zip_bomb_xlsx(megabytes: int = 20) -> bytes:
    """A valid XLSX of one product whose sheet is padded with `megabytes` MB of blanks: a few
    kilobytes to upload, huge once decompressed."""
    data = xlsx(["produit", "catégorie", "quantité", "prix"], ["Radis", "Légumes", "1", "2,50"])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename != SHEET:
                target.writestr(member.filename, content)
                continue
            head, tail = content.split(b"</sheetData>")
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head)
                blanks = b" " * 1024 * 1024
                for _ in range(megabytes):
                    sheet.write(blanks)
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()
