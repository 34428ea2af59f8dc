"""URLs of solidarity; the root URLconf mounts each list with its namespace.

- `manage_urlpatterns` (namespace "solidarity", under /manage/): the solidarity fund, its report
  and the solidarity prices.
"""

from django.urls import path

from cabas.solidarity import views

manage_urlpatterns = [
    path("<slug:slug>/solidarity/", views.fund, name="fund"),
    path("<slug:slug>/solidarity/report/", views.report, name="report"),
    path("<slug:slug>/solidarity/report.csv", views.report_csv, name="report_csv"),
    path("<slug:slug>/solidarity/prices/", views.price_list, name="prices"),
    path("<slug:slug>/solidarity/prices/new/", views.price_new, name="price_new"),
    path("<slug:slug>/solidarity/prices/<uuid:price>/", views.price_edit, name="price_edit"),
    path("<slug:slug>/solidarity/prices/<uuid:price>/delete/", views.price_delete, name="price_delete"),
]
