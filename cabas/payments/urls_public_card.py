"""Customer-side URLs of payments: card (joined into the "pay" namespace by urls_public.py)."""

from django.urls import path

from cabas.payments import views_card

urlpatterns = [
    path("orders/<uuid:uuid>/card/", views_card.card_pay, name="card_pay"),
    path("orders/<uuid:uuid>/card/return/", views_card.card_return, name="card_return"),
    path("orders/<uuid:uuid>/card/cancel/", views_card.card_cancel, name="card_cancel"),
    path("webhooks/stripe/", views_card.stripe_webhook, name="stripe_webhook"),
]
