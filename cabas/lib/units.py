"""Units of sale (Django-free): weight, volume or items, their French display and the price per
reference unit (per kg, per L, per item).

A variant is sold as `quantity` of `unit` ("500 g" is quantity 500, unit "g"; "1,5 kg" is 1.5 "kg";
"6 œufs" is 6 "item" named "œufs"). The unit the producer chose is kept for display and export,
so an import followed by an export gives the same file back.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cabas.lib.money import format_decimal

WEIGHT, VOLUME, ITEMS = "weight", "volume", "items"

# unit -> (dimension, size in the dimension's base unit: grams, millilitres, items)
UNITS: dict[str, tuple[str, Decimal]] = {
    "g": (WEIGHT, Decimal(1)),
    "kg": (WEIGHT, Decimal(1000)),
    "ml": (VOLUME, Decimal(1)),
    "cl": (VOLUME, Decimal(10)),
    "dl": (VOLUME, Decimal(100)),
    "l": (VOLUME, Decimal(1000)),
    "item": (ITEMS, Decimal(1)),
}
# The reference unit a price is quoted per: per kg, per litre, per item.
REFERENCE = {WEIGHT: ("kg", Decimal(1000)), VOLUME: ("l", Decimal(1000)), ITEMS: ("item", Decimal(1))}
DISPLAY_SYMBOL = {"g": "g", "kg": "kg", "ml": "ml", "cl": "cl", "dl": "dl", "l": "L"}


class UnitError(ValueError):
    pass


def parse_unit(text: str) -> str:
    """'KG', ' l ', 'L', 'litre' -> the canonical unit code; '' (items) for an empty text."""
    value = (text or "").strip().lower()
    aliases = {"": "item", "litre": "l", "litres": "l", "gramme": "g", "grammes": "g", "kilo": "kg",
               "kilogramme": "kg", "kilogrammes": "kg", "items": "item", "pièce": "item", "piece": "item"}
    value = aliases.get(value, value)
    if value not in UNITS:
        raise UnitError(value)
    return value


def parse_quantity(text) -> Decimal:
    """'1,5' / '1.5' / 1.5 -> Decimal('1.5'); positive and finite, else UnitError."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise UnitError(text)
    if not value.is_finite() or value <= 0:
        raise UnitError(text)
    return value.normalize() if value == value.to_integral() else value


def dimension(unit: str) -> str:
    return UNITS[unit][0]


def base_quantity(quantity: Decimal, unit: str) -> Decimal:
    """The quantity in grams, millilitres or items."""
    return quantity * UNITS[unit][1]


def reference_quantity(quantity: Decimal, unit: str) -> Decimal:
    """The quantity in kg, L or items (what a price per unit is quoted per)."""
    dim = dimension(unit)
    return base_quantity(quantity, unit) / REFERENCE[dim][1]


def format_number(value: Decimal, *, language: str | None = None) -> str:
    """A decimal the reader's way, without trailing zeros: French 1.5 -> '1,5', 0.250 -> '0,25';
    English '1.5', '0.25'; 500 -> '500' in both."""
    value = Decimal(value)
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return format_decimal(text, language=language, grouped=False)


@dataclass(frozen=True)
class Measure:
    quantity: Decimal
    unit: str
    name: str = ""  # for items: "botte", "œufs", "bocal"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise UnitError(self.unit)
        if not (isinstance(self.quantity, Decimal) and self.quantity.is_finite() and self.quantity > 0):
            raise UnitError(self.quantity)

    @property
    def dimension(self) -> str:
        return dimension(self.unit)

    def display(self) -> str:
        """'500 g', '1,5 kg', '75 cl', '1 L', '6 œufs', '1 botte', '3 pièces'."""
        number = format_number(self.quantity)
        if self.unit == "item":
            name = self.name.strip() or ("pièce" if self.quantity == 1 else "pièces")
            return f"{number} {name}"
        return f"{number} {DISPLAY_SYMBOL[self.unit]}"

    def reference_label(self) -> str:
        """What a unit price is quoted per: 'kg', 'L', or the item name ('pièce')."""
        ref = REFERENCE[self.dimension][0]
        if ref == "item":
            name = self.name.strip()
            if self.quantity == 1 and name:
                return name
            return "pièce"
        return DISPLAY_SYMBOL[ref]

    def reference_quantity(self) -> Decimal:
        return reference_quantity(self.quantity, self.unit)
