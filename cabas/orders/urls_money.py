"""The public « Où va votre argent » page of a cycle (namespace "cycles_public", its URLs being
under /cycles/), mounted before the public catch-all."""

from django.urls import path

from cabas.orders import views_money

app_name = "cycles_public"
urlpatterns = [
    path("<uuid:uuid>/ou-va-votre-argent/", views_money.cycle_money_page, name="money"),
]
