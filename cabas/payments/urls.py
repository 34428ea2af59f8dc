"""URLs of payments: the back office, mounted under /manage/ (namespace "payments"), and the
customer's side with the payment provider's webhook, mounted under /payments/ (namespace "pay")."""

from django.urls import include, path

from cabas.payments.accounts import views as accounts
from cabas.payments.card import views as card
from cabas.payments.methods import views as methods
from cabas.payments.records import views as records
from cabas.payments.reports import views as reports
from cabas.payments.sepa import views as sepa
from cabas.payments.statements import views as statements

SLUG = "<slug:slug>/"
METHOD = SLUG + "payment-methods/<uuid:method>/"
ACCOUNT = SLUG + "accounts/<uuid:customer>/"
CARD = SLUG + "payments/card/"
REPORTS = SLUG + "payments/reports/"
COLLECTION = SLUG + "payments/collections/<uuid:collection>/"
STATEMENTS = SLUG + "payments/statements/"
LINE = STATEMENTS + "lines/<uuid:line>/"

methods_urlpatterns = [
    path(SLUG + "payment-methods/", methods.payment_method_list, name="payment_methods"),
    path(SLUG + "payment-methods/new/", methods.payment_method_create, name="payment_method_new"),
    path(METHOD, methods.payment_method_edit, name="payment_method_edit"),
    path(METHOD + "deactivate/", methods.payment_method_deactivate, name="payment_method_deactivate"),
    path(METHOD + "activate/", methods.payment_method_activate, name="payment_method_activate"),
]

records_urlpatterns = [
    path(SLUG + "orders/<uuid:uuid>/payments/", records.payment_record_view, name="order_payment_record"),
    path(
        SLUG + "orders/<uuid:uuid>/payments/<uuid:payment>/refund/",
        records.payment_refund_view,
        name="order_payment_refund",
    ),
]

card_urlpatterns = [
    path(CARD, card.card_settings, name="card"),
    path(CARD + "connect/", card.card_connect, name="card_connect"),
    path(CARD + "connect/return/", card.card_connect_return, name="card_connect_return"),
    path(CARD + "connect/refresh/", card.card_connect_refresh, name="card_connect_refresh"),
    path(CARD + "status/", card.card_status, name="card_status"),
]

accounts_urlpatterns = [
    path(SLUG + "accounts/", accounts.account_list, name="accounts"),
    path(ACCOUNT, accounts.account_statement, name="account"),
    path(ACCOUNT + "top-up/", accounts.account_top_up, name="account_top_up"),
    path(ACCOUNT + "correction/", accounts.account_correction, name="account_correction"),
]

sepa_urlpatterns = [
    path(SLUG + "payments/mandates/", sepa.mandate_list, name="sepa_mandates"),
    path(SLUG + "payments/mandates/new/", sepa.mandate_create, name="sepa_mandate_new"),
    path(SLUG + "payments/mandates/<uuid:mandate>/revoke/", sepa.mandate_revoke, name="sepa_mandate_revoke"),
    path(SLUG + "payments/collections/", sepa.collection_list, name="sepa_collections"),
    path(SLUG + "payments/collections/new/", sepa.collection_create, name="sepa_collection_new"),
    path(COLLECTION, sepa.collection_detail, name="sepa_collection"),
    path(COLLECTION + "pain008.xml", sepa.collection_file, name="sepa_collection_file"),
    path(COLLECTION + "settle/", sepa.collection_settle, name="sepa_collection_settle"),
    path(COLLECTION + "debits/<uuid:payment>/reject/", sepa.collection_item_reject, name="sepa_item_reject"),
]

statements_urlpatterns = [
    path(STATEMENTS, statements.statement_list, name="statements"),
    path(STATEMENTS + "import/", statements.statement_import, name="statement_import"),
    path(STATEMENTS + "lines/", statements.line_list, name="statement_lines"),
    path(LINE, statements.line_detail, name="statement_line"),
    path(LINE + "order/", statements.line_match_order, name="statement_line_order"),
    path(LINE + "account/", statements.line_match_account, name="statement_line_account"),
    path(LINE + "collection/", statements.line_match_collection, name="statement_line_collection"),
    path(LINE + "ignore/", statements.line_ignore, name="statement_line_ignore"),
    path(STATEMENTS + "<uuid:statement>/", statements.statement_detail, name="statement"),
]

reports_urlpatterns = [
    path(REPORTS + "methods/", reports.payments_report, name="report_methods"),
    path(REPORTS + "methods.csv", reports.payments_report_csv, name="report_methods_csv"),
    path(REPORTS + "balances/", reports.balances_report, name="report_balances"),
    path(REPORTS + "balances.csv", reports.balances_report_csv, name="report_balances_csv"),
    path(REPORTS + "sepa/", reports.sepa_report, name="report_sepa"),
    path(REPORTS + "sepa.csv", reports.sepa_report_csv, name="report_sepa_csv"),
]

# The back office (namespace "payments"), in the order the areas were always matched.
manage_urlpatterns = [
    *methods_urlpatterns,
    *records_urlpatterns,
    *card_urlpatterns,
    *accounts_urlpatterns,
    *sepa_urlpatterns,
    *statements_urlpatterns,
    *reports_urlpatterns,
]

# The customer's side and the provider's webhook (namespace "pay").
public_urlpatterns = [
    path("orders/<uuid:uuid>/card/", card.card_pay, name="card_pay"),
    path("orders/<uuid:uuid>/card/return/", card.card_return, name="card_return"),
    path("orders/<uuid:uuid>/card/cancel/", card.card_cancel, name="card_cancel"),
    path("webhooks/stripe/", card.stripe_webhook, name="stripe_webhook"),
    path("accounts/", accounts.my_accounts, name="accounts"),
    path("accounts/<uuid:customer>/", accounts.my_account, name="account"),
]

urlpatterns = [
    path("manage/", include((manage_urlpatterns, "payments"))),
    path("payments/", include((public_urlpatterns, "pay"))),
]
