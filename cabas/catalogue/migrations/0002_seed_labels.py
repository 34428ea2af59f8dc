from django.db import migrations

LABELS = [
    ("ab", "AB — Agriculture biologique", "Organic farming (AB)", "Label officiel de l'agriculture biologique"),
    ("nature-et-progres", "Nature & Progrès", "Nature & Progrès", "Mention bio associative, système participatif de garantie"),
    ("demeter", "Demeter", "Demeter", "Agriculture biodynamique"),
    ("bio-coherence", "Bio Cohérence", "Bio Cohérence", "Bio français plus exigeant que le règlement européen"),
    ("hve", "HVE — Haute valeur environnementale", "High environmental value (HVE)", "Certification environnementale des exploitations"),
    ("label-rouge", "Label Rouge", "Label Rouge", "Qualité supérieure"),
    ("aop-aoc", "AOP / AOC", "PDO", "Appellation d'origine protégée / contrôlée"),
    ("igp", "IGP", "PGI", "Indication géographique protégée"),
    ("simples", "Simples", "Simples", "Plantes médicinales et aromatiques, cueillette et culture"),
]


def seed(apps, schema_editor):
    Label = apps.get_model("catalogue", "Label")
    for slug, name, name_en, description in LABELS:
        Label.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
