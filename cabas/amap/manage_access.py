"""The AMAP back-office pages exist only for an enterprise that works as an AMAP: the others get 404,
as for a page that does not exist."""

from functools import wraps

from django.http import Http404

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import ModelPreset


def is_amap(enterprise) -> bool:
    return enterprise.model == ModelPreset.AMAP


def amap_view(min_role: str):
    """`@manage_view(min_role)`, then 404 unless the enterprise is an AMAP."""

    def decorator(view):
        @wraps(view)
        def inner(request, enterprise, *args, **kwargs):
            if not is_amap(enterprise):
                raise Http404
            return view(request, enterprise, *args, **kwargs)

        return manage_view(min_role)(inner)

    return decorator
