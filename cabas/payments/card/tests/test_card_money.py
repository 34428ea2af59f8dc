"""Amounts sent to Stripe are the order's, to the cent."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cabas.payments.card.stripe_client import from_cents, to_cents

cents = st.integers(min_value=0, max_value=10**11)
amounts = cents.map(lambda c: Decimal(c) / 100)


@given(cents)
def test_cents_and_euros_convert_both_ways_exactly(value):
    assert to_cents(from_cents(value)) == value
    assert from_cents(value) == Decimal(value) / 100


@given(st.lists(amounts, min_size=1, max_size=20))
def test_the_cents_of_a_sum_are_the_sum_of_the_cents(parts):
    assert to_cents(sum(parts)) == sum(to_cents(p) for p in parts)


def test_half_cents_round_half_up_like_the_project():
    assert to_cents(Decimal("0.005")) == 1 and to_cents(Decimal("12.344")) == 1234
