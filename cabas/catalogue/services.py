"""Product workflows of the back-office: create, edit, archive, duplicate, prices and stock, bulk
actions, photos; and who may act on which products.

An enterprise manages its own products when it is a producer, plus those of every producer that
granted it `manage_products` (an accepted relationship). Products are archived, never deleted:
orders keep a snapshot of what they sold, and a product can come back next season.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.catalogue import photos
from cabas.catalogue.exceptions import (
    BulkActionError,
    InvalidBulkUnitSize,
    InvalidPhoto,
    InvalidPrice,
    InvalidStock,
    InvalidVariant,
    ProductError,
)
from cabas.catalogue.models import Category, Label, Product, ProductPhoto, TaxRate, Variant
from cabas.enterprises.models import Enterprise, Relationship
from cabas.lib import money
from cabas.lib.units import ITEMS, UNITS, Measure

PRODUCT_FIELDS = ("name", "category", "description", "allergens", "conservation", "bulk_unit_size")
BULK_UNIT_SIZE_MAX = Decimal("10000000")  # the column holds 7 digits and 3 decimals
VARIANT_FIELDS = (
    "name", "sku", "unit", "quantity", "unit_name", "price", "tax_rate", "variable_weight",
    "on_hand", "on_demand", "low_stock_threshold",
)


# --- Who may act on which products ----------------------------------------------------------


def _granting_producers(enterprise: Enterprise) -> QuerySet:
    """Ids of the producers that currently let `enterprise` manage their products (a subquery)."""
    return Relationship.objects.filter(
        grantee=enterprise, status=Relationship.Status.ACCEPTED, manage_products=True
    ).values("grantor_id")


def _manageable_q(enterprise: Enterprise, field: str = "producer") -> Q:
    q = Q(**{f"{field}__in": _granting_producers(enterprise)})
    if enterprise.is_producer:
        q |= Q(**{field: enterprise.pk})
    return q


def products_manageable_by(enterprise: Enterprise) -> QuerySet:
    """The products `enterprise` may manage: its own (if it produces) and those of the producers
    that granted it `manage_products`. One SQL query whatever the number of producers."""
    return Product.objects.filter(_manageable_q(enterprise))


def producers_manageable_by(enterprise: Enterprise) -> QuerySet:
    """The producers whose products `enterprise` may manage (itself first when it produces)."""
    return Enterprise.objects.filter(_manageable_q(enterprise, field="pk")).order_by("name")


def product_for_manager(enterprise: Enterprise, uuid) -> Product:
    """The product `uuid` if `enterprise` may manage it; Http404 otherwise (no hint it exists)."""
    product = (
        products_manageable_by(enterprise)
        .select_related("producer", "category__default_tax_rate")
        .filter(uuid=uuid)
        .first()
    )
    if product is None:
        raise Http404
    return product


def variant_for_manager(enterprise: Enterprise, uuid) -> Variant:
    """The variant `uuid` if `enterprise` may manage its product; Http404 otherwise."""
    variant = (
        Variant.objects.filter(uuid=uuid, product__in=products_manageable_by(enterprise).values("pk"))
        .select_related("product__producer", "product__category__default_tax_rate", "tax_rate")
        .first()
    )
    if variant is None:
        raise Http404
    return variant


def producer_for_manager(enterprise: Enterprise, slug: str) -> Enterprise:
    """The producer `slug` if `enterprise` may manage its products; Http404 otherwise."""
    producer = producers_manageable_by(enterprise).filter(slug=slug).first()
    if producer is None:
        raise Http404
    return producer


# --- The products list ------------------------------------------------------------------------


class StockState:
    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out"
    ON_DEMAND = "on_demand"

    CHOICES = (IN_STOCK, LOW, OUT, ON_DEMAND)


def stock_state_q(state: str) -> Q:
    """The variants in a stock state: in stock (above its low threshold), low, out, on demand."""
    limited = Q(on_demand=False)
    low = limited & Q(low_stock_threshold__isnull=False, on_hand__gt=0, on_hand__lte=F("low_stock_threshold"))
    return {
        StockState.ON_DEMAND: Q(on_demand=True),
        StockState.OUT: limited & Q(on_hand__lte=0),
        StockState.LOW: low,
        StockState.IN_STOCK: limited & Q(on_hand__gt=0) & ~low,
    }[state]


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category: Category | None = None
    label: Label | None = None
    stock: str = ""
    archived: str = ""  # "" (active), "archived", "all"
    producer: Enterprise | None = None


VARIANT_LIST_FIELDS = (
    "id", "uuid", "product_id", "name", "sku", "unit", "quantity", "unit_name", "price", "tax_rate_id",
    "variable_weight", "on_hand", "on_demand", "low_stock_threshold", "position", "archived_at",
)


def products_for_list(enterprise: Enterprise, filters: ProductFilters) -> QuerySet:
    """The products of the back-office list, filtered, with their matching variants prefetched.

    Costs two queries per page (products with producer and category joined, then variants), plus
    the paginator's count: the size of the catalogue does not change the number of queries.
    """
    products = products_manageable_by(enterprise)
    variants = Variant.objects.all()
    if filters.archived == "archived":
        products = products.filter(archived_at__isnull=False)
    elif filters.archived != "all":
        products = products.filter(archived_at__isnull=True)
        variants = variants.filter(archived_at__isnull=True)
    if filters.producer is not None:
        products = products.filter(producer=filters.producer)
    if filters.category is not None:
        products = products.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    if filters.label is not None:
        products = products.filter(labels=filters.label)
    if filters.stock in StockState.CHOICES:
        variants = variants.filter(stock_state_q(filters.stock))
        products = products.filter(Exists(variants.filter(product=OuterRef("pk"))))
    text = filters.q.strip()
    if text:
        sku_match = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=text)
        products = products.filter(Q(name__icontains=text) | Exists(sku_match))
    return (
        products.select_related("producer", "category", "category__default_tax_rate")
        .only(
            "id", "uuid", "name", "archived_at", "producer__id", "producer__name", "producer__slug",
            "producer__vat_regime", "category__id", "category__name", "category__name_en",
            "category__default_tax_rate__id", "category__default_tax_rate__rate",
        )
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=variants.only(*VARIANT_LIST_FIELDS).order_by("position", "id"),
                to_attr="listed_variants",
            )
        )
        .order_by("name", "id")
    )


# --- Checks ---------------------------------------------------------------------------------


def _price(value) -> Decimal:
    try:
        price = money.to_decimal(value)
    except ValueError:
        raise InvalidPrice()
    if price < 0 or price >= Decimal("10000000000"):
        raise InvalidPrice()
    return money.round_money(price)


def _stock(value) -> int:
    if isinstance(value, bool):
        raise InvalidStock()
    try:
        number = int(str(value).strip().replace("\u00a0", "").replace(" ", ""))
    except (TypeError, ValueError):
        raise InvalidStock()
    if number < 0 or number > 2_000_000_000:
        raise InvalidStock()
    return number


def _apply_variant_data(variant: Variant, data: dict) -> None:
    """Copy `data` onto `variant` and check it makes sense; InvalidVariant/InvalidPrice otherwise."""
    for field in VARIANT_FIELDS:
        if field in data:
            setattr(variant, field, data[field])
    variant.name = (variant.name or "").strip()
    variant.sku = (variant.sku or "").strip()
    variant.unit_name = (variant.unit_name or "").strip()
    if variant.unit not in UNITS:
        raise InvalidVariant(_("Unité inconnue : choisissez g, kg, ml, cl, dl, L ou pièce."))
    try:
        quantity = money.to_decimal(variant.quantity)
    except ValueError:
        quantity = Decimal(0)
    if quantity <= 0:
        raise InvalidVariant(_("La quantité doit être un nombre positif, ex. 500 ou 1,5"))
    variant.quantity = quantity
    variant.price = _price(variant.price)
    variant.on_hand = _stock(variant.on_hand or 0)
    if variant.low_stock_threshold is not None and variant.low_stock_threshold != "":
        variant.low_stock_threshold = _stock(variant.low_stock_threshold)
    else:
        variant.low_stock_threshold = None
    if variant.tax_rate is not None and not isinstance(variant.tax_rate, TaxRate):
        raise InvalidVariant(_("Taux de TVA inconnu."))
    if Measure(quantity=quantity, unit=variant.unit).dimension == ITEMS:
        if variant.variable_weight:
            raise InvalidVariant(
                _("Un produit à poids variable se vend au kilo ou au litre : choisissez g, kg, ml, cl ou L.")
            )
    else:
        variant.unit_name = ""


def _apply_product_data(product: Product, data: dict) -> None:
    for field in PRODUCT_FIELDS:
        if field in data:
            value = data[field]
            setattr(product, field, value.strip() if isinstance(value, str) else value)
    if not product.name:
        raise ProductError(_("Donnez un nom au produit."))
    if not isinstance(product.category, Category):
        raise ProductError(_("Choisissez une catégorie."))
    size = product.bulk_unit_size
    if size is not None and not (
        isinstance(size, Decimal) and 0 < size < BULK_UNIT_SIZE_MAX and size == round(size, 3)
    ):
        raise InvalidBulkUnitSize()


# --- Products ---------------------------------------------------------------------------------


def product_create(*, producer: Enterprise, data: dict, variants: list[dict]) -> Product:
    """Create a product of `producer` with its variants (at least one); all or nothing.

    `data` holds the product fields (name, category, description, allergens, conservation, and
    `labels` as Label objects); each item of `variants` the fields of one variant.
    """
    if not producer.is_producer:
        raise ProductError(_("Seul un producteur peut avoir des produits."))
    active = [v for v in variants if not v.get("archive")]
    if not active:
        raise InvalidVariant(_("Ajoutez au moins une variante (taille et prix)."))
    with transaction.atomic():
        product = Product(producer=producer)
        _apply_product_data(product, data)
        product.save()
        if "labels" in data:
            product.labels.set(data["labels"])
        for position, item in enumerate(active):
            variant_create(product=product, data={**item, "position": position})
    return product


def product_update(*, product: Product, data: dict, variants: list[dict] | None = None) -> Product:
    """Change a product and, when given, its variants; all or nothing.

    Each item of `variants` with a `uuid` changes that variant of the product (`archive: True`
    archives it); an item without `uuid` adds a variant. Variants not listed are left alone.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        _apply_product_data(product, data)
        product.save()
        if "labels" in data:
            product.labels.set(data["labels"])
        if variants is not None:
            existing = {v.uuid: v for v in product.variants.select_for_update().order_by("pk")}
            next_position = max((v.position for v in existing.values()), default=-1) + 1
            for item in variants:
                uuid = item.get("uuid")
                if uuid:
                    variant = existing.get(uuid)
                    if variant is None:
                        raise InvalidVariant(_("Cette variante n'appartient pas à ce produit."))
                    if item.get("archive"):
                        if variant.archived_at is None:
                            variant.archived_at = timezone.now()
                            variant.save(update_fields=["archived_at", "updated_at"])
                        continue
                    variant_update(variant=variant, data=item)
                elif not item.get("archive"):
                    variant_create(product=product, data={**item, "position": next_position})
                    next_position += 1
    return product


