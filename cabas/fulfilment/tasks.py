"""Background tasks of fulfilment: a report made as a file (`cabas.fulfilment.exports`) and a
message emailed to customers (`cabas.fulfilment.customer_messages`). Tasks receive a UUID, never
objects."""

from django_tasks import task

from cabas.fulfilment import customer_messages, exports


@task()
def report_export_run(export_uuid: str) -> str:
    """Make the file of a queued report export, purging the expired ones first."""
    return exports.export_run(export_uuid)


@task()
def customer_message_send(message_uuid: str) -> int:
    """Email each customer a recorded message once (a second run sends nothing)."""
    return customer_messages.message_deliver(message_uuid)
