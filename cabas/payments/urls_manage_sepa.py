"""Back-office URLs of payments: sepa (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_sepa

COLLECTION = "<slug:slug>/payments/collections/<uuid:collection>/"

urlpatterns = [
    path("<slug:slug>/payments/mandates/", views_sepa.mandate_list, name="sepa_mandates"),
    path("<slug:slug>/payments/mandates/new/", views_sepa.mandate_create, name="sepa_mandate_new"),
    path(
        "<slug:slug>/payments/mandates/<uuid:mandate>/revoke/",
        views_sepa.mandate_revoke,
        name="sepa_mandate_revoke",
    ),
    path("<slug:slug>/payments/collections/", views_sepa.collection_list, name="sepa_collections"),
    path("<slug:slug>/payments/collections/new/", views_sepa.collection_create, name="sepa_collection_new"),
    path(COLLECTION, views_sepa.collection_detail, name="sepa_collection"),
    path(COLLECTION + "pain008.xml", views_sepa.collection_file, name="sepa_collection_file"),
    path(COLLECTION + "settle/", views_sepa.collection_settle, name="sepa_collection_settle"),
    path(
        COLLECTION + "debits/<uuid:payment>/reject/",
        views_sepa.collection_item_reject,
        name="sepa_item_reject",
    ),
]
