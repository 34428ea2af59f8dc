"""Customer-side URLs of payments: card (joined into the "pay" namespace by urls_public.py)."""

urlpatterns = []
