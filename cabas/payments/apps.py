from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "cabas.payments"
