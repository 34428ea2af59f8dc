"""Back-office URLs of payments: records (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
