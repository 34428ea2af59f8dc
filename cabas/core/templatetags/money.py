"""Money in templates, written the active language's way: `{% load money %}` then `{{ amount|eur }}`
→ "1 234,50 €" ("€1,234.50" in English), `{{ rate|vat_rate }}` → "5,5 %" ("5.5%"),
`{{ weight|number }}` → "0,5" ("0.5")."""

from decimal import Decimal

from django import template

from cabas.lib.money import format_eur, format_percent
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
    return format_percent(Decimal(value))


@register.filter
def number(value) -> str:
    """A quantity without trailing zeros: 0.500 → "0,5" ("0.5" in English); "" for None."""
    if value in (None, ""):
        return ""
    return format_number(Decimal(value))


@register.filter
def percent(value) -> str:
    """A percentage: 45 → "45 %" ("45%" in English); "" for None."""
    if value in (None, ""):
        return ""
    return format_percent(Decimal(value))
