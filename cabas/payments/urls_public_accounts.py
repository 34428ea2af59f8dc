"""Customer-side URLs of payments: accounts (joined into the "pay" namespace by urls_public.py)."""

from django.urls import path

from cabas.payments import views_accounts

urlpatterns = [
    path("accounts/", views_accounts.my_accounts, name="accounts"),
    path("accounts/<uuid:customer>/", views_accounts.my_account, name="account"),
]
