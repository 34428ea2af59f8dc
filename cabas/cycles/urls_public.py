"""Public order-cycle pages (namespace "cycles_public"), mounted under /cycles/ before the public
catch-all."""

from django.urls import path

from cabas.cycles import views_public

app_name = "cycles_public"
urlpatterns = [
    path("<uuid:uuid>/ou-va-votre-argent/", views_public.cycle_money_page, name="money"),
]
