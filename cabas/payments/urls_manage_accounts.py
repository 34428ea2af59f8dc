"""Back-office URLs of payments: accounts (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_accounts

urlpatterns = [
    path("<slug:slug>/accounts/", views_accounts.account_list, name="accounts"),
    path("<slug:slug>/accounts/<uuid:customer>/", views_accounts.account_statement, name="account"),
    path(
        "<slug:slug>/accounts/<uuid:customer>/top-up/", views_accounts.account_top_up, name="account_top_up"
    ),
    path(
        "<slug:slug>/accounts/<uuid:customer>/correction/",
        views_accounts.account_correction,
        name="account_correction",
    ),
]