def product_archive(*, product: Product) -> Product:
    """Hide a product from sale and from the default list; nothing is deleted (orders keep their
    snapshot and the product can come back)."""
    with transaction.atomic():
        Product.objects.filter(pk=product.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), updated_at=timezone.now()
        )
        product.refresh_from_db(fields=["archived_at", "updated_at"])
    return product


def product_unarchive(*, product: Product) -> Product:
    """Put an archived product back on sale with the variants it had."""
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(archived_at=None, updated_at=timezone.now())
        product.refresh_from_db(fields=["archived_at", "updated_at"])
    return product


def _with_suffix(text: str, suffix: str, max_length: int) -> str:
    return text[: max_length - len(suffix)].rstrip() + suffix


def product_duplicate(*, product: Product) -> Product:
    """A copy of `product` named "… (copie)", with its labels, photos and active variants.

    Copied variants start with no stock; their SKU gets a "-copie" suffix so that an import never
    confuses them with the original.
    """
    with transaction.atomic():
        copy = Product.objects.create(
            producer_id=product.producer_id,
            name=_with_suffix(product.name, " " + _("(copie)"), Product._meta.get_field("name").max_length),
            category_id=product.category_id,
            description=product.description,
            allergens=product.allergens,
            conservation=product.conservation,
            bulk_unit_size=product.bulk_unit_size,
        )
        copy.labels.set(product.labels.all())
        ProductPhoto.objects.bulk_create(
            ProductPhoto(product=copy, image=p.image.name, thumbnail=p.thumbnail.name, alt=p.alt,
                         position=p.position)
            for p in product.photos.all()
        )
        sku_length = Variant._meta.get_field("sku").max_length
        Variant.objects.bulk_create(
            Variant(
                product=copy,
                name=v.name,
                sku=_with_suffix(v.sku, "-copie", sku_length) if v.sku else "",
                unit=v.unit,
                quantity=v.quantity,
                unit_name=v.unit_name,
                price=v.price,
                tax_rate_id=v.tax_rate_id,
                variable_weight=v.variable_weight,
                on_hand=0,
                on_demand=v.on_demand,
                low_stock_threshold=v.low_stock_threshold,
                position=v.position,
            )
            for v in product.variants.filter(archived_at__isnull=True).order_by("position", "id")
        )
    return copy


