from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "cabas.fulfilment"
    verbose_name = _("Préparation et rapports")

    def ready(self) -> None:
        # The report modules register themselves in the reports registry when imported.
        from cabas.cycles.registry import register_cycle_history_section
        from cabas.fulfilment.customer_messages import cycle_history_entries
        from cabas.fulfilment.reports import catalogue  # noqa: F401

        # The messages sent to a cycle's customers appear in the cycle's history.
        register_cycle_history_section(cycle_history_entries)
