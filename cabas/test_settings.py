"""Settings for the test suite: the production settings with test-friendly services."""

import os

os.environ["CABAS_TESTING"] = "1"
os.environ.setdefault("MAP_TILE_URL", "")
os.environ.setdefault("GEOCODER", "offline")

from cabas.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PDF_PROCESSES = 1  # in the test process (one test starts the pool: cabas/lib/tests/test_pdf.py)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Card payments: no key (tests that need Stripe start the local stand-in and point these at it);
# nothing listens on port 9, so a test that forgot the stand-in fails instead of reaching Stripe.
STRIPE_SECRET_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
STRIPE_API_BASE = "http://127.0.0.1:9"
STRIPE_MAX_NETWORK_RETRIES = 0
STRIPE_TIMEOUT = 5
