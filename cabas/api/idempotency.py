"""Idempotency-Key, for the operations that create something (placing an order, recording a
payment): the same request sent again with the same key (a retry after a timeout) gets the answer
of the first; another request with that key is refused with 422 rather than answered with what the
first one created.

A key is stored with a fingerprint of its request (the validated body and what the URL names), in
the transaction that creates: if creating fails, the key is free again; two requests racing with
the same key are serialized by the unique constraint (the second waits for the first's commit on
PostgreSQL, then compares fingerprints)."""

import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction

from cabas.api.models import IdempotencyKey


class KeyReused(Exception):
    """The key came before with another request."""


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # "1.50" and "1.5" are the same quantity
    return str(value)  # UUID, date


def fingerprint(body, **context) -> str:
    """A digest of a request: `body` (a validated schema, or plain data) and `context` (what the URL
    names, who asks...). Two requests that mean the same have the same fingerprint, however their
    JSON was written (key order, spaces, defaults written out or left out)."""
    data = body.model_dump() if hasattr(body, "model_dump") else body
    canonical = json.dumps(
        {"body": data, "context": context},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_plain,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(*, seller, kind: str, key: str, fingerprint: str) -> bool:
    """Record that `key` was sent to `seller` for a `kind` request with this `fingerprint` (True),
    or check that it came with the same one before (False: the request is sent again). Raises
    KeyReused when it came with another request."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(seller=seller, kind=kind, key=key, fingerprint=fingerprint)
        return True
    except IntegrityError:
        stored = (
            IdempotencyKey.objects.filter(seller=seller, kind=kind, key=key)
            .values_list("fingerprint", flat=True)
            .first()
        )
        if stored is None:  # not our unique constraint
            raise
    if stored != fingerprint:
        raise KeyReused
    return False
