"""Customer-side URLs of payments: accounts (joined into the "pay" namespace by urls_public.py)."""

urlpatterns = []
