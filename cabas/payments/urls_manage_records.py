"""Back-office URLs of payments: records (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_records

urlpatterns = [
    path(
        "<slug:slug>/orders/<uuid:uuid>/payments/",
        views_records.payment_record_view,
        name="order_payment_record",
    ),
    path(
        "<slug:slug>/orders/<uuid:uuid>/payments/<uuid:payment>/refund/",
        views_records.payment_refund_view,
        name="order_payment_refund",
    ),
]
