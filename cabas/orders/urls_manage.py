"""Back-office URLs of the orders app, mounted under /manage/ (namespace "orders"): customers and
their visibility rules here; the sellers' orders in urls_orders_manage.py when present."""

from django.urls import path

from cabas.orders import urls_orders_manage
from cabas.orders import views_customers as customers

app_name = "orders"
urlpatterns = [
    path("<slug:slug>/customers/", customers.customer_list, name="customers"),
    path("<slug:slug>/customers/new/", customers.customer_new, name="customer_new"),
    path("<slug:slug>/customers/import/", customers.customer_import, name="customer_import"),
    path("<slug:slug>/customers/export.csv", customers.customer_export, name="customer_export"),
    path("<slug:slug>/customers/rules/", customers.rule_list, name="visibility_rules"),
    path("<slug:slug>/customers/rules/new/", customers.rule_new, name="visibility_rule_new"),
    path("<slug:slug>/customers/rules/<uuid:rule>/", customers.rule_edit, name="visibility_rule_edit"),
    path(
        "<slug:slug>/customers/rules/<uuid:rule>/delete/",
        customers.rule_delete,
        name="visibility_rule_delete",
    ),
    path("<slug:slug>/customers/<uuid:customer>/", customers.customer_edit, name="customer_edit"),
]
urlpatterns += urls_orders_manage.urlpatterns
