"""Back-office URLs of payments: card (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
