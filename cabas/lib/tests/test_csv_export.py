"""The CSV helpers shared by the exports for a French spreadsheet."""

import datetime
from decimal import Decimal

import pytest

from cabas.lib import csv_export


@pytest.mark.parametrize("value", ["=SUM(A1)", "+33 6", "-5", "@cmd", "\tx", "\rx"])
def test_a_text_cell_is_never_a_formula(value):
    assert csv_export.text(value) == "'" + value


def test_amounts_and_dates_are_written_the_french_way():
    assert csv_export.amount(Decimal("1234.5")) == "1234,50"
    assert csv_export.amount(None) == "0,00"
    assert csv_export.date(datetime.date(2026, 3, 9)) == "09/03/2026"


def test_the_lines_start_with_a_bom_and_use_semicolons():
    lines = list(csv_export.lines(["a", "b"], iter([[1, "x;y"]])))
    assert lines == ["\ufeffa;b\r\n", '1;"x;y"\r\n']
