"""Back-office URLs of payments: statements (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_statements as views

PREFIX = "<slug:slug>/payments/statements/"
LINE = PREFIX + "lines/<uuid:line>/"

urlpatterns = [
    path(PREFIX, views.statement_list, name="statements"),
    path(PREFIX + "import/", views.statement_import, name="statement_import"),
    path(PREFIX + "lines/", views.line_list, name="statement_lines"),
    path(LINE, views.line_detail, name="statement_line"),
    path(LINE + "order/", views.line_match_order, name="statement_line_order"),
    path(LINE + "account/", views.line_match_account, name="statement_line_account"),
    path(LINE + "collection/", views.line_match_collection, name="statement_line_collection"),
    path(LINE + "ignore/", views.line_ignore, name="statement_line_ignore"),
    path(PREFIX + "<uuid:statement>/", views.statement_detail, name="statement"),
]
