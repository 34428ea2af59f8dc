"""URLs of fulfilment; the root URLconf mounts `manage_urlpatterns` under /manage/ with the namespace
"fulfilment": the reports (/manage/<slug>/reports/...)."""

from django.urls import path

from cabas.fulfilment import views_reports

manage_urlpatterns: list = [
    path("<slug:slug>/reports/", views_reports.reports, name="reports"),
    path("<slug:slug>/reports/<str:name>/", views_reports.report, name="report"),
]
