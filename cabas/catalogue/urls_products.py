"""Back-office products of an enterprise (its own, and those of producers that let it manage them)."""

from django.urls import path

from cabas.catalogue import views_products as views

urlpatterns = [
    path("<slug:slug>/products/", views.product_list, name="products"),
    path("<slug:slug>/products/new/", views.product_new, name="product_new"),
    path("<slug:slug>/products/preview/", views.product_preview, name="product_preview"),
    path("<slug:slug>/products/bulk/", views.product_bulk, name="product_bulk"),
    path("<slug:slug>/products/<uuid:product>/", views.product_edit, name="product_edit"),
    path("<slug:slug>/products/<uuid:product>/duplicate/", views.product_duplicate, name="product_duplicate"),
    path("<slug:slug>/products/<uuid:product>/archive/", views.product_archive, name="product_archive"),
    path("<slug:slug>/products/<uuid:product>/unarchive/", views.product_unarchive, name="product_unarchive"),
    path("<slug:slug>/products/variants/<uuid:variant>/", views.variant_row, name="variant_row"),
    path("<slug:slug>/products/variants/<uuid:variant>/edit/", views.variant_edit, name="variant_edit"),
]
