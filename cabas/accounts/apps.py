from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cabas.accounts"

    def ready(self):
        # Registers accounts' own personal-data sections first (cabas.accounts.registry).
        from cabas.accounts import services  # noqa: F401
