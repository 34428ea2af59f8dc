"""Back-office URLs of payments: statements (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
