from django.core.management.base import BaseCommand

from cabas.demo.loader import demo_data_load
from cabas.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create or refresh the demo territory (Lyon and the Monts du Lyonnais): producers, shops, "
        "AMAPs, a producer store, networks and the demo logins. Safe to run again."
    )

    def handle(self, *args, **options):
        summary = demo_data_load()
        if summary.unlocated:
            self.stderr.write(self.style.WARNING("Adresses non localisées : " + ", ".join(summary.unlocated)))
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Données de démonstration prêtes : {summary.enterprises} structures, "
                    f"{summary.networks} réseaux, {summary.users} comptes, {summary.roles} rôles, "
                    f"{summary.relationships} relations, {summary.variants} produits en vente, "
                    f"{summary.amap_members} adhérents d'AMAP, "
                    f"{summary.amap_subscriptions} contrats souscrits. "
                    f"Mot de passe des comptes : {DEMO_PASSWORD}"
                )
            )
