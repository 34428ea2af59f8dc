from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmapConfig(AppConfig):
    name = "cabas.amap"
    label = "amap"
    verbose_name = _("AMAP : contrats, distributions et permanences")

    def ready(self):
        from cabas.amap import order_hooks  # the app registry must be ready before models load

        order_hooks.register()
