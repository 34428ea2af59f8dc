"""`manage.py import_products FILE --enterprise SLUG [--dry-run]`: import a product list (CSV or
XLSX, OFN or native columns) for an enterprise, everything or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.imports import product_import
from cabas.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "Importe une liste de produits (CSV ou XLSX) : tout ou rien."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .csv ou .xlsx")
        parser.add_argument("--enterprise", required=True, help="slug de la structure qui importe")
        parser.add_argument("--dry-run", action="store_true", help="vérifier seulement, sans rien modifier")

    def handle(self, *args, file, enterprise, dry_run, **options):
        importer = Enterprise.objects.filter(slug=enterprise).first()
        if importer is None:
            raise CommandError(f"Structure inconnue : {enterprise}")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}")
        try:
            summary = product_import(enterprise=importer, name=path.name, data=data, dry_run=dry_run)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            sys.exit(1)
        prefix = "Vérification seulement, rien n'a été modifié : " if dry_run else ""
        self.stdout.write(prefix + str(summary))
