"""Hub inventory (a hub's own price, stock and visibility for producers' variants) and, for
producers, which hubs override what."""

from django.urls import path

from cabas.catalogue import views_inventory

urlpatterns = [
    path("<slug:slug>/inventory/", views_inventory.inventory, name="inventory"),
    path("<slug:slug>/inventory/<uuid:variant_uuid>/", views_inventory.inventory_item, name="inventory_item"),
    path("<slug:slug>/products/in-shops/", views_inventory.products_in_shops, name="products_in_shops"),
]
