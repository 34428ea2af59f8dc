"""Product-list import: read a CSV or XLSX file, check every row, then apply everything or nothing.

Two column sets are accepted (docs/import.md): the Open Food Network product-list template
(`producer,sku,name,display_name,category,...`) and a native one with French headers (`producteur`,
`produit`, `variante`, `catégorie`...). Every problem is reported as `ligne N, colonne C : message`,
where N is the row number a spreadsheet shows (the header is row 1) and C the column's header.

The work is done in three steps so that nothing changes on any error:
1. `import_reading.read_table` turns the file into rows of text (encodings, delimiters, XLSX), up to
   `PRODUCT_IMPORT_MAX_ROWS` rows (`check_upload` is the cheap part of it an upload goes through
   before it is stored);
2. `import_checks.check_rows` parses and validates every row (producer, category, unit, price...) without
   writing anything;
3. `product_import`, here, matches the rows with the existing variants (SKU, else product name +
   variant name + unit + quantity) and writes the changes with bulk queries inside one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalogue.exceptions import ImportRejected
from cabas.catalogue.import_checks import Columns, Row, check_rows
from cabas.catalogue.import_reading import Problem, fold, read_table
from cabas.catalogue.models import Product, Variant
from cabas.enterprises.models import Enterprise

# --- 3. Matching and writing ---------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    products_created: int = 0

    def __str__(self) -> str:
        return _("%(rows)s lignes : %(created)s variantes créées, %(updated)s modifiées, %(unchanged)s "
                 "inchangées (%(products)s nouveaux produits).") % {
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "products": self.products_created,
        }


@dataclass
class Plan:
    summary: ImportSummary
    problems: list[Problem] = field(default_factory=list)
    new_products: list[Product] = field(default_factory=list)
    changed_products: list[Product] = field(default_factory=list)
    new_variants: list[Variant] = field(default_factory=list)
    changed_variants: list[Variant] = field(default_factory=list)
    variant_fields: set[str] = field(default_factory=set)


def make_plan(rows: list[Row], columns_label: dict[str, str]) -> Plan:
    """Match each row with an existing variant and product (two queries), and list what changes."""
    summary = ImportSummary(rows=len(rows))
    plan = Plan(summary=summary)
    producer_ids = {row.producer.pk for row in rows}
    all_products = list(Product.objects.active().filter(producer_id__in=producer_ids).order_by("-id"))
    products = {(p.producer_id, fold(p.name)): p for p in all_products}  # the oldest wins on duplicates
    by_sku: dict[tuple, Variant] = {}
    by_key: dict[tuple, Variant] = {}
    products_by_pk = {p.pk: p for p in all_products}
    existing = Variant.objects.active().filter(product__producer_id__in=producer_ids).order_by("-id")
    for variant in existing:  # newest first, so the oldest wins on duplicates
        product = products_by_pk[variant.product_id]
        variant.product = product  # one object per product, shared by its variants
        if variant.sku:
            by_sku[(product.producer_id, variant.sku)] = variant
        by_key[(product.producer_id, fold(product.name), fold(variant.name), variant.unit,
                variant.quantity)] = variant

    # Which existing variant each row updates (each at most once).
    matched: dict[int, Variant | None] = {}
    claimed: dict[int, int] = {}
    for row in rows:
        variant = by_sku.get((row.producer.pk, row.sku)) if row.sku else None
        if variant is None:
            variant = by_key.get(row.name_key())
        if variant is not None:
            if variant.pk in claimed:
                message = _("la ligne %(line)s modifie déjà la même variante existante") % {
                    "line": claimed[variant.pk]
                }
                plan.problems.append(Problem(row.line, columns_label.get("name", "name"), message))
                continue
            claimed[variant.pk] = row.line
        matched[row.line] = variant
    if plan.problems:
        return plan

    # Which product each group of rows (same producer, same name) belongs to.
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault((row.producer.pk, fold(row.name)), []).append(row)
    group_product: dict[tuple, Product] = {}
    taken: set[int] = set()
    for key in groups:
        if key in products:
            group_product[key] = products[key]
            taken.add(products[key].pk)
    now = timezone.now()
    for key, group in groups.items():
        if key in group_product:
            continue
        candidates = [matched[r.line].product for r in group if matched[r.line] is not None]
        product = next((p for p in candidates if p.pk not in taken), None)
        if product is None:
            first = group[0]
            product = Product(producer=first.producer, name=first.name, category=first.category,
                              description=first.description or "", created_at=now)
            plan.new_products.append(product)
        else:
            taken.add(product.pk)
        group_product[key] = product

    changed_products: dict[int, Product] = {}
    for key, group in groups.items():
        product = group_product[key]
        first = group[0]
        if product.pk is None:
            continue
        wanted = {"name": first.name, "category_id": first.category.pk}
        if first.description is not None:
            wanted["description"] = first.description
        if any(getattr(product, f) != v for f, v in wanted.items()):
            for f, v in wanted.items():
                setattr(product, f, v)
            product.updated_at = now
            changed_products[product.pk] = product
    plan.changed_products = list(changed_products.values())

    next_position: dict[int, int] = {}
    for key, group in groups.items():
        product = group_product[key]
        product_changed = product.pk is not None and product.pk in changed_products
        for row in group:
            variant = matched[row.line]
            if variant is None:
                position = next_position.get(id(product), 0)
                next_position[id(product)] = position + 1
                plan.new_variants.append(Variant(
                    product=product, name=row.variant_name, sku=row.sku, unit=row.unit,
                    quantity=row.quantity, unit_name=row.unit_name, price=row.price, tax_rate=row.tax_rate,
                    on_hand=row.on_hand or 0, on_demand=bool(row.on_demand), position=position,
                    created_at=now,
                ))
                summary.created += 1
                continue
            if variant.product is not product:  # moved to the product the file names
                variant.product = product
                plan.variant_fields.add("product")
                changes = {"product"}
            else:
                changes = set()
            wanted = {
                "name": row.variant_name, "unit": row.unit,
                "quantity": row.quantity, "unit_name": row.unit_name, "price": row.price,
            }
            if row.sku:
                wanted["sku"] = row.sku
            if row.has_tax_rate:
                wanted["tax_rate_id"] = row.tax_rate.pk if row.tax_rate else None
            if row.on_hand is not None:
                wanted["on_hand"] = row.on_hand
            if row.on_demand is not None:
                wanted["on_demand"] = row.on_demand
            changes |= {f for f, v in wanted.items() if getattr(variant, f) != v}
            if changes:
                for f in changes - {"product"}:
                    setattr(variant, f, wanted[f])
                variant.updated_at = now
                plan.variant_fields |= changes
                plan.changed_variants.append(variant)
            if changes or product_changed:
                summary.updated += 1
            else:
                summary.unchanged += 1
    summary.products_created = len(plan.new_products)
    return plan


def _update_rows(model, objects: list, fields: list[str]) -> None:
    """UPDATE `fields` of each object by primary key, as one prepared statement run for every row.

    Much faster than `bulk_update` for thousands of rows: no CASE expression built per row and field.
    """
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write(plan: Plan) -> None:
    Product.objects.bulk_create(plan.new_products, batch_size=1000)
    _update_rows(Product, plan.changed_products, ["name", "category", "description", "updated_at"])
    for variant in [*plan.new_variants, *plan.changed_variants]:
        variant.product = variant.product  # takes the product's id, known now that it is saved
    Variant.objects.bulk_create(plan.new_variants, batch_size=1000)
    fields = sorted(f.removesuffix("_id") for f in plan.variant_fields) + ["updated_at"]
    _update_rows(Variant, plan.changed_variants, fields)


def product_import(
    *,
    enterprise: Enterprise,
    name: str,
    data: bytes,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    counted: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a product list (CSV or XLSX) for `enterprise`: everything, or nothing.

    Raises ImportRejected with every problem found (the file, a cell, a duplicate row...); nothing is
    written then. With `dry_run`, only says what would change. `progress(rows_checked)` is called
    while the rows are checked, before the transaction (so that another connection can see it);
    `counted(rows)` once the file is read, before that.
    """
    table = read_table(name, data)
    if counted:
        counted(len(table.rows))
    rows, problems = check_rows(table, enterprise, progress=progress)
    if problems:
        raise ImportRejected(problems)
    labels = Columns(table.header).label
    with transaction.atomic():
        producer_ids = sorted({row.producer.pk for row in rows})
        # Two imports for the same producer run one after the other (no-op on SQLite).
        list(Enterprise.objects.select_for_update().filter(pk__in=producer_ids).order_by("pk").values("pk"))
        plan = make_plan(rows, labels)
        if plan.problems:
            raise ImportRejected(plan.problems)
        if not dry_run:
            _write(plan)
    return plan.summary
