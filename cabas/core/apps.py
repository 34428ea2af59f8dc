from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform-wide pieces that belong to no domain app: serving the site, and (as they move here)
    the money filter, the health check and the translation commands."""

    name = "cabas.core"
    verbose_name = _("Plateforme")
