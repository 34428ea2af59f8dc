"""Money arithmetic (Django-free). Amounts are `Decimal` euros; round once per line, sum exactly.

Prices are stored VAT included (what a consumer pays); amounts excluding VAT and the VAT itself are
derived per line, so that `ht + vat == ttc` holds to the cent on every line and on every total.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def to_decimal(value) -> Decimal:
    """A Decimal from a Decimal, int or str ('12,50', '12.5', ' 3 '); ValueError otherwise.

    Floats are refused: they cannot represent most cent amounts exactly.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool | float):
        raise ValueError("money needs Decimal, int or str, not float")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}")
    else:
        raise ValueError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return result


def round_money(value: Decimal) -> Decimal:
    """Round half up to the cent (the usual French commercial rounding)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split_vat(ttc: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(amount excluding VAT, VAT) of a VAT-included amount; both rounded, and they add up to `ttc`."""
    ttc = round_money(ttc)
    rate = to_decimal(rate_percent)
    ht = round_money(ttc * HUNDRED / (HUNDRED + rate))
    return ht, ttc - ht


def ttc_from_ht(ht: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT-included price of an amount excluding VAT, rounded to the cent."""
    return round_money(to_decimal(ht) * (HUNDRED + to_decimal(rate_percent)) / HUNDRED)


def unit_price(price: Decimal, quantity: Decimal) -> Decimal:
    """Price of one reference unit (kg, L, item) given the price of `quantity` of them, to the cent."""
    quantity = to_decimal(quantity)
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    return round_money(to_decimal(price) / quantity)


def group_thousands(digits: str) -> str:
    """'1234567' -> '1 234 567': thousands separated by a narrow no-break space, as in French."""
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NARROW_NBSP.join(groups)


def format_eur(value: Decimal, *, symbol: bool = True) -> str:
    """French format: 1234.5 -> '1 234,50 €' (narrow no-break space between thousands)."""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    text = sign + group_thousands(whole) + "," + cents
    return text + NBSP + "€" if symbol else text
