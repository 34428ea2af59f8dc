"""URLs of the catalogue; the root URLconf mounts each list with its namespace.

- `manage_urlpatterns` (namespace "catalogue", under /manage/): an enterprise's products (its own,
  and those of producers that let it manage them), the product import and catalogue export, and
  the hub inventory (a hub's own price, stock and visibility for producers' variants; for
  producers, which hubs override what).
"""

from django.urls import path

from cabas.catalogue import views_import, views_inventory, views_products

manage_urlpatterns = [
    # Products
    path("<slug:slug>/products/", views_products.product_list, name="products"),
    path("<slug:slug>/products/new/", views_products.product_new, name="product_new"),
    path("<slug:slug>/products/preview/", views_products.product_preview, name="product_preview"),
    path("<slug:slug>/products/bulk/", views_products.product_bulk, name="product_bulk"),
    path("<slug:slug>/products/<uuid:product>/", views_products.product_edit, name="product_edit"),
    path(
        "<slug:slug>/products/<uuid:product>/duplicate/",
        views_products.product_duplicate,
        name="product_duplicate",
    ),
    path(
        "<slug:slug>/products/<uuid:product>/archive/", views_products.product_archive, name="product_archive"
    ),
    path(
        "<slug:slug>/products/<uuid:product>/unarchive/",
        views_products.product_unarchive,
        name="product_unarchive",
    ),
    path("<slug:slug>/products/variants/<uuid:variant>/", views_products.variant_row, name="variant_row"),
    path(
        "<slug:slug>/products/variants/<uuid:variant>/edit/", views_products.variant_edit, name="variant_edit"
    ),
    # Import and export
    path("<slug:slug>/products/import/", views_import.product_import, name="product_import"),
    path(
        "<slug:slug>/products/import/<uuid:job>/", views_import.product_import_job, name="product_import_job"
    ),
    path(
        "<slug:slug>/products/import/<uuid:job>/status/",
        views_import.product_import_status,
        name="product_import_status",
    ),
    path(
        "<slug:slug>/products/import/<uuid:job>/confirm/",
        views_import.product_import_confirm,
        name="product_import_confirm",
    ),
    path(
        "<slug:slug>/products/import/<uuid:job>/errors.txt",
        views_import.product_import_errors,
        name="product_import_errors",
    ),
    path("<slug:slug>/products/export.csv", views_import.product_export_csv, name="product_export_csv"),
    path("<slug:slug>/products/export.xlsx", views_import.product_export_xlsx, name="product_export_xlsx"),
    # Hub inventory
    path("<slug:slug>/inventory/", views_inventory.inventory, name="inventory"),
    path("<slug:slug>/inventory/<uuid:variant_uuid>/", views_inventory.inventory_item, name="inventory_item"),
    path("<slug:slug>/products/in-shops/", views_inventory.products_in_shops, name="products_in_shops"),
]
