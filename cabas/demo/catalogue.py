"""The demo catalogue: what the demo producers of the Monts du Lyonnais sell.

Each product: (name, category slug, description, variants); each variant:
(variant name, quantity, unit, unit name, price VAT included, stock or None for "à la demande",
variable weight).

Each product also has an illustration, photos/<its name, slugified>.webp (drawn by
photos/generate.py), described by PHOTO_ALTS for those who do not see it.
"""

from decimal import Decimal
from pathlib import Path

from django.core.files import File
from django.db import transaction

from cabas.catalogue.models import Category, Product, ProductPhoto, Variant
from cabas.catalogue.photos import thumbnail_make
from cabas.enterprises.services import slug_base

D = Decimal

PRODUCTS: dict[str, list[tuple]] = {
    "ferme-des-collines": [
        (
            "Tomates anciennes",
            "tomates",
            "Cœur de bœuf, noire de Crimée, green zebra : un mélange coloré.",
            [
                ("", D("1"), "kg", "", D("5.20"), 40, False),
                ("Barquette", D("500"), "g", "", D("2.80"), 25, False),
            ],
        ),
        (
            "Salade batavia",
            "salades",
            "Cueillie le matin de la distribution.",
            [("", D("1"), "item", "pièce", D("1.30"), 60, False)],
        ),
        ("Poireaux", "alliaces", "", [("Botte", D("1"), "item", "botte", D("2.50"), 30, False)]),
        (
            "Courge butternut",
            "courges",
            "Se conserve tout l'hiver au frais et au sec.",
            [("", D("1.2"), "kg", "", D("2.60"), 35, True)],
        ),
        (
            "Panier de saison",
            "legumes",
            "Six à huit légumes de la semaine, pour deux à trois personnes.",
            [
                ("Petit panier", D("1"), "item", "panier", D("12.00"), None, False),
                ("Grand panier", D("1"), "item", "panier", D("18.00"), None, False),
            ],
        ),
    ],
    "chevrerie-des-trois-sapins": [
        (
            "Picodon frais",
            "fromages-de-chevre",
            "Lait cru de chèvre, moulé à la louche.",
            [
                ("", D("1"), "item", "pièce", D("2.40"), 80, False),
                ("Lot de 4", D("4"), "item", "pièces", D("9.00"), 20, False),
            ],
        ),
        (
            "Tomme de chèvre",
            "fromages-affines",
            "Affinée trois mois en cave.",
            [("Morceau", D("250"), "g", "", D("26.00"), 30, True)],
        ),
        ("Yaourt de chèvre nature", "yaourts", "", [("Pot", D("125"), "g", "", D("0.95"), 90, False)]),
    ],
    "fournil-de-la-combe": [
        (
            "Pain de campagne au levain",
            "pains",
            "Farine de blé population des Monts, cuit au feu de bois.",
            [
                ("", D("1"), "kg", "", D("6.20"), None, False),
                ("Demi", D("500"), "g", "", D("3.20"), None, False),
            ],
        ),
        (
            "Brioche",
            "viennoiseries",
            "Œufs et beurre de la ferme voisine.",
            [("", D("400"), "g", "", D("7.50"), 12, False)],
        ),
    ],
    "vergers-du-garon": [
        (
            "Pommes Reine des reinettes",
            "pommes-poires",
            "",
            [
                ("", D("1"), "kg", "", D("3.10"), 150, False),
                ("Cagette", D("5"), "kg", "", D("13.50"), 20, False),
            ],
        ),
        (
            "Jus de pomme",
            "jus",
            "Pur jus, non filtré.",
            [
                ("", D("1"), "l", "", D("3.80"), 60, False),
                ("Carton de 6", D("6"), "l", "", D("21.00"), 10, False),
            ],
        ),
    ],
    "rucher-des-cretes": [
        (
            "Miel de châtaignier",
            "miels",
            "Récolté en juillet sur les crêtes.",
            [("", D("500"), "g", "", D("9.50"), 40, False), ("", D("250"), "g", "", D("5.20"), 40, False)],
        ),
        ("Miel toutes fleurs", "miels", "", [("", D("500"), "g", "", D("8.50"), 45, False)]),
    ],
    "domaine-des-grands-coteaux": [
        (
            "Coteaux du Lyonnais rouge",
            "vins",
            "Gamay, vinification en grappes entières.",
            [("", D("75"), "cl", "", D("9.80"), 120, False)],
        ),
        (
            "Coteaux du Lyonnais blanc",
            "vins",
            "Chardonnay élevé sur lies.",
            [("", D("75"), "cl", "", D("10.50"), 80, False)],
        ),
    ],
    "volailles-de-la-coise": [
        (
            "Poulet fermier",
            "poulet",
            "Élevé 110 jours en plein air, nourri aux céréales de la ferme.",
            [("Entier", D("1.8"), "kg", "", D("13.90"), 25, True)],
        ),
        (
            "Œufs de plein air",
            "oeufs",
            "",
            [
                ("Boîte", D("6"), "item", "œufs", D("2.70"), 60, False),
                ("Plateau", D("30"), "item", "œufs", D("12.50"), 10, False),
            ],
        ),
    ],
    "champignonniere-de-duerne": [
        ("Pleurotes", "champignons", "", [("", D("250"), "g", "", D("4.20"), 30, False)]),
        ("Shiitakés", "champignons", "", [("", D("200"), "g", "", D("5.00"), 20, False)]),
    ],
    "brasserie-des-monts": [
        (
            "Bière blonde",
            "bieres",
            "",
            [("", D("33"), "cl", "", D("2.90"), 200, False), ("", D("75"), "cl", "", D("5.90"), 60, False)],
        ),
    ],
    "les-herbes-folles": [
        (
            "Tisane du soir",
            "aromates",
            "Verveine, tilleul et mélisse.",
            [("Sachet", D("30"), "g", "", D("5.50"), 40, False)],
        ),
    ],
}


