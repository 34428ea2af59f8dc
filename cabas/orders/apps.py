from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "cabas.orders"

    def ready(self):
        from cabas.orders import cycle_hooks

        cycle_hooks.register()
