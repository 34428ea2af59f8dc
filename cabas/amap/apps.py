from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmapConfig(AppConfig):
    name = "cabas.amap"
    label = "amap"
    verbose_name = _("AMAP : contrats, distributions et permanences")

    def ready(self) -> None:
        from cabas.amap.fulfilment_hooks import contract_label
        from cabas.fulfilment.producer import register_cycle_label

        # The producer's « Ce que j'apporte » names a basket's order by its contract.
        register_cycle_label(contract_label)
