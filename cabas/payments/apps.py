from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "cabas.payments"

    def ready(self) -> None:
        from cabas.payments import order_hooks

        order_hooks.register()
