from django.db import migrations

from cabas.catalogue.reference import categories_seed, tax_rates_seed


def seed(apps, schema_editor):
    tax_rates_seed(apps.get_model("catalogue", "TaxRate"))
    categories_seed(apps.get_model("catalogue", "Category"), apps.get_model("catalogue", "TaxRate"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_products")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
