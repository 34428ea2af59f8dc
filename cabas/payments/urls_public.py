"""Customer-side and provider URLs of payments, mounted under /payments/ (namespace "pay")."""

from cabas.payments import urls_public_accounts, urls_public_card

app_name = "pay"
urlpatterns = [
    *urls_public_card.urlpatterns,
    *urls_public_accounts.urlpatterns,
]
