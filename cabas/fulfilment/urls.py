"""URLs of fulfilment; the root URLconf mounts `manage_urlpatterns` under /manage/ with the namespace
"fulfilment": the reports (/manage/<slug>/reports/...) and the distribution evening
(/manage/<slug>/distribution/...)."""

from django.urls import path

from cabas.fulfilment import views_distribution

manage_urlpatterns: list = [
    path("<slug:slug>/distribution/", views_distribution.distribution_list, name="distributions"),
    path("<slug:slug>/distribution/<str:day>/", views_distribution.distribution_day, name="distribution"),
    path(
        "<slug:slug>/distribution/<str:day>/<uuid:order>/collected/",
        views_distribution.order_collect,
        name="collect",
    ),
]
