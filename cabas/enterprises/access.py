"""The one way a back-office view loads its enterprise (tenant isolation).

Outsiders get 404 (they must not learn the enterprise exists in the back-office); members whose
role is too low get 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from cabas.enterprises.models import Enterprise, Role


def enterprise_for_member(request, slug: str, min_role: str = Role.Level.VOLUNTEER) -> Enterprise:
    if not request.user.is_authenticated:
        raise Http404
    enterprise = get_object_or_404(Enterprise, slug=slug)
    role = Role.objects.filter(user=request.user, enterprise=enterprise).first()
    if role is None:
        raise Http404
    if not role.at_least(min_role):
        raise PermissionDenied
    request.role = role
    enterprise.current_role = role
    return enterprise


def manage_view(min_role: str = Role.Level.VOLUNTEER):
    """Decorate a `/manage/<slug>/...` view: login required, then `enterprise_for_member`.

    The view receives the enterprise instead of the slug.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            enterprise = enterprise_for_member(request, slug, min_role=min_role)
            return view(request, enterprise, *args, **kwargs)

        wrapper.min_role = min_role
        return wrapper

    return decorator
