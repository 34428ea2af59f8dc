"""Login throttling: failed attempts counted per account and per IP address in the shared cache.

A fixed window starts at the first failure; once the count reaches the limit, every attempt (even
with the right password) is refused until the window ends. A successful login clears the account's
counter (not the IP's: one address trying many accounts stays throttled).
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    # Hash so that arbitrary input never makes an invalid cache key (memcached rejects spaces...).
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"cabas:login-failures:{kind}:{digest}"


def client_ip(request) -> str:
    """The client's address as seen by Django.

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's forwarded-allow-ips);
    X-Forwarded-For is not read here because any client can forge it.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def window_minutes() -> int:
    return max(1, math.ceil(settings.LOGIN_FAILURE_WINDOW / 60))


def login_blocked(*, email: str, ip: str) -> bool:
    """True when this account or this address has used up its failed attempts."""
    counts = cache.get_many([_key("account", email), _key("ip", ip)])
    return (
        counts.get(_key("account", email), 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or counts.get(_key("ip", ip), 0) >= settings.LOGIN_FAILURES_PER_IP
    )


def login_failure_record(*, email: str, ip: str) -> None:
    """Count one failed attempt against the account and the address."""
    for key in (_key("account", email), _key("ip", ip)):
        # add() only sets the key (and so the window) if it does not exist yet.
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_success_record(*, email: str) -> None:
    """A successful login forgets the account's failures."""
    cache.delete(_key("account", email))


def confirmation_resend_allowed(*, email: str) -> bool:
    """At most one confirmation email per address per minute (stops mail-bombing someone)."""
    return cache.add(_key("resend", email), 1, timeout=60)
