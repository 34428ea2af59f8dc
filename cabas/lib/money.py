"""Money arithmetic (Django-free). Amounts are `Decimal` euros; round once per line, sum exactly.

Amounts and percentages are written the reader's way (`format_eur`, `format_percent`): French
« 1 234,50 € » and « 12,5 % », English « €1,234.50 » and « 12.5% ». The reader's language is the
active Django language when Django is there, French otherwise.

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


def reader_language(language: str | None = None) -> str:
    """'en' or 'fr': `language` if given, else the active Django language (French by default)."""
    if language is None:
        try:
            from django.conf import settings
            from django.utils.translation import get_language
        except ImportError:
            return "fr"
        language = (get_language() if settings.configured else None) or "fr"
    return "en" if language.lower().startswith("en") else "fr"


def group_thousands(digits: str, separator: str = NARROW_NBSP) -> str:
    """'1234567' -> '1 234 567': thousands separated by a narrow no-break space, as in French."""
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def format_decimal(text: str, *, language: str | None = None, grouped: bool = True) -> str:
    """A plain decimal text ('-1234.5') written the reader's way: '-1 234,5' or '-1,234.5'."""
    english = reader_language(language) == "en"
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, decimals = text.partition(".")
    if grouped:
        whole = group_thousands(whole, "," if english else NARROW_NBSP)
    point = "." if english else ","
    return sign + whole + (point + decimals if decimals else "")


def format_eur(
    value: Decimal, *, symbol: bool = True, language: str | None = None, exact: bool = False
) -> str:
    """The amount the reader's way: French '1 234,50 €' (narrow no-break space between thousands),
    English '€1,234.50'; negative '-3,00 €' and '-€3.00'. Rounded to the cent unless `exact`
    (a rate per kilo of '0,405 €' keeps its third decimal)."""
    amount = to_decimal(value) if exact else round_money(value)
    english = reader_language(language) == "en"
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):.2f}" if amount == round_money(amount) else f"{abs(amount).normalize():f}"
    text = format_decimal(digits, language=language)
    if not symbol:
        return sign + text
    return sign + "€" + text if english else sign + text + NBSP + "€"


def format_percent(value: Decimal, *, language: str | None = None) -> str:
    """A percentage without trailing zeros, the reader's way: French '12,5 %', English '12.5%'."""
    value = to_decimal(value)
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    text = format_decimal(text, language=language, grouped=False)
    return text + "%" if reader_language(language) == "en" else text + NBSP + "%"
