from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "cabas.enterprises"
    verbose_name = _("Structures")

    def ready(self):
        from cabas.enterprises import account_hooks

        account_hooks.register()
