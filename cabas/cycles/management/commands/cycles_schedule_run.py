"""`manage.py cycles_schedule_run`: create the next cycles of every active schedule.

Safe to run as often as you like (every hour from cron or a systemd timer): a schedule whose next
cycle exists already creates nothing.
"""

import datetime

from django.core.management.base import BaseCommand

from cabas.cycles import services


class Command(BaseCommand):
    help = "Create the next order cycles of every active schedule (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=None,
            help="create the next cycle once the latest one closes within this many days (default 7)",
        )

    def handle(self, *args, horizon_days=None, **options):
        horizon = (
            datetime.timedelta(days=horizon_days) if horizon_days is not None else services.SCHEDULE_HORIZON
        )
        created = services.schedules_run(horizon=horizon)
        for cycle in created:
            self.stdout.write(f"{cycle.coordinator.slug}: {cycle.name} ({cycle.uuid})")
        self.stdout.write(f"{len(created)} cycle(s) created")
