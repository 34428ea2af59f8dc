"""The site's URLs plus the benchmark's bare reference view (bench/bare.py); used only by the
server that bench/checkouts.py starts."""

from django.urls import path

from bench import bare
from cabas.urls import urlpatterns as site

urlpatterns = [path("bench/bare-checkout/", bare.checkout, name="bench_bare_checkout"), *site]
