"""What a shop sells in a cycle: the cycles open at a distributor and the variants it offers there,
with the price, stock and visibility the shop uses (a hub's inventory overrides the producer's).

Shared by the shopfront, the cart and `order_place`, so that what is shown is what is sold.
"""

from django.db.models import BooleanField, DecimalField, F, IntegerField, OuterRef, Subquery, Value

from cabas.catalogue.models import InventoryItem, Variant
from cabas.catalogue.services_inventory import granting_producers, offers_for
from cabas.cycles.models import CycleDistributor, CycleVariant, OrderCycle
from cabas.cycles.services import cycle_is_sellable  # noqa: F401 — the cycles app decides; re-exported
from cabas.enterprises.models import Enterprise, Sells
from cabas.orders.exceptions import ShopClosed
from cabas.orders.lines import display_name

MAX_CHOICES = 500  # products offered in the selects that add one to an order


def sellable_cycles(distributor: Enterprise) -> list[OrderCycle]:
    """The cycles selling now at `distributor`, closing soonest first (one query)."""
    return list(
        OrderCycle.objects.sellable()
        .filter(distributors__distributor=distributor)
        .select_related("coordinator")
        .order_by("closes_at", "pk")
        .distinct()
    )


def is_hub(distributor: Enterprise) -> bool:
    return distributor.sells == Sells.ANY


def offered_variants(cycle: OrderCycle, distributor: Enterprise, variants=None):
    """The active variants `distributor` sells in `cycle`, annotated like
    `cabas.catalogue.services_inventory.offers_for`: `offer_price`, `offer_on_hand`,
    `offer_on_demand`, `override_on_hand` (a hub's own stock, else None), and `cycle_price` (the
    producer price decided together for this cycle, else None). One query when evaluated.
    """
    base = Variant.objects.all() if variants is None else variants
    base = base.annotate(cycle_price=_cycle_price(cycle))
    base = base.filter(pk__in=CycleVariant.objects.filter(cycle=cycle).values("variant")).exclude(
        pk__in=CycleDistributor.excluded_variants.through.objects.filter(
            cycledistributor__cycle=cycle, cycledistributor__distributor=distributor
        ).values("variant")
    )
    if is_hub(distributor):
        return offers_for(distributor, base).filter(offer_visible=True)
    return base.active().annotate(
        override_price=Value(None, output_field=DecimalField(max_digits=12, decimal_places=2)),
        override_on_hand=Value(None, output_field=IntegerField()),
        offer_price=F("price"),
        offer_on_hand=F("on_hand"),
        offer_on_demand=F("on_demand"),
        offer_visible=Value(True, output_field=BooleanField()),
    )


def _cycle_price(cycle: OrderCycle) -> Subquery:
    return Subquery(
        CycleVariant.objects.filter(cycle=cycle, variant=OuterRef("pk")).values("price")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def stock_items(distributor: Enterprise, variant_ids, *, lock: bool = False) -> dict[int, InventoryItem]:
    """The hub's own stocks (InventoryItem with on_hand set) for `variant_ids`, by variant id;
    locked in primary-key order when `lock`. Empty for a structure that is not a hub, or for the
    variants of producers that no longer let it sell them."""
    if not is_hub(distributor):
        return {}
    items = InventoryItem.objects.filter(
        hub=distributor,
        variant_id__in=list(variant_ids),
        on_hand__isnull=False,
        variant__product__producer__in=granting_producers(distributor).values("pk"),
    ).order_by("pk")
    if lock:
        items = items.select_for_update(of=("self",))
    return {item.variant_id: item for item in items}


OFFER_RELATED = ("product__producer", "product__category__default_tax_rate", "tax_rate")


def apply_offer_price(variant: Variant) -> Variant:
    """Make the in-memory `variant` carry the shop's price — the price decided together for the
    cycle when there is one, else the hub's own price when it set one, else the producer's — so
    that pricing (producer price, percent fees) uses what this shop sells at. Never saved."""
    cycle_price = getattr(variant, "cycle_price", None)
    offer_price = cycle_price if cycle_price is not None else getattr(variant, "offer_price", None)
    if offer_price is not None:
        variant.price = offer_price
    return variant


def available_quantity(variant: Variant) -> int | None:
    """Units left in this shop (None: on demand, no limit), from the offer annotations."""
    if variant.offer_on_demand:
        return None
    return max(0, int(variant.offer_on_hand or 0))


def offers_by_id(cycle, distributor, variant_ids) -> dict[int, Variant]:
    """The offered variants among `variant_ids`, priced at this shop's price, by id (one query)."""
    rows = offered_variants(cycle, distributor, Variant.objects.filter(pk__in=list(variant_ids)))
    return {v.pk: apply_offer_price(v) for v in rows.select_related(*OFFER_RELATED)}


def check_open(cycle) -> None:
    """Raise ShopClosed unless `cycle` sells now."""
    if cycle is None or not cycle_is_sellable(cycle):
        raise ShopClosed()


def offer_choices(order, exclude: set[int]) -> list[dict]:
    """The products `order`'s shop offers in its cycle (not the variants `exclude`d, e.g. already in
    the order), by producer and name, as choices to add to it or substitute (one query)."""
    if order.cycle is None:
        return []
    rows = (
        offered_variants(order.cycle, order.seller, Variant.objects.exclude(pk__in=exclude))
        .select_related(*OFFER_RELATED)
        .order_by("product__producer__name", "product__name", "position", "pk")[:MAX_CHOICES]
    )
    choices = []
    for variant in rows:
        variant = apply_offer_price(variant)
        choices.append(
            {
                "uuid": str(variant.uuid),
                "producer": variant.product.producer.name,
                "label": f"{display_name(variant)} — {variant.measure.display()}",
            }
        )
    return choices
