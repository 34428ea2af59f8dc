"""Back-office URLs of payments: sepa (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
