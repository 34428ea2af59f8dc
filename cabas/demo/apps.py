from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo territory loader: a composition root that imports anything and is imported by nothing."""

    name = "cabas.demo"
    label = "demo"
