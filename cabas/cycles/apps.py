from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cabas.cycles"

    def ready(self):
        from cabas.cycles import enterprise_hooks

        enterprise_hooks.register()
