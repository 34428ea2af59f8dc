"""Background job of solidarity, run monthly (cron or a systemd timer calling `manage.py
solidarity_allowances`; see docs/payments.md) or enqueued as a task:

- `solidarity_allowances`: every active fund credits its monthly allowance to each member, once per
  fund and month (a second run, or a run on another machine, credits nobody twice).
"""

import logging

from django_tasks import task

from cabas.solidarity import services_allowances

logger = logging.getLogger(__name__)


@task()
def solidarity_allowances() -> int:
    """Grant this month's allowances of every active fund; returns how many funds granted now."""
    results = services_allowances.allowances_grant()
    for result in results:
        if result.created:
            logger.info("fund %s: %s allowances granted", result.fund.uuid, result.grant.members)
    return sum(1 for r in results if r.created)
