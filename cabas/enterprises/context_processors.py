"""Template context every page gets from enterprises."""

from django.utils.functional import SimpleLazyObject

from cabas.enterprises.selectors import is_member


def membership(request) -> dict:
    """`is_member`: whether the logged-in user holds a role somewhere. No query on a back-office
    page (its role is already loaded), else one, and only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_member": False}
    if getattr(request, "role", None) is not None:  # set by enterprises.access for /manage/<slug>/
        return {"is_member": True}
    return {"is_member": SimpleLazyObject(lambda: is_member(user))}
