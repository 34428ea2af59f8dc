"""Throttling in the shared cache: failed logins counted per account and per IP address, and the
requests that send an email to an address someone types (counted per address and per IP).

Logins: a fixed window starts at the first failure; once the count reaches the limit, every
attempt (even with the right password) is refused until the window ends. A successful login clears
the account's counter (not the IP's: one address trying many accounts stays throttled).
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str, *, action: str = "login-failures") -> str:
    # Hash so that arbitrary input never makes an invalid cache key (memcached rejects spaces...).
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"cabas:{action}:{kind}:{digest}"


def _count(key: str, window: int) -> int:
    """Add one to the counter `key` of a fixed window of `window` seconds; returns the new count."""
    # add() only sets the key (and so the window) if it does not exist yet.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


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
        _count(key, settings.LOGIN_FAILURE_WINDOW)


def login_success_record(*, email: str) -> None:
    """A successful login forgets the account's failures."""
    cache.delete(_key("account", email))


def confirmation_resend_allowed(*, email: str) -> bool:
    """At most one confirmation email per address per minute (stops mail-bombing someone)."""
    return cache.add(_key("resend", email), 1, timeout=60)


def email_request_allowed(
    *, action: str, email: str, ip: str, per_email: int, per_ip: int, window: int
) -> bool:
    """Count one request of `action` that emails `email` (e.g. "order-links"), against the address
    and the IP; False once either went over its limit within the window of `window` seconds.

    Every request counts, whether or not something is sent, so that the answer says nothing about
    the address.
    """
    by_email = _count(_key("email", email, action=action), window)
    by_ip = _count(_key("ip", ip, action=action), window)
    return by_email <= per_email and by_ip <= per_ip
