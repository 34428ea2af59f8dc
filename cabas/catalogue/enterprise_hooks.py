"""What catalogue adds to the public enterprise page through cabas.enterprises.registry.

Registered in CatalogueConfig.ready(): a producer's products on sale, grouped by top-level
category, with their variants, labels and first photo; and the dashboard's « Ajoutez votre premier
produit » while a producer has none.
"""

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from cabas.catalogue.models import Label, Product, ProductPhoto, Variant
from cabas.enterprises import registry
from cabas.enterprises.models import Enterprise, Role
from cabas.lib.money import format_eur

PRODUCTS_SHOWN = 150


def _variant_line(variant: Variant) -> dict:
    """What the public page shows of one variant: size, price and price per kg / L / piece."""
    measure = variant.measure
    reference = f"{format_eur(variant.reference_price())} / {measure.reference_label()}"
    if variant.variable_weight:
        return {
            "name": variant.name,
            "size": _("environ %(size)s") % {"size": measure.display()},
            "price": format_eur(variant.estimated_price()),
            "reference": reference,
            "estimated": True,
        }
    # "1 botte", "1 kg", "1 L": the price is already the price per unit.
    single = measure.reference_quantity() == 1
    return {
        "name": variant.name,
        "size": measure.display(),
        "price": format_eur(variant.price),
        "reference": "" if single else reference,
        "estimated": False,
    }


def _product_groups(producer: Enterprise) -> tuple[list, bool]:
    """The producer's products on sale, grouped by top-level category, in 4 queries whatever their
    number; and whether there were more than shown."""
    variants = Variant.objects.filter(archived_at__isnull=True).order_by("position", "pk")
    photos = ProductPhoto.objects.order_by("position", "pk")
    products = list(
        Product.objects.active()
        .filter(producer=producer)
        .filter(Exists(Variant.objects.filter(product=OuterRef("pk"), archived_at__isnull=True)))
        .select_related("category__parent")
        .prefetch_related(
            Prefetch("variants", queryset=variants, to_attr="on_sale"),
            Prefetch("labels", queryset=Label.objects.only("slug", "name", "name_en", "description")),
            Prefetch("photos", queryset=photos, to_attr="photo_list"),
        )
        .order_by("name", "pk")[: PRODUCTS_SHOWN + 1]
    )
    groups = {}
    for product in products[:PRODUCTS_SHOWN]:
        root = product.category.parent or product.category
        product.variant_lines = [_variant_line(v) for v in product.on_sale]
        product.photo = product.photo_list[0] if product.photo_list else None
        groups.setdefault(root, []).append(product)
    ordered = sorted(groups.items(), key=lambda item: (item[0].position, item[0].localized_name))
    more = len(products) > PRODUCTS_SHOWN
    return [(root.localized_name, root.slug, items) for root, items in ordered], more


def products_section(enterprise: Enterprise) -> dict:
    """`product_groups`, `more_products` and `products_shown` (a non-producer has none)."""
    product_groups, more_products = _product_groups(enterprise) if enterprise.is_producer else ([], False)
    return {
        "product_groups": product_groups,
        "more_products": more_products,
        "products_shown": PRODUCTS_SHOWN,
    }


def dashboard_items(enterprise: Enterprise, role: Role) -> list[dict]:
    """« Ajoutez votre premier produit » for a producer's managers while it has no product."""
    if not (enterprise.is_producer and role.at_least(Role.Level.MANAGER)):
        return []
    if Product.objects.filter(producer=enterprise).exists():
        return []
    return [
        {
            "label": _("Ajoutez votre premier produit"),
            "url": reverse("catalogue:product_new", args=[enterprise.slug]),
        }
    ]


def register() -> None:
    """Hook catalogue into the public enterprise page (called once, from CatalogueConfig.ready())."""
    registry.register_public_page_section(products_section)
    registry.register_dashboard_items(dashboard_items)
