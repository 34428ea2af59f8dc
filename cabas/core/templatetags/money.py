"""Money in templates: `{% load money %}` then `{{ amount|eur }}` → "1 234,50 €", and
`{{ rate|vat_rate }}` → "5,5 %", `{{ weight|number }}` → "0,5"."""

from decimal import Decimal

from django import template

from cabas.lib.money import format_eur
from cabas.lib.units import format_number

register = template.Library()


@register.filter
def eur(value) -> str:
    if value in (None, ""):
        return ""
    return format_eur(Decimal(value))


@register.filter
def vat_rate(value) -> str:
    if value in (None, ""):
        return ""
    return f"{format_number(Decimal(value))}\u00a0%"


@register.filter
def number(value) -> str:
    """A quantity the French way, without trailing zeros: 0.500 → "0,5"; "" for None."""
    if value in (None, ""):
        return ""
    return format_number(Decimal(value))
