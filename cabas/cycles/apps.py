from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cabas.cycles"
