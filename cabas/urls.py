from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cabas.amap import urls as amap_urls
from cabas.api.urls import api
from cabas.catalogue import urls as catalogue_urls
from cabas.core import views as core_views
from cabas.cycles import urls as cycles_urls
from cabas.enterprises import urls as enterprises_urls
from cabas.fulfilment import urls as fulfilment_urls
from cabas.orders import urls as orders_urls
from cabas.solidarity import urls as solidarity_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cabas.accounts.urls")),
    path("api/v1/", api.urls),
    path("manage/", include((enterprises_urls.manage_urlpatterns, "manage"))),
    path("manage/", include((catalogue_urls.manage_urlpatterns, "catalogue"))),
    path("manage/", include((cycles_urls.manage_urlpatterns, "cycles"))),
    path("cycles/", include((orders_urls.money_urlpatterns, "cycles_public"))),
    path("manage/", include((orders_urls.manage_urlpatterns, "orders"))),
    path("", include("cabas.payments.urls")),  # /manage/... and /payments/...
    path("manage/", include((solidarity_urls.manage_urlpatterns, "solidarity"))),
    path("manage/", include((fulfilment_urls.manage_urlpatterns, "fulfilment"))),
    path("manage/", include((amap_urls.manage_urlpatterns, "amap"))),
    path("", include(enterprises_urls.invitation_urlpatterns)),
    path("", include((amap_urls.member_urlpatterns, "amap_member"))),
    # Shops (/<slug>/shop/...), orders and "my orders": before the public catch-all /<slug>/.
    path("", include((orders_urls.shop_urlpatterns, "shop"))),
]
if settings.SERVE_MEDIA or settings.TESTING:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
# Last: the public pages end with the catch-all /<slug>/ enterprise page.
urlpatterns.append(path("", include((enterprises_urls.public_urlpatterns, "public"))))
