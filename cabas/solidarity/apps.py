from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolidarityConfig(AppConfig):
    name = "cabas.solidarity"
    verbose_name = _("Solidarité")
