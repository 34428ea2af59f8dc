"""`manage.py export_products --enterprise SLUG [-o FILE]`: the catalogue in the OFN product-list format
(CSV on standard output, or CSV / XLSX by the output file's extension)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cabas.catalogue.exports import catalogue_csv, catalogue_xlsx
from cabas.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "Exporte le catalogue d'une structure au format liste de produits OFN (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprise", required=True, help="slug de la structure")
        parser.add_argument("-o", "--output", help="fichier .csv ou .xlsx (par défaut : CSV à l'écran)")

    def handle(self, *args, enterprise, output, **options):
        exporter = Enterprise.objects.filter(slug=enterprise).first()
        if exporter is None:
            raise CommandError(f"Structure inconnue : {enterprise}")
        if not output:
            for line in catalogue_csv(exporter):
                self.stdout.write(line, ending="")
            return
        path = Path(output)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(catalogue_xlsx(exporter))
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(catalogue_csv(exporter))
