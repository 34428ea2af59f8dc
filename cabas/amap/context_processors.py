"""Template context every page gets from the AMAP app."""

from django.utils.functional import SimpleLazyObject

from cabas.orders.models import Customer


def _is_amap_member(user) -> bool:
    return Customer.objects.filter(user=user, enterprise__model="amap").exists()


def amap_member(request) -> dict:
    """`amap_member`: whether the logged-in person is a member of an AMAP (the « Mon AMAP » link).
    Not on back-office pages; elsewhere one query, and only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "role", None) is not None:
        return {"amap_member": False}
    return {"amap_member": SimpleLazyObject(lambda: _is_amap_member(user))}