# --- Variants ---------------------------------------------------------------------------------


def variant_create(*, product: Product, data: dict) -> Variant:
    """Add a variant (a size with its price and stock) to `product`."""
    with transaction.atomic():
        variant = Variant(product=product, position=data.get("position", 0))
        _apply_variant_data(variant, data)
        variant.save()
    return variant


def variant_update(*, variant: Variant, data: dict) -> Variant:
    """Change the fields of `variant` given in `data`."""
    with transaction.atomic():
        _apply_variant_data(variant, data)
        variant.save()
    return variant


def variant_set_price(*, variant: Variant, price) -> Variant:
    """Set the price (VAT included; per kg or L for variable weight). '3,50' and '3.50' are accepted."""
    value = _price(price)
    with transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(price=value, updated_at=timezone.now())
    variant.price = value
    return variant


def variant_set_stock(*, variant: Variant, on_hand) -> Variant:
    """Set the stock to a whole number ≥ 0 (the database refuses a negative stock as well)."""
    value = _stock(on_hand)
    with transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(on_hand=value, updated_at=timezone.now())
    variant.on_hand = value
    return variant


def variant_stock_adjust(*, variant: Variant, delta: int) -> bool:
    """Add `delta` (possibly negative) to the stock of a limited variant, only if it stays ≥ 0.

    A conditional UPDATE: two concurrent removals can never take the stock below zero. Returns
    whether the stock changed (on-demand variants never change).
    """
    with transaction.atomic():
        changed = Variant.objects.filter(pk=variant.pk, on_demand=False, on_hand__gte=-int(delta)).update(
            on_hand=F("on_hand") + int(delta), updated_at=timezone.now()
        )
    if changed:
        variant.refresh_from_db(fields=["on_hand"])
    return bool(changed)


