"""The seller's orders in the back-office (joined into the "orders" namespace by urls_manage.py)."""

from django.urls import path

from cabas.orders import views_manage_orders

urlpatterns = [
    path("<slug:slug>/orders/", views_manage_orders.order_list, name="orders"),
    path("<slug:slug>/orders/<uuid:uuid>/", views_manage_orders.order_detail, name="order"),
]
