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


DFC_PRODUCT_TYPES = (
    "https://github.com/datafoodconsortium/taxonomies/releases/latest/download/productTypes.rdf#"
)

# slug, rate (%), French name, English name
TAX_RATES = [
    ("tva-0", "0", "Exonéré (0 %)", "Exempt (0%)"),
    ("tva-5-5", "5.5", "Taux réduit 5,5 % (alimentation)", "Reduced rate 5.5% (food)"),
    (
        "tva-10",
        "10",
        "Taux intermédiaire 10 % (plantes, restauration)",
        "Intermediate rate 10% (plants, catering)",
    ),
    ("tva-20", "20", "Taux normal 20 % (alcools, non alimentaire)", "Standard rate 20% (alcohol, non-food)"),
]

# A French food category tree: (slug, French name, English name, DFC product type, default VAT slug,
# children as (slug, French, English, DFC product type)). Children inherit the parent's VAT rate.
CATEGORIES = [
    (
        "legumes",
        "Légumes",
        "Vegetables",
        "vegetable",
        "tva-5-5",
        [
            ("legumes-racines", "Légumes racines", "Root vegetables", "carrot"),
            ("pommes-de-terre", "Pommes de terre", "Potatoes", "potato"),
            ("salades", "Salades", "Salads", "salad"),
            ("tomates", "Tomates", "Tomatoes", "tomato"),
            ("courges", "Courges", "Squashes", "squash"),
            ("choux", "Choux", "Cabbages", "cabbage"),
            ("alliaces", "Ail, oignons, échalotes", "Garlic, onions, shallots", "onion"),
            ("aromates", "Herbes aromatiques", "Herbs", "herb"),
            ("champignons", "Champignons", "Mushrooms", "mushroom"),
            ("legumes-secs", "Légumes secs", "Pulses", "dried-vegetable"),
        ],
    ),
    (
        "fruits",
        "Fruits",
        "Fruit",
        "fruit",
        "tva-5-5",
        [
            ("pommes-poires", "Pommes et poires", "Apples and pears", "apples"),
            ("fruits-a-noyau", "Fruits à noyau", "Stone fruit", "peach"),
            ("petits-fruits", "Petits fruits", "Berries", "berry"),
            ("raisins", "Raisins", "Grapes", "grape"),
            ("fruits-a-coque", "Fruits à coque", "Nuts", "nut"),
        ],
    ),
    (
        "produits-laitiers",
        "Produits laitiers",
        "Dairy products",
        "dairy-product",
        "tva-5-5",
        [
            ("lait", "Lait", "Milk", "milk"),
            ("yaourts", "Yaourts", "Yogurts", "natural-yogurt"),
            ("beurre-creme", "Beurre et crème", "Butter and cream", "other-dairy-product"),
        ],
    ),
    (
        "fromages",
        "Fromages",
        "Cheese",
        "mature-cheese",
        "tva-5-5",
        [
            ("fromages-frais", "Fromages frais", "Fresh cheese", "fresh-cheese"),
            ("fromages-affines", "Fromages affinés", "Matured cheese", "mature-cheese"),
            ("fromages-de-chevre", "Fromages de chèvre", "Goat cheese", "goat-mature-cheese"),
            ("fromages-de-brebis", "Fromages de brebis", "Sheep cheese", "sheep-mature-cheese"),
        ],
    ),
    (
        "viandes",
        "Viandes",
        "Meat",
        "meat-product",
        "tva-5-5",
        [
            ("boeuf", "Bœuf", "Beef", "beef"),
            ("veau", "Veau", "Veal", "veal"),
            ("porc", "Porc et charcuterie", "Pork and charcuterie", "pork"),
            ("agneau", "Agneau", "Lamb", "lamb"),
            ("lapin", "Lapin", "Rabbit", "rabbit"),
        ],
    ),
    (
        "volailles",
        "Volailles",
        "Poultry",
        "poultry",
        "tva-5-5",
        [
            ("poulet", "Poulet", "Chicken", "chicken"),
            ("volailles-festives", "Volailles festives", "Festive poultry", "festive-poultry"),
        ],
    ),
    (
        "poissons",
        "Poissons et fruits de mer",
        "Fish and seafood",
        "fishery-product",
        "tva-5-5",
        [
            ("poissons-frais", "Poissons", "Fish", "fish"),
            ("crustaces", "Crustacés et coquillages", "Shellfish", "shellfish"),
        ],
    ),
    ("oeufs", "Œufs", "Eggs", "egg", "tva-5-5", []),
    (
        "boulangerie",
        "Boulangerie",
        "Bakery",
        "bakery",
        "tva-5-5",
        [
            ("pains", "Pains", "Bread", "bread"),
            ("viennoiseries", "Viennoiseries et pâtisseries", "Pastries", "viennoiserie-"),
        ],
    ),
    (
        "epicerie",
        "Épicerie",
        "Grocery",
        "local-grocery-store",
        "tva-5-5",
        [
            ("epicerie-salee", "Épicerie salée", "Savoury grocery", "savory-groceries"),
            ("epicerie-sucree", "Épicerie sucrée", "Sweet grocery", "sweet-groceries"),
            ("farines-cereales", "Farines et céréales", "Flours and cereals", "flour"),
            ("pates", "Pâtes", "Pasta", "pasta"),
            ("huiles", "Huiles", "Oils", "oil"),
            ("conserves", "Conserves et bocaux", "Preserves", "processed-vegetable"),
            ("plats-cuisines", "Plats cuisinés", "Ready meals", "ready-meal"),
        ],
    ),
    (
        "boissons",
        "Boissons",
        "Drinks",
        "soft-drink",
        "tva-5-5",
        [
            ("jus", "Jus de fruits", "Fruit juices", "fruit-juice"),
        ],
    ),
    (
        "vins-et-alcools",
        "Vins et alcools",
        "Wines and spirits",
        "alcoholic-beverage",
        "tva-20",
        [
            ("vins", "Vins", "Wines", "wine"),
            ("bieres", "Bières", "Beers", "beer"),
            ("cidres", "Cidres", "Ciders", "cider"),
        ],
    ),
    (
        "miel-et-confitures",
        "Miel et confitures",
        "Honey and jams",
        "sweet-groceries",
        "tva-5-5",
        [
            ("miels", "Miels", "Honeys", "honey"),
            ("confitures", "Confitures", "Jams", "jam"),
        ],
    ),
    ("surgeles", "Surgelés", "Frozen food", "frozen", "tva-5-5", []),
    (
        "plantes-et-fleurs",
        "Plantes et fleurs",
        "Plants and flowers",
        "plant",
        "tva-10",
        [
            ("plants", "Plants potagers", "Vegetable seedlings", "plant"),
            ("fleurs", "Fleurs coupées", "Cut flowers", "flower"),
        ],
    ),
    ("hygiene", "Hygiène et cosmétiques", "Hygiene and cosmetics", "cosmetic", "tva-20", []),
]


