"""Back-office URLs of payments, mounted under /manage/ (namespace "payments"); one module per area."""

from cabas.payments import (
    urls_manage_accounts,
    urls_manage_card,
    urls_manage_methods,
    urls_manage_records,
    urls_manage_reports,
    urls_manage_sepa,
    urls_manage_statements,
)

app_name = "payments"
urlpatterns = [
    *urls_manage_methods.urlpatterns,
    *urls_manage_records.urlpatterns,
    *urls_manage_card.urlpatterns,
    *urls_manage_accounts.urlpatterns,
    *urls_manage_sepa.urlpatterns,
    *urls_manage_statements.urlpatterns,
    *urls_manage_reports.urlpatterns,
]