PHOTOS_DIR = Path(__file__).resolve().parent / "photos"

PHOTO_ALTS = {
    "Tomates anciennes": "Tomates rouges, jaunes, vertes rayées et noires en tas",
    "Salade batavia": "Une salade batavia bien pommée, vert tendre au cœur",
    "Poireaux": "Une botte de trois poireaux, blancs et feuilles vertes",
    "Courge butternut": "Une courge butternut orange clair, en forme de poire",
    "Panier de saison": "Un panier en osier garni de tomate, carotte, salade et aubergine",
    "Picodon frais": "Trois petits fromages de chèvre ronds et blancs sur une planche",
    "Tomme de chèvre": "Une part de tomme à pâte blanche et croûte grise",
    "Yaourt de chèvre nature": "Deux pots de yaourt blancs au couvercle bleu",
    "Pain de campagne au levain": "Un grand pain doré, entaillé sur le dessus",
    "Brioche": "Une brioche à tête, dorée",
    "Pommes Reine des reinettes": "Trois pommes jaunes et rouges avec leur queue et une feuille",
    "Jus de pomme": "Une bouteille de jus de pomme ambré et une pomme rouge",
    "Miel de châtaignier": "Un pot de miel brun foncé et une feuille de châtaignier",
    "Miel toutes fleurs": "Un pot de miel doré entre deux fleurs blanches",
    "Coteaux du Lyonnais rouge": "Une bouteille de vin rouge et un verre servi",
    "Coteaux du Lyonnais blanc": "Une bouteille de vin blanc et un verre servi",
    "Poulet fermier": "Une poule rousse à crête rouge",
    "Œufs de plein air": "Six œufs blancs et roux dans leur boîte",
    "Pleurotes": "Un bouquet de pleurotes gris",
    "Shiitakés": "Trois champignons shiitakés à chapeau brun",
    "Bière blonde": "Une bouteille de bière brune et un verre de bière blonde mousseuse",
    "Tisane du soir": "Une tasse de tisane fumante et deux feuilles de verveine",
}


def demo_photo_path(name: str) -> Path:
    """The illustration of the demo product called `name`."""
    return PHOTOS_DIR / f"{slug_base(name, 'produit')}.webp"


def demo_photo_attach(product: Product) -> ProductPhoto:
    """Give `product` its illustration, as its first photo.

    The files are stored once, under names of their own (products/demo/...), and written again only
    if the illustration changed; the photo row is matched by its file, so nothing is duplicated.
    """
    source = demo_photo_path(product.name)
    stem = source.stem
    storage = ProductPhoto._meta.get_field("image").storage
    image, thumbnail = f"products/demo/{stem}.webp", f"products/demo/thumbs/{stem}-400.jpg"
    if storage.exists(image) and storage.size(image) != source.stat().st_size:
        storage.delete(image)
        storage.delete(thumbnail)
    with source.open("rb") as file:
        if not storage.exists(image):
            image = storage.save(image, File(file, name=source.name))
        if not storage.exists(thumbnail):
            thumbnail = storage.save(thumbnail, thumbnail_make(File(file, name=source.name)))
    photo, _ = ProductPhoto.objects.update_or_create(
        product=product,
        image=image,
        defaults={"thumbnail": thumbnail, "alt": PHOTO_ALTS[product.name], "position": 0},
    )
    return photo


@transaction.atomic
def demo_products_load(enterprises: dict) -> int:
    """Create or refresh the demo products of the demo producers; returns how many variants exist."""
    categories = {c.slug: c for c in Category.objects.all()}
    count = 0
    for slug, products in PRODUCTS.items():
        producer = enterprises[slug]
        for name, category, description, variants in products:
            product, _ = Product.objects.update_or_create(
                producer=producer,
                name=name,
                defaults={"category": categories[category], "description": description, "archived_at": None},
            )
            product.labels.set(producer.labels.all())
            demo_photo_attach(product)
            for position, (variant_name, quantity, unit, unit_name, price, stock, variable) in enumerate(
                variants
            ):
                Variant.objects.update_or_create(
                    product=product,
                    sku=f"{slug[:12]}-{product.pk}-{position + 1}",
                    defaults={
                        "name": variant_name,
                        "quantity": quantity,
                        "unit": unit,
                        "unit_name": unit_name,
                        "price": price,
                        "on_hand": stock or 0,
                        "on_demand": stock is None,
                        "variable_weight": variable,
                        "position": position,
                        "archived_at": None,
                    },
                )
                count += 1
    return count
