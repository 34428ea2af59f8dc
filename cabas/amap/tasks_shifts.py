"""Background job of shifts, run daily (cron or a systemd timer calling `manage.py
amap_shift_reminders`; see docs/deploy.md) or enqueued as a task:

- `amap_shift_reminders`: the reminders 4 days before a shift and the alerts 7 days before a shift
  still short of people, each sent once (see cabas/amap/shift_reminders.py).
"""

import logging

from django_tasks import task

from cabas.amap.shift_reminders import shift_reminders_send

logger = logging.getLogger(__name__)


@task()
def amap_shift_reminders() -> int:
    """Send today's shift reminders and vacancy alerts; returns how many emails were enqueued."""
    sent = shift_reminders_send()
    if sent.emails:
        logger.info("shifts: %s reminded, %s alerted, %s emails", sent.reminded, sent.alerted, sent.emails)
    return sent.emails
