"""Back-office URLs of payments: reports (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_reports

urlpatterns = [
    path("<slug:slug>/payments/reports/methods/", views_reports.payments_report, name="report_methods"),
    path(
        "<slug:slug>/payments/reports/methods.csv",
        views_reports.payments_report_csv,
        name="report_methods_csv",
    ),
    path("<slug:slug>/payments/reports/balances/", views_reports.balances_report, name="report_balances"),
    path(
        "<slug:slug>/payments/reports/balances.csv",
        views_reports.balances_report_csv,
        name="report_balances_csv",
    ),
    path("<slug:slug>/payments/reports/sepa/", views_reports.sepa_report, name="report_sepa"),
    path("<slug:slug>/payments/reports/sepa.csv", views_reports.sepa_report_csv, name="report_sepa_csv"),
]