# --- Bulk actions -------------------------------------------------------------------------------


class BulkAction:
    SET_STOCK = "set_stock"
    ON_DEMAND_ON = "on_demand_on"
    ON_DEMAND_OFF = "on_demand_off"
    SET_CATEGORY = "set_category"
    ARCHIVE = "archive"

    CHOICES = (SET_STOCK, ON_DEMAND_ON, ON_DEMAND_OFF, SET_CATEGORY, ARCHIVE)


def variant_bulk_update(*, manager: Enterprise, variant_uuids, action: str, value=None) -> str:
    """Apply one action to the selected variants, all or nothing; returns the French summary.

    Actions: set the stock to `value`, put them on demand or not, move their products to the
    category `value`, archive them (a product whose variants are all archived is archived too).
    A selection containing any variant `manager` may not manage changes nothing (Http404).
    """
    uuids = {str(u) for u in variant_uuids}
    if not uuids:
        raise BulkActionError(_("Cochez au moins une variante."))
    if action not in BulkAction.CHOICES:
        raise BulkActionError(_("Choisissez une action."))
    now = timezone.now()
    with transaction.atomic():
        selected = Variant.objects.filter(
            uuid__in=uuids, product__in=products_manageable_by(manager).values("pk")
        )
        ids = list(selected.select_for_update().order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(uuids):
            raise Http404
        variants = Variant.objects.filter(pk__in=ids)
        count = len(ids)
        if action == BulkAction.SET_STOCK:
            if value is None or value == "":
                raise BulkActionError(_("Indiquez le nouveau stock, ex. 12"))
            stock = _stock(value)
            variants.update(on_hand=stock, updated_at=now)
            return ngettext(
                "Stock mis à %(stock)s pour %(count)d variante.",
                "Stock mis à %(stock)s pour %(count)d variantes.",
                count,
            ) % {"stock": stock, "count": count}
        if action in (BulkAction.ON_DEMAND_ON, BulkAction.ON_DEMAND_OFF):
            on = action == BulkAction.ON_DEMAND_ON
            variants.update(on_demand=on, updated_at=now)
            message = (
                ngettext(
                    "%(count)d variante passée à la demande.",
                    "%(count)d variantes passées à la demande.",
                    count,
                )
                if on
                else ngettext("%(count)d variante passée en stock limité.",
                              "%(count)d variantes passées en stock limité.", count)
            )
            return message % {"count": count}
        product_ids = set(variants.values_list("product_id", flat=True))
        if action == BulkAction.SET_CATEGORY:
            if not isinstance(value, Category):
                raise BulkActionError(_("Choisissez la nouvelle catégorie."))
            changed = Product.objects.filter(pk__in=product_ids).update(category=value, updated_at=now)
            return ngettext(
                "%(count)d produit classé dans « %(category)s ».",
                "%(count)d produits classés dans « %(category)s ».",
                changed,
            ) % {"count": changed, "category": value.localized_name}
        # ARCHIVE
        variants.filter(archived_at__isnull=True).update(archived_at=now, updated_at=now)
        Product.objects.filter(pk__in=product_ids, archived_at__isnull=True).exclude(
            variants__archived_at__isnull=True
        ).update(archived_at=now, updated_at=now)
        return ngettext("%(count)d variante archivée.", "%(count)d variantes archivées.", count) % {
            "count": count
        }


# --- Photos -------------------------------------------------------------------------------------


def product_photo_add(*, product: Product, image, alt: str) -> ProductPhoto:
    """Attach a checked photo (JPEG, PNG or WebP, 5 MB at most) with its text alternative and a
    400 px thumbnail."""
    alt = (alt or "").strip()
    if not alt:
        raise InvalidPhoto(_("Décrivez la photo en quelques mots (pour les personnes qui ne la voient pas)."))
    photos.photo_check(image)
    thumbnail = photos.thumbnail_make(image)
    with transaction.atomic():
        position = (product.photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        photo = ProductPhoto(product=product, alt=alt[:200], position=position)
        photo.image.save(image.name, image, save=False)
        photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.save()
    return photo


def product_photo_remove(*, product: Product, photo_ids) -> int:
    """Remove photos of `product` (the files stay: a duplicated product may share them)."""
    with transaction.atomic():
        deleted, _detail = ProductPhoto.objects.filter(product=product, pk__in=list(photo_ids)).delete()
    return deleted


# --- Display helpers ------------------------------------------------------------------------------


def reference_price_text(*, price, quantity, unit: str, unit_name: str = "", variable_weight=False) -> str:
    """'soit 6,40 €/kg' for 500 g at 3,20 €; '' when the numbers are not (yet) valid.

    The one place the live preview of the forms computes a price per unit.
    """
    try:
        measure = Measure(quantity=money.to_decimal(quantity), unit=unit, name=unit_name or "")
        price = money.to_decimal(price)
    except (ValueError, TypeError):
        return ""
    if price < 0:
        return ""
    if variable_weight:
        if measure.dimension == ITEMS:
            return ""
        estimate = money.round_money(price * measure.reference_quantity())
        return _("soit environ %(price)s la pièce de %(size)s") % {
            "price": money.format_eur(estimate), "size": measure.display()
        }
    per = money.unit_price(price, measure.reference_quantity())
    return _("soit %(price)s/%(unit)s") % {"price": money.format_eur(per), "unit": measure.reference_label()}
