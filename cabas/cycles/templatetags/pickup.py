"""`{% load pickup %}`: « quand et où » of a pickup or delivery (see `cabas.cycles.pickup`)."""

from django import template

from cabas.cycles import pickup

register = template.Library()


@register.filter
def pickup_when(pickup_at, method=None) -> str:
    """`{{ pickup_at|pickup_when:method }}`: the cycle's date and time, else the method's default."""
    return pickup.pickup_when(pickup_at, method)


@register.filter
def method_hours(method, pickup_at=None) -> str:
    """`{{ method|method_hours:pickup_at }}`: the method's hours when they fit the cycle's date."""
    return pickup.method_hours(method, pickup_at)


@register.filter
def pickup_where(method) -> str:
    """`{{ method|pickup_where }}`: a pickup point's address."""
    return pickup.pickup_where(method)
