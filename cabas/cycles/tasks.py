"""Background jobs of order cycles, run periodically (cron or a systemd timer calling the management
commands of the same names; see docs/cycles.md) or enqueued as tasks:

`cycles_schedule_run`: every active schedule creates its next cycle(s) when its latest cycle
closes within the horizon (idempotent: a second run creates nothing more). The email telling each
producer what to bring at close reads orders: `cycles_notify_producers` lives in `cabas.orders.tasks`.
"""

import logging

from django_tasks import task

from cabas.cycles import services

logger = logging.getLogger(__name__)


@task()
def cycles_schedule_run() -> int:
    """Create the next cycles of every active schedule; returns how many were created."""
    created = services.schedules_run()
    for cycle in created:
        logger.info("schedule %s: created cycle %s (%s)", cycle.schedule_id, cycle.uuid, cycle.name)
    return len(created)
