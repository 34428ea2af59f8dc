"""Back-office URLs of payments: accounts (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