def tax_rates_seed(tax_rate_model) -> None:
    from decimal import Decimal

    for slug, rate, name, name_en in TAX_RATES:
        tax_rate_model.objects.update_or_create(
            slug=slug, defaults={"rate": Decimal(rate), "name": name, "name_en": name_en}
        )


def categories_seed(category_model, tax_rate_model) -> None:
    """Create or refresh the category tree (run after tax_rates_seed)."""
    rates = {rate.slug: rate for rate in tax_rate_model.objects.all()}
    for position, (slug, name, name_en, dfc, tax, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": None,
                "position": position,
                "dfc_product_type": DFC_PRODUCT_TYPES + dfc,
                "default_tax_rate": rates[tax],
            },
        )
        for child_position, (child_slug, child_name, child_en, child_dfc) in enumerate(children):
            category_model.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name": child_name,
                    "name_en": child_en,
                    "parent": parent,
                    "position": child_position,
                    "dfc_product_type": DFC_PRODUCT_TYPES + child_dfc,
                    "default_tax_rate": rates[tax],
                },
            )


def reference_data_seed(apps=None) -> None:
    """Every reference table, from migrations (`apps` = historical registry) or at run time."""
    if apps is None:
        from django.apps import apps
    labels_seed(apps.get_model("catalogue", "Label"))
    tax_rates_seed(apps.get_model("catalogue", "TaxRate"))
    categories_seed(apps.get_model("catalogue", "Category"), apps.get_model("catalogue", "TaxRate"))
