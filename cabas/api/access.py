"""Who is asking the API and what they may do in an enterprise: the checks the routers share.

Someone with no role in an enterprise gets 404 where a manager is needed (nothing tells an outsider
what exists there), a member below manager 403.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from cabas.api.auth import token_auth
from cabas.enterprises.models import Enterprise
from cabas.enterprises.selectors import MANAGING, enterprise_by_slug, role_in


def optional_user(request):
    """The token's user when a token is sent (a wrong one is refused), else a logged-in browser's."""
    user = token_auth(request)
    if user is not None:
        return user
    return request.user if request.user.is_authenticated else None


def forbidden(enterprise: Enterprise) -> HttpError:
    return HttpError(
        403,
        _("Seuls les responsables et gestionnaires de %(name)s peuvent faire cela.")
        % {"name": enterprise.name},
    )


def enterprise_role(user, slug: str) -> tuple[Enterprise, str | None]:
    """The enterprise `slug` (404 if unknown) and `user`'s role there (None: no role)."""
    enterprise = enterprise_by_slug(slug)
    if enterprise is None:
        raise Http404
    return enterprise, role_in(user, enterprise)


def require_manager(enterprise: Enterprise, role: str | None) -> None:
    """404 without a role there, 403 below manager."""
    if role in MANAGING:
        return
    if role is None:
        raise Http404
    raise forbidden(enterprise)
