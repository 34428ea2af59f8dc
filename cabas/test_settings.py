"""Settings for the test suite: the production settings with test-friendly services."""

import os

os.environ["CABAS_TESTING"] = "1"
os.environ.setdefault("MAP_TILE_URL", "")
os.environ.setdefault("GEOCODER", "offline")

from cabas.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
