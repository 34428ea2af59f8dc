"""Back-office URLs of payments: payment methods (joined into the "payments" namespace by
urls_manage.py)."""

from django.urls import path

from cabas.payments import views_methods

urlpatterns = [
    path("<slug:slug>/payment-methods/", views_methods.payment_method_list, name="payment_methods"),
    path("<slug:slug>/payment-methods/new/", views_methods.payment_method_create, name="payment_method_new"),
    path(
        "<slug:slug>/payment-methods/<uuid:method>/",
        views_methods.payment_method_edit,
        name="payment_method_edit",
    ),
    path(
        "<slug:slug>/payment-methods/<uuid:method>/deactivate/",
        views_methods.payment_method_deactivate,
        name="payment_method_deactivate",
    ),
    path(
        "<slug:slug>/payment-methods/<uuid:method>/activate/",
        views_methods.payment_method_activate,
        name="payment_method_activate",
    ),
]
