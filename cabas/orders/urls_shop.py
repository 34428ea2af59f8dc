"""Shop URLs (namespace "shop"), mounted before the public catch-all /<slug>/."""

from django.urls import path

from cabas.orders import views_checkout, views_my_orders, views_shop

app_name = "shop"
urlpatterns = [
    path("<slug:slug>/shop/", views_shop.shopfront, name="front"),
    path("<slug:slug>/shop/cart/", views_shop.cart_page, name="cart"),
    path("<slug:slug>/shop/cart/set/", views_shop.cart_set, name="cart_set"),
    path("<slug:slug>/shop/cart/clear/", views_shop.cart_clear, name="cart_clear"),
    path("<slug:slug>/shop/checkout/", views_checkout.checkout, name="checkout"),
    path("<slug:slug>/shop/find-order/", views_my_orders.find_orders, name="find_orders"),
    path("orders/<uuid:uuid>/", views_my_orders.order_detail, name="order"),
    path("orders/<uuid:uuid>/edit/", views_my_orders.order_edit, name="order_edit"),
    path("orders/<uuid:uuid>/cancel/", views_my_orders.order_cancel, name="order_cancel"),
    path("orders/<uuid:uuid>/reorder/", views_my_orders.order_reorder, name="order_reorder"),
    path("orders/<uuid:uuid>/link/<str:token>/", views_my_orders.order_guest, name="order_guest"),
    path("my/orders/", views_my_orders.my_orders, name="my_orders"),
]
