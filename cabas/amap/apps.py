from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmapConfig(AppConfig):
    name = "cabas.amap"
    label = "amap"
    verbose_name = _("AMAP : contrats, distributions et permanences")

    def ready(self) -> None:
        # The hooks import models: only once the app registry is ready.
        from cabas.amap import member_hooks, order_hooks
        from cabas.amap.fulfilment_hooks import contract_label
        from cabas.fulfilment.producer import register_cycle_label

        # -- member pages: the link to an AMAP's contracts on its public page --
        member_hooks.register()
        # -- payments: a basket's order is paid through its subscription's plan --
        order_hooks.register()
        # -- the producer's « Ce que j'apporte » names a basket's order by its contract --
        register_cycle_label(contract_label)

        # -- dashboard: an AMAP's to-do items (distributions, shifts, payments, memberships) --
        from cabas.amap.enterprise_hooks import register as register_dashboard_items

        register_dashboard_items()
