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
        from cabas.fulfilment.views_labels import labels_bulk_action
        from cabas.orders.registry import OrdersBulkAction, register_orders_bulk_action

        # The messages sent to a cycle's customers appear in the cycle's history.
        register_cycle_history_section(cycle_history_entries)
        # The orders list prints the bags' labels of the checked orders.
        register_orders_bulk_action(
            OrdersBulkAction(name="labels", label=_("Imprimer les étiquettes"), handle=labels_bulk_action)
        )
