from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabas.lib.money import (
    format_eur,
    format_percent,
    round_money,
    split_vat,
    to_decimal,
    ttc_from_ht,
    unit_price,
)

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2, allow_nan=False)
rates = st.sampled_from([Decimal("0"), Decimal("5.5"), Decimal("10"), Decimal("20")])


@given(amounts, rates)
def test_it_splits_a_price_into_amount_and_vat_that_add_up_to_the_cent(ttc, rate):
    ht, vat = split_vat(ttc, rate)

    assert ht + vat == ttc
    assert ht == round_money(ht) and vat == round_money(vat)
    assert vat >= 0 and ht <= ttc


@given(amounts, rates)
def test_it_finds_the_price_back_from_the_amount_excluding_vat_within_a_cent(ttc, rate):
    ht, _vat = split_vat(ttc, rate)

    assert abs(ttc_from_ht(ht, rate) - ttc) <= Decimal("0.01")


@given(st.lists(st.tuples(amounts, rates), max_size=30))
def test_it_keeps_totals_equal_to_the_sum_of_the_lines(lines):
    splits = [split_vat(ttc, rate) for ttc, rate in lines]

    assert sum((ht for ht, _ in splits), Decimal(0)) + sum((vat for _, vat in splits), Decimal(0)) == sum(
        (ttc for ttc, _ in lines), Decimal(0)
    )


def test_it_rounds_half_up_like_a_french_till():
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")
    assert split_vat(Decimal("10.00"), Decimal("5.5")) == (Decimal("9.48"), Decimal("0.52"))


@pytest.mark.parametrize(
    "text, expected",
    [("12,50", "12.50"), ("12.5", "12.5"), (" 3 ", "3"), ("1 234,5 €", "1234.5"), ("0", "0")],
)
def test_it_reads_amounts_typed_the_french_way(text, expected):
    assert to_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("bad", ["", "abc", "1,2,3", "NaN", "Infinity", 1.5, None])
def test_it_refuses_what_is_not_an_amount(bad):
    with pytest.raises(ValueError):
        to_decimal(bad)


def test_it_prices_per_reference_unit():
    assert unit_price(Decimal("3.20"), Decimal("0.5")) == Decimal("6.40")
    assert unit_price(Decimal("4.00"), Decimal("0.75")) == Decimal("5.33")
    with pytest.raises(ValueError):
        unit_price(Decimal("1"), Decimal("0"))


@pytest.mark.parametrize(
    "value, text",
    [
        ("0", "0,00\u00a0€"),
        ("3.2", "3,20\u00a0€"),
        ("1234.5", "1\u202f234,50\u00a0€"),
        ("-12", "-12,00\u00a0€"),
        ("1000000", "1\u202f000\u202f000,00\u00a0€"),
    ],
)
def test_it_formats_amounts_in_french(value, text):
    assert format_eur(Decimal(value)) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("0", "€0.00"),
        ("3.2", "€3.20"),
        ("1234.5", "€1,234.50"),
        ("-3", "-€3.00"),
        ("1000000", "€1,000,000.00"),
    ],
)
def test_it_formats_amounts_in_english(value, text):
    assert format_eur(Decimal(value), language="en") == text
    assert format_eur(Decimal(value), language="en-gb") == text


def test_it_formats_amounts_in_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        assert format_eur(Decimal("1234.5")) == "€1,234.50"
        assert format_eur(Decimal("1234.5"), symbol=False) == "1,234.50"
        assert format_eur(Decimal("1234.5"), language="fr") == "1\u202f234,50\u00a0€"
    with translation.override("fr"):
        assert format_eur(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
        assert format_eur(Decimal("-1234.5"), symbol=False) == "-1\u202f234,50"


def test_it_keeps_the_third_decimal_of_an_exact_rate():
    assert format_eur(Decimal("0.405"), exact=True, language="fr") == "0,405\u00a0€"
    assert format_eur(Decimal("0.405"), exact=True, language="en") == "€0.405"
    assert format_eur(Decimal("0.4"), exact=True, language="en") == "€0.40"
    assert format_eur(Decimal("0.405"), language="en") == "€0.41"


@pytest.mark.parametrize(
    "value, french, english",
    [("12.5", "12,5\u00a0%", "12.5%"), ("5.50", "5,5\u00a0%", "5.5%"), ("20", "20\u00a0%", "20%")],
)
def test_it_formats_percentages_in_each_language(value, french, english):
    assert format_percent(Decimal(value), language="fr") == french
    assert format_percent(Decimal(value), language="en") == english
