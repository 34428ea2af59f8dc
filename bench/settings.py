"""Settings of the server the checkout benchmark starts: the product's settings, plus the bench's
own URLconf (the bare reference view of bench/bare.py in front of the site's URLs)."""

from cabas.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
