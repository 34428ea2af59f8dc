"""Background tasks of fulfilment: a report made as a file (`cabas.fulfilment.exports`). Tasks
receive the export's UUID, never objects."""

from django_tasks import task

from cabas.fulfilment import exports


@task()
def report_export_run(export_uuid: str) -> str:
    """Make the file of a queued report export, purging the expired ones first."""
    return exports.export_run(export_uuid)
