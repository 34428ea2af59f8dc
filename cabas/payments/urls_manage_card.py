"""Back-office URLs of payments: card (joined into the "payments" namespace by urls_manage.py)."""

from django.urls import path

from cabas.payments import views_card

urlpatterns = [
    path("<slug:slug>/payments/card/", views_card.card_settings, name="card"),
    path("<slug:slug>/payments/card/connect/", views_card.card_connect, name="card_connect"),
    path(
        "<slug:slug>/payments/card/connect/return/",
        views_card.card_connect_return,
        name="card_connect_return",
    ),
    path(
        "<slug:slug>/payments/card/connect/refresh/",
        views_card.card_connect_refresh,
        name="card_connect_refresh",
    ),
    path("<slug:slug>/payments/card/status/", views_card.card_status, name="card_status"),
]
