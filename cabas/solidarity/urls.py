"""Back-office URLs of solidarity, mounted under /manage/ (namespace "solidarity")."""

from django.urls import path

from cabas.solidarity import views

app_name = "solidarity"
urlpatterns = [
    path("<slug:slug>/solidarity/", views.fund, name="fund"),
    path("<slug:slug>/solidarity/report/", views.report, name="report"),
    path("<slug:slug>/solidarity/report.csv", views.report_csv, name="report_csv"),
    path("<slug:slug>/solidarity/prices/", views.price_list, name="prices"),
    path("<slug:slug>/solidarity/prices/new/", views.price_new, name="price_new"),
    path("<slug:slug>/solidarity/prices/<uuid:price>/", views.price_edit, name="price_edit"),
    path("<slug:slug>/solidarity/prices/<uuid:price>/delete/", views.price_delete, name="price_delete"),
]
