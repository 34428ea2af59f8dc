"""`manage.py amap_shift_reminders`: remind the people signed up for a shift 4 days before it, and
alert every person of an enterprise 7 days before a shift still short of people.

Safe to run as often as you like (daily from cron or a systemd timer): each shift is reminded and
announced once, claimed in the same transaction as its emails.
"""

import argparse
import datetime

from django.core.management.base import BaseCommand

from cabas.amap.shift_reminders import shift_reminders_send


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}")


class Command(BaseCommand):
    help = "Send the volunteer shift reminders (4 days before) and vacancy alerts (7 days before), once each."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        sent = shift_reminders_send(today=today)
        self.stdout.write(
            f"{sent.reminded} shift(s) reminded, {sent.alerted} shift(s) short of people announced, "
            f"{sent.emails} email(s)"
        )
