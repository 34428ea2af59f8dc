from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "cabas.orders"

    def ready(self):
        # The hooks import models: only once the app registry is ready.
        from cabas.orders import cycle_hooks

        cycle_hooks.register()
