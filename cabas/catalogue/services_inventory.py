"""A hub's inventory: the variants of the producers that let it sell their products, with the hub's
own price, stock and visibility for its shop (`InventoryItem`).

The producer's values apply unless the hub overrides them. An override only counts while the
producer grants the hub `add_to_cycles`: after a revocation the rows are kept (they come back if
the relationship is accepted again) but ignored, and the variants leave the hub's inventory.

Shops build on `offers_for(hub)` (a queryset annotation, for lists) and `effective_offer(hub, variant)`
(one variant).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import BooleanField, Case, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cabas.catalogue.exceptions import InvalidOverride, InventoryError, NotAHub, NotGranted
from cabas.catalogue.models import InventoryItem, Variant
from cabas.enterprises.models import Enterprise, Relationship, Sells
from cabas.lib import money

MAX_PRICE = Decimal("9999999999.99")
MAX_STOCK = 2_147_483_647
FIELDS = ("price", "on_hand", "visible")


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()


def sells_others_products(enterprise: Enterprise) -> bool:
    return enterprise.sells == Sells.ANY


def granting_producers(hub: Enterprise):
    """The producers that currently let `hub` sell their products (accepted, `add_to_cycles`)."""
    granted = Relationship.objects.filter(
        grantee=hub, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    ).values("grantor")
    return Enterprise.objects.filter(pk__in=granted)


def offers_for(hub: Enterprise, variants=None):
    """The active variants `hub` may sell, each annotated with what the hub's shop uses.

    Annotations: `override_price`, `override_on_hand` (None when the producer's value applies),
    `offer_price`, `offer_on_hand`, `offer_on_demand` (a hub stock makes the variant limited even if
    the producer makes it on demand) and `offer_visible`. One query, whatever the number of
    variants; a shop filters on `offer_visible=True`.
    """
    variants = Variant.objects.all() if variants is None else variants
    return (
        variants.active()
        .filter(product__producer__in=granting_producers(hub).values("pk"))
        .annotate(item=FilteredRelation("inventory_items", condition=Q(inventory_items__hub=hub)))
        .annotate(
            override_price=F("item__price"),
            override_on_hand=F("item__on_hand"),
            offer_price=Coalesce(F("item__price"), F("price")),
            offer_on_hand=Coalesce(F("item__on_hand"), F("on_hand")),
            offer_on_demand=Case(
                When(item__on_hand__isnull=False, then=Value(False)),
                default=F("on_demand"),
                output_field=BooleanField(),
            ),
            offer_visible=Coalesce(F("item__visible"), Value(True), output_field=BooleanField()),
        )
    )


@dataclass(frozen=True)
class Offer:
    """What a hub's shop shows for one variant."""

    price: Decimal
    on_hand: int
    on_demand: bool
    visible: bool
    price_overridden: bool = False
    stock_overridden: bool = False

    @property
    def in_stock(self) -> bool:
        return self.on_demand or self.on_hand > 0


def effective_offer(hub: Enterprise, variant: Variant) -> Offer:
    """The price, stock and visibility of `variant` in `hub`'s shop.

    The producer's own shop (or a variant the hub may not sell: no accepted `add_to_cycles`,
    archived) gets the producer's values; in the second case `visible` is False and any override
    is ignored.
    """
    producer_values = {"price": variant.price, "on_hand": variant.on_hand, "on_demand": variant.on_demand}
    if hub.pk == variant.product.producer_id:
        active = variant.archived_at is None and variant.product.archived_at is None
        return Offer(**producer_values, visible=active)
    row = offers_for(hub, Variant.objects.filter(pk=variant.pk)).first()
    if row is None:
        return Offer(**producer_values, visible=False)
    return Offer(
        price=row.offer_price,
        on_hand=row.offer_on_hand,
        on_demand=row.offer_on_demand,
        visible=row.offer_visible,
        price_overridden=row.override_price is not None,
        stock_overridden=row.override_on_hand is not None,
    )


def _clean_price(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        price = money.to_decimal(value)
    except ValueError:
        raise InvalidOverride("price", _("Le prix doit être un montant en euros, par exemple 3,50."))
    if price < 0:
        raise InvalidOverride("price", _("Le prix ne peut pas être négatif."))
    if price != money.round_money(price):
        raise InvalidOverride("price", _("Le prix a au plus deux chiffres après la virgule (les centimes)."))
    if price > MAX_PRICE:
        raise InvalidOverride("price", _("Ce prix est trop élevé."))
    return price


def _clean_stock(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidOverride("on_hand", _("Le stock doit être un nombre entier, par exemple 12."))
    try:
        stock = int(str(value).strip())
    except ValueError:
        raise InvalidOverride("on_hand", _("Le stock doit être un nombre entier, par exemple 12."))
    if stock < 0:
        raise InvalidOverride("on_hand", _("Le stock ne peut pas être négatif."))
    if stock > MAX_STOCK:
        raise InvalidOverride("on_hand", _("Ce stock est trop élevé."))
    return stock


def _check_may_sell(hub: Enterprise, variant: Variant) -> None:
    if not sells_others_products(hub):
        raise NotAHub()
    producer = variant.product.producer
    if not granting_producers(hub).filter(pk=producer.pk).exists():
        raise NotGranted(producer.name)
    if variant.archived_at is not None or variant.product.archived_at is not None:
        raise InventoryError(_("Ce produit est archivé par son producteur : il n'est plus en vente."))


def _save_or_drop(item: InventoryItem) -> InventoryItem | None:
    """Save `item`, or delete it when it overrides nothing any more (the producer's values apply)."""
    if item.price is None and item.on_hand is None and item.visible:
        if item.pk:
            item.delete()
        return None
    item.save()
    return item


def inventory_set(*, hub: Enterprise, variant: Variant, price=UNSET, on_hand=UNSET, visible=UNSET):
    """Set `hub`'s own price, stock or visibility for `variant` in its shop.

    Only the given fields change; `price=None` / `on_hand=None` go back to the producer's value.
    Prices are euros (Decimal, int or a French string such as "3,50"); stock a whole number ≥ 0.
    Raises `InventoryError` (nothing changes) for bad values, a structure that does not sell
    others' products, or a producer that does not (or no longer) grant `add_to_cycles`.
    Returns the InventoryItem, or None when nothing is overridden any more.
    """
    values = {}
    if price is not UNSET:
        values["price"] = _clean_price(price)
    if on_hand is not UNSET:
        values["on_hand"] = _clean_stock(on_hand)
    if visible is not UNSET:
        values["visible"] = bool(visible)
    _check_may_sell(hub, variant)
    with transaction.atomic():
        item = InventoryItem.objects.select_for_update().filter(
            hub=hub, variant=variant
        ).first() or InventoryItem(hub=hub, variant=variant)
        for field, value in values.items():
            setattr(item, field, value)
        return _save_or_drop(item)


def inventory_reset(*, hub: Enterprise, variant: Variant, fields=FIELDS):
    """Go back to the producer's values for `fields` ("price", "on_hand", "visible"; all by default).

    Allowed even after a revocation, so a hub can clean up overrides it no longer uses.
    Returns the InventoryItem left, or None.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InventoryError(_("Réglage inconnu : %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not sells_others_products(hub):
        raise NotAHub()
    with transaction.atomic():
        item = InventoryItem.objects.select_for_update().filter(hub=hub, variant=variant).first()
        if item is None:
            return None
        for field in fields:
            setattr(item, field, True if field == "visible" else None)
        return _save_or_drop(item)


def granted_hubs(producer: Enterprise):
    """The structures `producer` currently lets sell its products (accepted, `add_to_cycles`)."""
    granted = Relationship.objects.filter(
        grantor=producer, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    ).values("grantee")
    return Enterprise.objects.filter(pk__in=granted)


def overrides_of(producer: Enterprise):
    """The overrides that currently apply to `producer`'s variants: hubs it grants `add_to_cycles`,
    items that change something. Ordered by hub name; `hub` is loaded."""
    return (
        InventoryItem.objects.filter(
            variant__product__producer=producer, hub__in=granted_hubs(producer).values("pk")
        )
        .filter(Q(price__isnull=False) | Q(on_hand__isnull=False) | Q(visible=False))
        .select_related("hub")
        .order_by("hub__name", "hub__pk")
    )
