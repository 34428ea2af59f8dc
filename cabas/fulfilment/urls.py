"""URLs of fulfilment; the root URLconf mounts `manage_urlpatterns` under /manage/ with the namespace
"fulfilment": the reports (/manage/<slug>/reports/...)."""

manage_urlpatterns: list = []
