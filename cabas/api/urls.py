"""The REST API, version 1, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs)."""

from ninja import NinjaAPI

from cabas.api import errors
from cabas.api.routers import enterprises, me, payments, products, shops

DESCRIPTION = """API publique de Cabas, la plateforme coopérative des circuits courts.

**Authentification** : les lectures de l'annuaire sont publiques. Les autres points d'accès
demandent un jeton personnel, créé sur la page « Mon profil » et envoyé dans l'en-tête
`Authorization: Bearer <jeton>`. Un navigateur connecté au site peut aussi lire `/me`.

**Erreurs** : un corps JSON `{"detail": "..."}` en français ; les paramètres invalides donnent
une réponse 422 avec la liste `errors` (champ et message).
"""

# The docs page (/api/v1/docs) is ninja's Swagger UI served from its bundled static files; its
# configuration sits in a JSON data block read by swagger-ui-init.js, and Swagger UI sets styles
# through the DOM (not style="" attributes), so it runs under the site's strict CSP unchanged
# (checked in Chromium: no violation) and needs no csp_update exemption.
api = NinjaAPI(
    title="Cabas API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-1.0.0",
)
errors.register(api)
api.add_router("", me.router)
api.add_router("", enterprises.router)
api.add_router("", products.router)
# Before shops: /orders/{number}/payments would otherwise match /orders/{seller}/{number}.
api.add_router("", payments.router)
api.add_router("", shops.router)
