from django.db import migrations

from cabas.catalogue.reference import labels_seed


def seed(apps, schema_editor):
    labels_seed(apps.get_model("catalogue", "Label"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
