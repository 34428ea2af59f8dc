"""The REST API, version 1, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs)."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from cabas.api import errors
from cabas.api.routers import amap, enterprises, me, payments, products, reports, shops

DESCRIPTION = """API publique de Cabas, la plateforme coopérative des circuits courts.

**Authentification** : les lectures de l'annuaire sont publiques. Les autres points d'accès
demandent un jeton personnel, créé sur la page « Mon profil » et envoyé dans l'en-tête
`Authorization: Bearer <jeton>`. Un navigateur connecté au site peut aussi lire `/me`.

**Erreurs** : un corps JSON `{"detail": "..."}` en français ; les paramètres invalides donnent
une réponse 422 avec la liste `errors` (champ et message).
"""


class CabasAPI(NinjaAPI):
    """ninja's API, whose answers outside the operations are JSON too: 404 for a path under
    /api/v1/ that names no operation (Django would answer its HTML page), 405 for a method the
    operation does not have (ninja answers plain text)."""

    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                urls.append(path("", self._not_found, name="api-root"))
                continue
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
            urls.append(pattern)
        urls.append(path("<path:rest>", self._not_found, name="api-not-found"))
        return urls

    def _not_found(self, request, rest=""):
        return self.create_response(request, {"detail": _("Ressource introuvable.")}, status=404)

    def _json_not_allowed(self, view):
        @wraps(view)  # keeps ninja's csrf_exempt mark
        def view_with_json_405(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
                response = self.create_response(
                    request,
                    {"detail": _("Méthode non autorisée : %(methods)s seulement.") % {"methods": allowed}},
                    status=405,
                )
                response["Allow"] = allowed
            return response

        return view_with_json_405


# The docs page (/api/v1/docs) is ninja's Swagger UI served from its bundled static files; its
# configuration sits in a JSON data block read by swagger-ui-init.js, and Swagger UI sets styles
# through the DOM (not style="" attributes), so it runs under the site's strict CSP unchanged
# (checked in Chromium: no violation) and needs no csp_update exemption.
api = CabasAPI(
    title="Cabas API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-1.0.0",
)
errors.register(api)
api.add_router("", me.router)
api.add_router("", enterprises.router)
api.add_router("", reports.router)
api.add_router("", products.router)
# Before shops: /orders/{number}/payments would otherwise match /orders/{seller}/{number}.
api.add_router("", payments.router)
api.add_router("", shops.router)
api.add_router("", amap.router)
