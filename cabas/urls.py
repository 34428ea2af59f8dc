from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cabas.api.urls import api
from cabas.core import views as core_views
from cabas.enterprises import views_team

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cabas.accounts.urls")),
    path("api/v1/", api.urls),
    path("manage/", include("cabas.enterprises.urls_manage")),
    path("manage/", include("cabas.catalogue.urls_manage")),
    path("manage/", include("cabas.cycles.urls_manage")),
    path("cycles/", include("cabas.orders.urls_money")),
    path("manage/", include("cabas.orders.urls_manage")),
    path("", include("cabas.payments.urls")),  # /manage/... and /payments/...
    path("manage/", include("cabas.solidarity.urls")),
    path("invitations/<str:token>/", views_team.invitation, name="invitation"),
    # Shops (/<slug>/shop/...), orders and "my orders": before the public catch-all /<slug>/.
    path("", include("cabas.orders.urls_shop")),
]
if settings.SERVE_MEDIA or settings.TESTING:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
# Last: the public pages end with the catch-all /<slug>/ enterprise page.
urlpatterns.append(path("", include("cabas.enterprises.urls_public")))
