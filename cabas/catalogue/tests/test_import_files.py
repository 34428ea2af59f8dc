"""Product import: real-world files (encodings, delimiters, decimal commas, Excel) and files that are
not product lists at all."""

from decimal import Decimal

import pytest

from cabas.catalogue import import_reading
from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.imports import product_import
from cabas.catalogue.models import Variant
from cabas.catalogue.tests.import_files import (
    big_xlsx,
    ofn_csv,
    ofn_text,
    row,
    with_dimension,
    with_sheet_xml,
    xlsx,
    zip_bomb_xlsx,
)


def run(enterprise, data, name="produits.csv"):
    return product_import(enterprise=enterprise, name=name, data=data)


def problems(enterprise, data, name="produits.csv"):
    with pytest.raises(ImportRejected) as rejected:
        run(enterprise, data, name)
    return [str(p) for p in rejected.value.problems]


FRENCH = row(name="Œufs de poules élevées en plein air", display_name="Boîte", category="Œufs", units="6",
             unit_type="", variant_unit_name="œufs", description="Ramassés à la main, c'est « frais »")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(lambda text: text.encode("cp1252"), id="windows-1252"),
    ],
)
def test_it_reads_accents_and_oe_in_every_usual_encoding(enterprise, encode):
    summary = run(enterprise, encode(ofn_text(FRENCH)))

    assert summary.created == 1
    variant = Variant.objects.get()
    assert variant.product.name == "Œufs de poules élevées en plein air"
    assert variant.product.description == "Ramassés à la main, c'est « frais »"
    assert variant.measure.display() == "6 œufs"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_finds_the_delimiter(enterprise, delimiter):
    data = ofn_csv(row(display_name="Botte"), row(display_name="Sachet"), delimiter=delimiter)

    assert run(enterprise, data).created == 2


def test_it_reads_decimal_commas_in_a_semicolon_file_from_french_excel(enterprise):
    data = ofn_csv(row(units="1,5", price="3,75", tax_category="5,5"), delimiter=";", encoding="cp1252")

    run(enterprise, data)

    variant = Variant.objects.get()
    assert (variant.measure.display(), str(variant.price), variant.tax_rate.display()) == ("1,5 kg", "3.75",
                                                                                          "5,5\u00a0%")


def test_it_counts_lines_as_a_spreadsheet_does_with_a_newline_inside_a_quoted_cell(enterprise):
    data = ofn_csv(row(description="Première ligne\nseconde ligne"), row(display_name="Sachet", price="abc"))

    assert problems(enterprise, data) == ["ligne 3, colonne price : prix invalide : « abc » (ex. 3,50)"]
    data = ofn_csv(row(description="Première ligne\nseconde ligne"), row(display_name="Sachet"))
    run(enterprise, data)
    assert Variant.objects.first().product.description == "Première ligne\nseconde ligne"


def test_it_ignores_blank_trailing_lines_and_empty_separator_lines(enterprise):
    data = ofn_csv(row(display_name="Botte"), row(display_name="Sachet")) + b"\r\n\r\n,,,,,,,,,,,,,,\r\n\r\n"

    assert run(enterprise, data).created == 2


def test_it_ignores_unknown_columns_and_reads_headers_whatever_their_case(enterprise):
    text = "Producer,NAME,Category,Units,Unit_Type,Price,Notes\nFerme des Collines,Radis,Légumes,1,,1.50,x\n"

    assert run(enterprise, text.encode()).created == 1


def test_it_reads_an_xlsx_file_and_counts_its_lines_with_blank_rows(enterprise):
    header = ["producer", "name", "category", "units", "unit_type", "price"]
    data = xlsx(header, ["Ferme des Collines", "Radis", "Légumes", 1, None, 1.5], [None] * 6,
                ["Ferme des Collines", "Navets", "Légumes", 1, "kg", "cher"])

    assert problems(enterprise, data, "liste.XLSX") == [
        "ligne 4, colonne price : prix invalide : « cher » (ex. 3,50)"
    ]


def five_rows_xlsx() -> bytes:
    header = ["producer", "name", "category", "units", "unit_type", "price"]
    return xlsx(header, *[["Ferme des Collines", f"Radis {n}", "Légumes", 1, "kg", 1.5] for n in range(5)])


