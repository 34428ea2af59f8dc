"""The throttle shared by login, password reset and sign-up (cabas.accounts.ratelimit)."""

from datetime import timedelta

import pytest
from django.core.cache.backends import db as database_backend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cabas.accounts import ratelimit

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


@pytest.fixture
def database_cache(settings):
    # Production's cache (settings.CACHES): its incr() would re-set the key with the default timeout.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cabas_cache"}
    }
    call_command("createcachetable", verbosity=0)


def later(monkeypatch, minutes):
    moment = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(database_backend, "tz_now", lambda: moment)


@override_settings(SIGNUPS_PER_ADDRESS=2, SIGNUPS_PER_IP=100, SIGNUP_WINDOW=15 * 60)
def test_it_keeps_the_whole_window_with_the_database_cache(database_cache, monkeypatch):
    for _ in range(2):
        ratelimit.record("signup", email="lea@exemple.fr", ip=IP)

    later(monkeypatch, 10)
    assert ratelimit.blocked("signup", email="LEA@exemple.fr", ip=IP)

    later(monkeypatch, 16)
    assert not ratelimit.blocked("signup", email="lea@exemple.fr", ip=IP)


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=1, PASSWORD_RESETS_PER_ADDRESS=1)
def test_it_counts_each_kind_of_request_apart():
    ratelimit.login_failure_record(email="lea@exemple.fr", ip=IP)

    assert ratelimit.login_blocked(email="lea@exemple.fr", ip=IP)
    assert not ratelimit.blocked("password-reset", email="lea@exemple.fr", ip=IP)


@override_settings(SIGNUPS_PER_ADDRESS=100, SIGNUPS_PER_IP=2)
def test_it_blocks_an_ip_whatever_the_address():
    ratelimit.record("signup", email="a@exemple.fr", ip=IP)
    ratelimit.record("signup", email="b@exemple.fr", ip=IP)

    assert ratelimit.blocked("signup", email="c@exemple.fr", ip=IP)
    assert not ratelimit.blocked("signup", email="c@exemple.fr", ip="198.51.100.9")
