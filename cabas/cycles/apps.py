from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cabas.cycles"

    def ready(self):
        # The hooks import models: only once the app registry is ready.
        from cabas.cycles import enterprise_hooks

        enterprise_hooks.register()
