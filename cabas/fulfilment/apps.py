from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "cabas.fulfilment"
    verbose_name = _("Préparation et rapports")

    def ready(self) -> None:
        # The report modules register themselves in the reports registry when imported.
        from cabas.fulfilment.reports import catalogue  # noqa: F401
