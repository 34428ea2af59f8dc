from django.urls import path

from cabas.enterprises import views_public

app_name = "public"
urlpatterns = [
    path("", views_public.home, name="home"),
    path("producers/", views_public.producers, name="producers"),
    path("shops/", views_public.shops, name="shops"),
    path("map/", views_public.map_page, name="map"),
    # Before the catch-all enterprise page below.
    path("map/data.geojson", views_public.map_data, name="map_data"),
    path("networks/<slug:slug>/", views_public.network, name="network"),
    path("<slug:slug>/", views_public.enterprise, name="enterprise"),
]
