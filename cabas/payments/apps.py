from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "cabas.payments"

    def ready(self) -> None:
        # Imported once the app registry is ready: the hooks import models, which apps.py cannot.
        from cabas.payments import order_hooks

        order_hooks.register()
