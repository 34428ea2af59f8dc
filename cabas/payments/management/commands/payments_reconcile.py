"""`manage.py payments_reconcile`: catch up with Stripe on card payments.

Run it every 5 minutes (cron or a systemd timer). Orders awaiting their card payment are checked
with Stripe — paid ones are placed, those whose reservation is over are released (their Stripe
session expired first, the stock given back) — and a charge that no order awaits any more is
refunded. Running it twice, or on two machines at once, does each thing once.
"""

from django.core.management.base import BaseCommand

from cabas.payments.card.reconcile import card_reconcile


class Command(BaseCommand):
    help = "Check card payments with Stripe: place paid orders, release expired ones, refund late charges."

    def handle(self, *args, **options):
        counts = card_reconcile()
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "nothing to do"
        self.stdout.write(summary)
