"""Throttling of account requests, counted per email address and per IP address in the shared cache.

Each scope counts one kind of request in a fixed window that starts at the first counted one; once
either count reaches its limit, the request is refused until the window ends:

- "login": failed logins; the block then refuses even the right password. A successful login clears
  the account's count (not the IP's: one address trying many accounts stays throttled).
- "password-reset", "signup" and "order-links": every request that would send an email, whether or
  not the address has an account (or orders), so that being throttled tells nothing about it.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    per_address: int
    per_ip: int
    window: int  # seconds


# Scope -> names of its settings (per address, per IP, window), read on each call.
SCOPES = {
    "login": ("LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_IP", "LOGIN_FAILURE_WINDOW"),
    "password-reset": ("PASSWORD_RESETS_PER_ADDRESS", "PASSWORD_RESETS_PER_IP", "PASSWORD_RESET_WINDOW"),
    "signup": ("SIGNUPS_PER_ADDRESS", "SIGNUPS_PER_IP", "SIGNUP_WINDOW"),
    # A guest's « Retrouver ma commande » (cabas.orders): emails the links of their orders.
    "order-links": ("ORDER_LINKS_PER_ADDRESS", "ORDER_LINKS_PER_IP", "ORDER_LINKS_WINDOW"),
}


def limit(scope: str) -> Limit:
    per_address, per_ip, window = (getattr(settings, name) for name in SCOPES[scope])
    return Limit(per_address=per_address, per_ip=per_ip, window=window)


def _key(scope: str, kind: str, value: str) -> str:
    # Hash so that arbitrary input never makes an invalid cache key (memcached rejects spaces...).
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"cabas:ratelimit:{scope}:{kind}:{digest}"


def _count(value) -> int:
    return value[0] if isinstance(value, tuple) else 0


def client_ip(request) -> str:
    """The client's address as seen by Django.

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's forwarded-allow-ips);
    X-Forwarded-For is not read here because any client can forge it.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def window_minutes(scope: str = "login") -> int:
    return max(1, math.ceil(limit(scope).window / 60))


def blocked(scope: str, *, email: str, ip: str) -> bool:
    """True when this address or this IP has used up its requests of `scope` in the window."""
    rule = limit(scope)
    address_key, ip_key = _key(scope, "address", email), _key(scope, "ip", ip)
    values = cache.get_many([address_key, ip_key])
    return _count(values.get(address_key)) >= rule.per_address or _count(values.get(ip_key)) >= rule.per_ip


def record(scope: str, *, email: str, ip: str) -> None:
    """Count one request of `scope` against the address and the IP."""
    window = limit(scope).window
    now = time.time()
    for key in (_key(scope, "address", email), _key(scope, "ip", ip)):
        # The window's end is stored with the count and each write expires then: cache.incr() would
        # not do, as the database cache's incr() re-sets the key with the default 5-minute timeout.
        value = cache.get(key)
        count, ends = value if isinstance(value, tuple) else (0, now + window)
        cache.set(key, (count + 1, ends), timeout=max(1, math.ceil(ends - now)))


def forget(scope: str, *, email: str) -> None:
    """Clear the address's count of `scope` (not the IP's)."""
    cache.delete(_key(scope, "address", email))


def login_blocked(*, email: str, ip: str) -> bool:
    """True when this account or this address has used up its failed attempts."""
    return blocked("login", email=email, ip=ip)


def login_failure_record(*, email: str, ip: str) -> None:
    """Count one failed attempt against the account and the address."""
    record("login", email=email, ip=ip)


def login_success_record(*, email: str) -> None:
    """A successful login forgets the account's failures."""
    forget("login", email=email)


def confirmation_resend_allowed(*, email: str) -> bool:
    """At most one confirmation email per address per minute (stops mail-bombing someone)."""
    return cache.add(_key("confirmation-resend", "address", email), 1, timeout=60)
