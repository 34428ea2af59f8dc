"""Reads of the catalogue shared by the back-office and the API: products with what the API shows,
reference data (categories, labels, tax rates) by the names clients send, and who may manage a
producer's products. Plain functions returning querysets, objects or plain values."""

from django.db.models import Prefetch, Q, QuerySet

from cabas.catalogue.models import Category, Label, Product, ProductPhoto, TaxRate, Variant
from cabas.enterprises.models import Enterprise, Relationship, Role

# --- Who may manage a producer's products -----------------------------------------------------


def product_manager_rank(user, producer: Enterprise) -> int:
    """The highest role rank (`Role.RANK`) `user` holds over `producer`'s products, in `producer`
    itself or in a structure it granted `manage_products` (0: none, or no user)."""
    if user is None:
        return 0
    managing = Relationship.objects.filter(
        grantor=producer, status=Relationship.Status.ACCEPTED, manage_products=True
    ).values("grantee")
    roles = Role.objects.filter(user=user).filter(Q(enterprise=producer) | Q(enterprise__in=managing))
    return max((Role.RANK[role] for role in roles.values_list("role", flat=True)), default=0)


# --- Products as the API shows them -----------------------------------------------------------


def products_for_api(*, archived: bool) -> QuerySet:
    """Products with their producer, category, labels, photos and variants (`api_variants`, the
    archived ones only when `archived`), in a constant number of queries."""
    variants = Variant.objects.select_related("tax_rate").order_by("position", "pk")
    if not archived:
        variants = variants.filter(archived_at__isnull=True)
    return Product.objects.select_related(
        "producer", "category__parent", "category__default_tax_rate"
    ).prefetch_related(
        Prefetch("variants", queryset=variants, to_attr="api_variants"),
        Prefetch("labels", queryset=Label.objects.only("id", "slug").order_by("slug")),
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")),
    )


def product_for_api(uuid, *, archived: bool) -> Product:
    """The product `uuid` as `products_for_api` gives it (Product.DoesNotExist: none)."""
    return products_for_api(archived=archived).get(uuid=uuid)


def producer_products_for_api(
    producer: Enterprise, *, archived: bool, category: str = "", q: str = ""
) -> QuerySet:
    """`producer`'s products (with the archived ones when `archived`) in the category `category`
    (a slug; its subcategories included; unknown: none) whose name contains `q`, by name."""
    products = products_for_api(archived=archived).filter(producer=producer)
    if not archived:
        products = products.active()
    if category:
        found = Category.objects.filter(slug=category).only("pk").first()
        if found is None:
            return Product.objects.none()
        products = products.filter(Q(category=found) | Q(category__parent=found))
    if q.strip():
        products = products.filter(name__icontains=q.strip())
    return products.order_by("name", "pk")


def product_with_producer(uuid) -> Product | None:
    return Product.objects.select_related("producer").filter(uuid=uuid).first()


def variant_uuids(product: Product) -> set:
    """The uuids of all `product`'s variants, archived ones included."""
    return set(product.variants.values_list("uuid", flat=True))


# --- Reference data ---------------------------------------------------------------------------


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def labels_by_slug(slugs: list[str]) -> list[Label]:
    """The labels among `slugs` that exist (unknown slugs are simply missing)."""
    return list(Label.objects.filter(slug__in=slugs))


def tax_rates_by_rate() -> dict:
    """Every tax rate, by its rate (a Decimal: 0, 5.5, 10, 20)."""
    return {rate.rate: rate for rate in TaxRate.objects.all()}
