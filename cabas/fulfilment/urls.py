"""URLs of fulfilment; the root URLconf mounts `manage_urlpatterns` under /manage/ with the namespace
"fulfilment": the reports (/manage/<slug>/reports/...) and the producer's deliveries."""

from django.urls import path

from cabas.fulfilment import views_producer, views_reports

manage_urlpatterns: list = [
    path("<slug:slug>/reports/", views_reports.reports, name="reports"),
    path("<slug:slug>/reports/<str:name>/", views_reports.report, name="report"),
    path("<slug:slug>/deliveries/", views_producer.deliveries, name="deliveries"),
]