@pytest.mark.parametrize("dimension", [pytest.param("A1:E2", id="stale"), pytest.param(None, id="none")])
def test_it_reads_every_row_and_column_of_an_xlsx_whatever_size_it_declares(enterprise, dimension):
    data = with_dimension(five_rows_xlsx(), dimension)

    summary = run(enterprise, data, "liste.xlsx")

    assert (summary.rows, summary.created) == (5, 5)
    assert sorted(Variant.objects.values_list("price", flat=True)) == [Decimal("1.50")] * 5


def test_it_refuses_rows_beyond_the_limit_and_names_it(enterprise):
    data = ofn_csv(*[row(sku=f"S{n}", display_name=f"Lot {n}") for n in range(20_001)])

    assert problems(enterprise, data) == [
        "Le fichier contient plus de 20\xa0000 lignes de produits : découpez-le en fichiers de 20\xa0000 "
        "lignes au plus."
    ]
    assert not Variant.objects.exists()


def test_it_stops_reading_an_xlsx_at_the_limit(enterprise, settings):
    settings.PRODUCT_IMPORT_MAX_ROWS = 100
    assert run(enterprise, big_xlsx(100), "liste.xlsx").created == 100

    assert problems(enterprise, big_xlsx(101), "liste.xlsx") == [
        "Le fichier contient plus de 100 lignes de produits : découpez-le en fichiers de 100 lignes au plus."
    ]


def test_it_refuses_an_xlsx_that_would_be_huge_once_decompressed(enterprise):
    data = zip_bomb_xlsx()

    assert len(data) < 100_000
    assert problems(enterprise, data, "bombe.xlsx") == [
        "Ce fichier XLSX est anormalement gros une fois décompressé : ouvrez-le dans votre tableur, "
        "enregistrez-le à nouveau, ou découpez-le en plusieurs fichiers."
    ]


def test_it_refuses_an_xlsx_larger_than_the_limit_once_decompressed(enterprise, settings):
    notes = "".join(str(n) for n in range(250_000))  # 1.3 MB that compress only a few times
    end = "</sheetData>"
    data = with_sheet_xml(five_rows_xlsx(), lambda xml: xml.replace(end, f"<!--{notes}-->{end}"))
    assert run(enterprise, data, "liste.xlsx").created == 5
    settings.PRODUCT_IMPORT_MAX_UNZIPPED_MB = 1

    assert problems(enterprise, data, "liste.xlsx") == [
        "Ce fichier XLSX est anormalement gros une fois décompressé : ouvrez-le dans votre tableur, "
        "enregistrez-le à nouveau, ou découpez-le en plusieurs fichiers."
    ]


def test_it_refuses_an_xlsx_with_a_row_number_no_spreadsheet_has(enterprise, monkeypatch):
    monkeypatch.setattr(import_reading, "SHEET_MAX_ROWS", 1000)
    data = with_sheet_xml(five_rows_xlsx(), lambda xml: xml.replace(
        "</sheetData>", '<row r="2000000000"><c r="A2000000000"><v>1</v></c></row></sheetData>'))

    assert problems(enterprise, data, "liste.xlsx") == [
        "Ce fichier XLSX est illisible : ouvrez-le dans votre tableur et enregistrez-le à nouveau."
    ]


NEITHER = "Ce fichier n'est ni un CSV ni un XLSX : choisissez un fichier .csv ou .xlsx."


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("vide.csv", b"", "Le fichier est vide."),
        ("vide.csv", b"\r\n \r\n", "Le fichier est vide."),
        ("entete.csv", ofn_csv(), "Le fichier ne contient aucun produit : seule la ligne d'en-tête est "
                                  "remplie."),
        ("photo.jpg", b"\xff\xd8\xff\xe0", NEITHER),
        ("produits", b"producer,name", NEITHER),
        ("ancien.xls", b"\xd0\xcf\x11\xe0", "Le format .xls n'est pas pris en charge : enregistrez le "
                                            "fichier en .xlsx ou en .csv."),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Ce fichier n'est pas un fichier CSV (texte)."),
        ("faux.xlsx", b"producer,name\n", "Ce fichier XLSX est illisible : ouvrez-le dans votre tableur et "
                                          "enregistrez-le à nouveau."),
        ("lettre.csv", b"Bonjour,\nvoici mes produits.\n",
         "ligne 1, colonne name : colonne obligatoire absente"),
    ],
)
def test_it_rejects_files_that_are_not_product_lists(enterprise, name, data, expected):
    assert problems(enterprise, data, name)[0] == expected
    assert not Variant.objects.exists()
