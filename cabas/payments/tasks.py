"""Background jobs of card payments, run periodically (cron or a systemd timer calling the
management command of the same name; see docs/payments.md) or enqueued as a task:

- `payments_reconcile`: orders still awaiting their card payment are checked with Stripe (paid →
  placed; reservation over → the Stripe session expired and the stock given back), late charges
  and second charges are refunded, pending refunds are read again. Safe to run often and twice
  at once: every decision is taken under a lock on the order against what Stripe says.
"""

import logging

from django_tasks import task

from cabas.payments.card.reconcile import card_reconcile

logger = logging.getLogger(__name__)


@task()
def payments_reconcile() -> dict[str, int]:
    """Catch up with Stripe; returns counts by outcome (placed, cancelled, refunded, errors...)."""
    counts = card_reconcile()
    if counts:
        logger.info("payments reconcile: %s", counts)
    return counts
