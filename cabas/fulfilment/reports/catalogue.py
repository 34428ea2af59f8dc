"""Every report module, imported once by `FulfilmentConfig.ready()` so that each registers its
reports (`cabas.fulfilment.reports.base.register`). A new report module is added here."""

from cabas.fulfilment.reports import (  # noqa: F401
    accounting,
    bulk,
    catalogue_reports,
    coordination,
    distribution,
    orders,
    packing,
    payments,
    producer_deliveries,
)
