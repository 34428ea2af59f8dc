from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabas.lib.units import (
    UNITS,
    Measure,
    UnitError,
    format_number,
    parse_quantity,
    parse_unit,
    reference_quantity,
)

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3, allow_nan=False)


@pytest.mark.parametrize(
    "quantity, unit, name, text",
    [
        ("500", "g", "", "500 g"),
        ("1.5", "kg", "", "1,5 kg"),
        ("0.25", "kg", "", "0,25 kg"),
        ("75", "cl", "", "75 cl"),
        ("1", "l", "", "1 L"),
        ("330", "ml", "", "330 ml"),
        ("6", "item", "œufs", "6 œufs"),
        ("1", "item", "botte", "1 botte"),
        ("1", "item", "", "1 pièce"),
        ("3", "item", "", "3 pièces"),
    ],
)
def test_it_displays_units_as_a_french_shopper_reads_them(quantity, unit, name, text):
    assert Measure(Decimal(quantity), unit, name).display() == text


@pytest.mark.parametrize(
    "quantity, unit, reference",
    [("500", "g", "0.5"), ("1.5", "kg", "1.5"), ("75", "cl", "0.75"), ("2", "dl", "0.2"), ("6", "item", "6")],
)
def test_it_converts_to_the_reference_unit(quantity, unit, reference):
    assert reference_quantity(Decimal(quantity), unit) == Decimal(reference)


@given(quantities, st.sampled_from(sorted(UNITS)))
def test_it_reads_back_the_quantity_it_displays(quantity, unit):
    shown = Measure(quantity, unit).display().split(" ")[0]

    assert parse_quantity(shown) == quantity


@given(quantities, st.sampled_from(["g", "kg"]), st.sampled_from(["g", "kg"]))
def test_it_keeps_the_same_weight_whatever_the_unit(quantity, unit_a, unit_b):
    grams = reference_quantity(quantity, unit_a) * 1000
    in_b = grams / UNITS[unit_b][1]

    assert reference_quantity(in_b, unit_b) == reference_quantity(quantity, unit_a)


@pytest.mark.parametrize("text, unit", [("KG", "kg"), (" l ", "l"), ("L", "l"), ("", "item"), ("litre", "l")])
def test_it_understands_unit_spellings(text, unit):
    assert parse_unit(text) == unit


@pytest.mark.parametrize("bad", ["lb", "oz", "kilos de", "m"])
def test_it_refuses_unknown_units(bad):
    with pytest.raises(UnitError):
        parse_unit(bad)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "", "NaN", "inf"])
def test_it_refuses_quantities_that_are_not_positive_numbers(bad):
    with pytest.raises(UnitError):
        parse_quantity(bad)


def test_it_writes_decimals_with_a_comma():
    assert format_number(Decimal("1.50")) == "1,5"
    assert format_number(Decimal("500.000")) == "500"


def test_it_writes_decimals_with_a_point_in_english():
    from django.utils import translation

    assert format_number(Decimal("1.50"), language="en") == "1.5"
    with translation.override("en"):
        assert format_number(Decimal("0.250")) == "0.25"
        assert format_number(Decimal("500.000")) == "500"
