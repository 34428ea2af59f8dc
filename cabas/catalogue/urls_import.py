"""Back-office product import and catalogue export."""

from django.urls import path

from cabas.catalogue import views_import as views

urlpatterns = [
    path("<slug:slug>/products/import/", views.product_import, name="product_import"),
    path("<slug:slug>/products/import/<uuid:job>/", views.product_import_job, name="product_import_job"),
    path(
        "<slug:slug>/products/import/<uuid:job>/status/",
        views.product_import_status,
        name="product_import_status",
    ),
    path(
        "<slug:slug>/products/import/<uuid:job>/confirm/",
        views.product_import_confirm,
        name="product_import_confirm",
    ),
    path(
        "<slug:slug>/products/import/<uuid:job>/errors.txt",
        views.product_import_errors,
        name="product_import_errors",
    ),
    path("<slug:slug>/products/export.csv", views.product_export_csv, name="product_export_csv"),
    path("<slug:slug>/products/export.xlsx", views.product_export_xlsx, name="product_export_xlsx"),
]
