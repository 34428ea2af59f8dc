"""`manage.py solidarity_allowances`: credit this month's solidarity allowances of every active fund.

Safe to run as often as you like (daily from cron or a systemd timer): each fund credits its members
once per month, claimed in the same transaction as the credits.
"""

import argparse
import datetime

from django.core.management.base import BaseCommand

from cabas.solidarity import services_allowances


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {text!r}")


class Command(BaseCommand):
    help = "Credit the monthly solidarity allowances of every active fund (once per fund and month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, default=None, help="YYYY-MM (default: this month)")

    def handle(self, *args, month=None, **options):
        results = services_allowances.allowances_grant(month=month)
        for result in results:
            if result.created:
                grant = result.grant
                self.stdout.write(
                    f"{result.fund.enterprise.slug}: {grant.members} member(s), {grant.total} EUR"
                )
            else:
                self.stdout.write(f"{result.fund.enterprise.slug}: already granted")
        self.stdout.write(f"{sum(1 for r in results if r.created)} fund(s) granted")
