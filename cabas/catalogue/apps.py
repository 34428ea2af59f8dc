from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "cabas.catalogue"

    def ready(self):
        from cabas.catalogue import enterprise_hooks

        enterprise_hooks.register()
