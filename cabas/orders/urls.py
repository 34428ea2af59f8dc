"""URLs of orders; the root URLconf mounts each list with its namespace.

- `manage_urlpatterns` (namespace "orders", under /manage/): a seller's customers and their
  visibility rules, and its orders.
- `money_urlpatterns` (namespace "cycles_public", under /cycles/): the public « Où va votre
  argent » page of a cycle.
- `shop_urlpatterns` (namespace "shop", under /): shops (/<slug>/shop/...), orders and "my
  orders", mounted before the public catch-all /<slug>/.
"""

from django.urls import path

from cabas.orders import (
    views_checkout,
    views_customers,
    views_manage_adjust,
    views_manage_orders,
    views_money,
    views_my_orders,
    views_shop,
)

manage_urlpatterns = [
    # Customers and visibility rules
    path("<slug:slug>/customers/", views_customers.customer_list, name="customers"),
    path("<slug:slug>/customers/new/", views_customers.customer_new, name="customer_new"),
    path("<slug:slug>/customers/import/", views_customers.customer_import, name="customer_import"),
    path("<slug:slug>/customers/export.csv", views_customers.customer_export, name="customer_export"),
    path("<slug:slug>/customers/rules/", views_customers.rule_list, name="visibility_rules"),
    path("<slug:slug>/customers/rules/new/", views_customers.rule_new, name="visibility_rule_new"),
    path("<slug:slug>/customers/rules/<uuid:rule>/", views_customers.rule_edit, name="visibility_rule_edit"),
    path(
        "<slug:slug>/customers/rules/<uuid:rule>/delete/",
        views_customers.rule_delete,
        name="visibility_rule_delete",
    ),
    path("<slug:slug>/customers/<uuid:customer>/", views_customers.customer_edit, name="customer_edit"),
    # Orders
    path("<slug:slug>/orders/", views_manage_orders.order_list, name="orders"),
    path("<slug:slug>/orders/bulk/", views_manage_orders.order_bulk, name="orders_bulk"),
    path("<slug:slug>/orders/<uuid:uuid>/", views_manage_orders.order_detail, name="order"),
    path("<slug:slug>/orders/<uuid:uuid>/edit/", views_manage_adjust.order_adjust_page, name="order_adjust"),
]

money_urlpatterns = [
    path("<uuid:uuid>/ou-va-votre-argent/", views_money.cycle_money_page, name="money"),
]

shop_urlpatterns = [
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
