"""Reference data every Cabas instance starts with (seeded by data migrations; the demo data and
the browser tests re-seed it after a database flush)."""

LABELS = [
    (
        "ab",
        "AB — Agriculture biologique",
        "Organic farming (AB)",
        "Label officiel de l'agriculture biologique",
    ),
    (
        "nature-et-progres",
        "Nature & Progrès",
        "Nature & Progrès",
        "Mention bio associative, système participatif de garantie",
    ),
    ("demeter", "Demeter", "Demeter", "Agriculture biodynamique"),
    (
        "bio-coherence",
        "Bio Cohérence",
        "Bio Cohérence",
        "Bio français plus exigeant que le règlement européen",
    ),
    (
        "hve",
        "HVE — Haute valeur environnementale",
        "High environmental value (HVE)",
        "Certification environnementale des exploitations",
    ),
    ("label-rouge", "Label Rouge", "Label Rouge", "Qualité supérieure"),
    ("aop-aoc", "AOP / AOC", "PDO", "Appellation d'origine protégée / contrôlée"),
    ("igp", "IGP", "PGI", "Indication géographique protégée"),
    ("simples", "Simples", "Simples", "Plantes médicinales et aromatiques, cueillette et culture"),
]


def labels_seed(label_model) -> None:
    """Create or refresh the quality labels. `label_model` is the Label model (the historical one in a
    migration), so this runs both in migrations and at run time."""
    for slug, name, name_en, description in LABELS:
        label_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "description": description}
        )
