from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolidarityConfig(AppConfig):
    name = "cabas.solidarity"
    verbose_name = _("Solidarité")

    def ready(self) -> None:
        from cabas.solidarity import order_hooks

        order_hooks.register()
