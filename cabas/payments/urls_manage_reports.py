"""Back-office URLs of payments: reports (joined into the "payments" namespace by urls_manage.py)."""

urlpatterns = []
