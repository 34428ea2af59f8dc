"""The stock an order takes: lock the variants and the hub's stocks it needs, check that they have
enough, take the quantities (a conditional UPDATE, `on_hand >= quantity`: never below zero nor sold
twice) and give them back when an order is edited, cancelled or released.

Variants are locked by primary key, then the hub's inventory rows by primary key (see
`cabas.orders.placing` for the whole lock order).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from cabas.catalogue.models import Category, InventoryItem, Product, TaxRate, Variant
from cabas.cycles.models import CycleDistributor, CycleVariant
from cabas.enterprises.models import Enterprise
from cabas.lib.rows import Columns, fetch
from cabas.orders.exceptions import InsufficientStock, StockChange
from cabas.orders.models import Line, Order
from cabas.orders.offers import OFFER_RELATED, apply_offer_price, is_hub, offered_variants, stock_items

# The producer's columns that placing an order does not read (the producer comes with each variant
# for `pricing.product_tax_rate`, which reads `vat_regime`): fewer columns to compile and load.
_PRODUCER_UNUSED = tuple(
    f"product__producer__{field.name}"
    for field in Enterprise._meta.concrete_fields
    if not field.primary_key and field.name != "vat_regime"
)


def stock_lock(*, order: Order, lines: list[Line]) -> tuple[dict[int, Variant], dict[int, InventoryItem]]:
    """Lock the variants of `lines` in primary-key order and read them as this shop offers them now
    (price, stock), then lock the hub's own stocks of them: one query each. Variants no longer
    offered are neither locked nor returned."""
    ids = sorted({line.variant_id for line in lines})
    if is_hub(order.seller):
        rows = offered_variants(order.cycle, order.seller, Variant.objects.filter(pk__in=ids))
        rows = rows.select_related(*OFFER_RELATED).select_for_update(of=("self",)).order_by("pk")
        rows = rows.defer(*_PRODUCER_UNUSED)  # pricing reads only the producer's VAT regime
    else:
        rows = _producer_offers_locked(order, ids)
    offers = {v.pk: apply_offer_price(v) for v in rows}
    items = stock_items(order.seller, sorted(offers), lock=True) if offers else {}
    return offers, items


# What `_producer_offers_locked` reads: each model with its alias and the fields it loads (None: all),
# as `offered_variants(...).select_related(*OFFER_RELATED).defer(*_PRODUCER_UNUSED)` would.
_LOCK_PARTS = (
    (Variant, "v", None),
    (Product, "p", None),
    (Enterprise, "e", ("id", "vat_regime")),
    (Category, "c", None),
    (TaxRate, "t1", None),
    (TaxRate, "t2", None),
    (CycleVariant, "cv", ("id", "price")),
)


_LOCKED = Columns(_LOCK_PARTS)


def _producer_offers_locked(order: Order, ids: list[int]) -> list[Variant]:
    """`offered_variants(order.cycle, order.seller)` among `ids` for a seller selling its own
    products (no hub prices or stocks), locked in primary-key order, with what pricing reads (the
    product, its producer's VAT regime, its category's and the variant's tax rates).

    Written out: on every checkout the ORM took longer to build and compile this query than the
    database to run it."""
    qn = connection.ops.quote_name
    excluded = CycleDistributor.excluded_variants.field
    t = {m: qn(m._meta.db_table) for m in (Variant, Product, Enterprise, Category, TaxRate)}
    lock = " FOR UPDATE OF v" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {_LOCKED.select} FROM {t[Variant]} v "  # noqa: S608
        f"INNER JOIN {t[Product]} p ON v.product_id = p.id "
        f"INNER JOIN {t[Enterprise]} e ON p.producer_id = e.id "
        f"INNER JOIN {t[Category]} c ON p.category_id = c.id "
        f"INNER JOIN {t[TaxRate]} t1 ON c.default_tax_rate_id = t1.id "
        f"LEFT OUTER JOIN {t[TaxRate]} t2 ON v.tax_rate_id = t2.id "
        f"INNER JOIN {qn(CycleVariant._meta.db_table)} cv ON cv.variant_id = v.id AND cv.cycle_id = %s "
        f"WHERE v.id IN ({', '.join(['%s'] * len(ids))}) "
        "AND v.archived_at IS NULL AND p.archived_at IS NULL "
        f"AND NOT v.id IN (SELECT x.variant_id FROM {qn(excluded.m2m_db_table())} x "
        f"INNER JOIN {qn(CycleDistributor._meta.db_table)} d ON x.cycledistributor_id = d.id "
        "WHERE d.cycle_id = %s AND d.distributor_id = %s) "
        f"ORDER BY v.id{lock}"
    )
    rows = fetch(sql, [order.cycle_id, *ids, order.cycle_id, order.seller_id])
    return [_offer_from_row(row) for row in rows]


def _offer_from_row(row) -> Variant:
    instances = _LOCKED.instances(row)
    variant, product, producer, category, default_rate, own_rate, in_cycle = instances
    category.default_tax_rate = default_rate
    product.producer, product.category = producer, category
    variant.product, variant.tax_rate = product, own_rate
    # The annotations of `offered_variants` for a seller of its own products.
    variant.override_price = variant.override_on_hand = None
    variant.offer_price, variant.offer_on_hand = variant.price, variant.on_hand
    variant.cycle_price = in_cycle.price
    variant.offer_on_demand, variant.offer_visible = variant.on_demand, True
    return variant


def stock_check(*, lines: list[Line], offers: dict[int, Variant], items: dict[int, InventoryItem]) -> None:
    """Raise InsufficientStock listing every line that cannot be served as asked from the locked
    `offers` and hub stocks `items` (a line no longer offered has 0 left)."""
    changes = []
    missing = [line.variant_id for line in lines if line.variant_id not in offers]
    uuids = dict(Variant.objects.filter(pk__in=missing).values_list("pk", "uuid")) if missing else {}
    for line in lines:
        name = line.name
        variant = offers.get(line.variant_id)
        if variant is None:
            changes.append(StockChange(str(uuids[line.variant_id]), name, line.quantity, 0))
            continue
        item = items.get(line.variant_id)
        if item is not None:
            available = item.on_hand
        elif variant.on_demand:
            continue
        else:
            available = variant.on_hand
        if line.quantity > available:
            changes.append(StockChange(str(variant.uuid), name, line.quantity, max(0, available)))
    if changes:
        raise InsufficientStock(changes)


def _on_hand_take(model, quantities: dict[int, int]) -> int:
    """UPDATE `model` SET on_hand = on_hand - quantity for each primary key of `quantities`, only on
    the rows that have enough; the number of rows taken from. Written out: the ORM's Case/When and
    OR-ed conditions cost more to compile than the statement costs to run, on every checkout."""
    qn = connection.ops.quote_name
    table, pk, on_hand = (
        qn(model._meta.db_table),
        qn(model._meta.pk.column),
        qn(model._meta.get_field("on_hand").column),
    )
    items = list(quantities.items())
    whens = " ".join(f"WHEN %s THEN {on_hand} - %s" for _ in items)
    enough = " OR ".join(f"({pk} = %s AND {on_hand} >= %s)" for _ in items)
    params = [value for pair in items for value in pair] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {on_hand} = CASE {pk} {whens} END WHERE {enough}",  # noqa: S608
            params,
        )
        return cursor.rowcount


def stock_take(*, lines: list[Line], offers: dict[int, Variant], items: dict[int, InventoryItem]) -> None:
    """Take the quantities of `lines` from the locked stocks: one conditional UPDATE for the hub's
    stocks and one for the producers' (each row only if it has enough: never below 0)."""
    hub, producer = {}, {}
    for line in lines:
        item = items.get(line.variant_id)
        if item is not None:
            hub[item.pk] = line.quantity
        elif not offers[line.variant_id].on_demand:
            producer[line.variant_id] = line.quantity
    for model, quantities in ((InventoryItem, hub), (Variant, producer)):
        if quantities and _on_hand_take(model, quantities) != len(quantities):
            # Cannot happen under the locks; never sell what is not there.
            line = lines[0]
            raise InsufficientStock(
                [StockChange(str(offers[line.variant_id].uuid), line.product_name, line.quantity, 0)]
            )


def stock_give_back(*, order: Order, quantities: dict[int, int]) -> None:
    """Return stock (`quantities`: variant id → units, negative to take) to where it was taken:
    the hub's own stock when it has one, else the producer's (on-demand variants: nothing)."""
    ids = sorted(quantities)
    locked = {v.pk: v for v in Variant.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    items = stock_items(order.seller, ids, lock=True)
    changes = []
    for variant_id in ids:
        delta = quantities[variant_id]
        if not delta:
            continue
        item = items.get(variant_id)
        if item is not None:
            rows = InventoryItem.objects.filter(pk=item.pk)
        elif locked[variant_id].on_demand:
            continue
        else:
            rows = Variant.objects.filter(pk=variant_id)
        if delta < 0:
            rows = rows.filter(on_hand__gte=-delta)
        if rows.update(on_hand=F("on_hand") + delta) != 1:
            variant = locked[variant_id]
            available = item.on_hand if item is not None else variant.on_hand
            changes.append(StockChange(str(variant.uuid), variant.product.name, -delta, available))
    if changes:
        raise InsufficientStock(changes)
