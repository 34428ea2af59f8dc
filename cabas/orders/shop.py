"""A shop as one visitor sees it, shared by the shop pages and the API: the selling enterprise, the
visitor's customer record and visibility rules, whether a private shop lets them in, its open
distributions (with the shipping and payment methods they may choose from), its offers and the
visitor's cart.

These are selectors: they read and never write. Placing an order is `cabas.orders.checkout`.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.cycles.models import CycleDistributor, OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise, Role, Sells
from cabas.lib.rows import Columns, fetch
from cabas.orders.models import Customer, VisibilityRule
from cabas.orders.offers import OFFER_RELATED, cycle_is_sellable, offered_variants
from cabas.orders.visibility import Subject, Visibility, customer_for_user, visible_filter


@dataclass
class Shop:
    """A selling enterprise as one visitor sees it.

    `allowed` is False for a private shop whose visitor is neither one of its customers nor a
    member; `distributions` (the open ones the visitor may see) and `distribution` (the one chosen)
    are filled by `shop_open`."""

    enterprise: Enterprise
    customer: Customer | None
    visibility: Visibility
    allowed: bool
    user: object = None  # the logged-in visitor, or None
    distributions: list = field(default_factory=list)
    distribution: CycleDistributor | None = None

    @property
    def cycle(self) -> OrderCycle | None:
        return self.distribution.cycle if self.distribution else None


def _logged_in(user):
    return user if user is not None and user.is_authenticated else None


_ENTERPRISE = Columns(((Enterprise, "e", None),))


def _selling_enterprise(slug: str) -> tuple[Enterprise | None, bool]:
    """The enterprise `slug` when it sells something, and whether it has visibility rules: one
    written-out query (what `Enterprise.objects.exclude(sells=NONE).get(slug=slug)` and an `exists()`
    on its rules read), as it runs on every shop page and checkout."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {_ENTERPRISE.select}, EXISTS (SELECT 1 FROM {qn(VisibilityRule._meta.db_table)} r "  # noqa: S608
        f"WHERE r.enterprise_id = e.id) FROM {qn(Enterprise._meta.db_table)} e "
        "WHERE e.slug = %s AND NOT e.sells = %s"
    )
    rows = fetch(sql, [slug, Sells.NONE.value])
    if not rows:
        return None, False
    return _ENTERPRISE.instances(rows[0][:-1])[0], bool(rows[0][-1])


def shop_for(slug: str, user) -> Shop:
    """The shop `slug` as `user` (None or anonymous: a guest) sees it; Http404 when no enterprise
    selling anything has this slug."""
    user = _logged_in(user)
    enterprise, any_rules = _selling_enterprise(slug)
    if enterprise is None:
        raise Http404
    customer = customer_for_user(enterprise, user)
    allowed = (
        not enterprise.shop_private
        or customer is not None
        or (user is not None and Role.objects.filter(user=user, enterprise=enterprise).exists())
    )
    visibility = visible_filter(enterprise, customer, any_rules=any_rules)
    return Shop(enterprise, customer, visibility, allowed, user)


_DISTRIBUTIONS = {
    False: Columns(((CycleDistributor, "d", None), (OrderCycle, "c", None))),
    True: Columns(((CycleDistributor, "d", None), (OrderCycle, "c", None), (Enterprise, "k", None))),
}


def _open_distributions(enterprise: Enterprise, cycle_uuid, coordinator: bool) -> list[CycleDistributor]:
    """The distributions of `enterprise` whose cycle is open now (only `cycle_uuid`'s when given),
    with their cycle (and its coordinator), the cycle closing first first: what
    `CycleDistributor.objects.filter(...).select_related("cycle").order_by(...)` reads, written out
    because it runs on every shop page and checkout."""
    if cycle_uuid is not None:
        try:
            cycle_uuid = OrderCycle._meta.get_field("uuid").get_db_prep_value(cycle_uuid, connection)
        except ValidationError:
            return []
    columns, qn, ops = _DISTRIBUTIONS[coordinator], connection.ops.quote_name, connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    join = f" INNER JOIN {qn(Enterprise._meta.db_table)} k ON c.coordinator_id = k.id" if coordinator else ""
    sql = (
        f"SELECT {columns.select} FROM {qn(CycleDistributor._meta.db_table)} d "  # noqa: S608
        f"INNER JOIN {qn(OrderCycle._meta.db_table)} c ON d.cycle_id = c.id{join} "
        "WHERE d.distributor_id = %s AND c.opens_at <= %s AND c.closes_at > %s"
        + (" AND c.uuid = %s" if cycle_uuid is not None else "")
        + " ORDER BY c.closes_at, c.id"
    )
    params = [enterprise.pk, now, now] + ([cycle_uuid] if cycle_uuid is not None else [])
    distributions = []
    for row in fetch(sql, params):
        distribution, cycle, *rest = columns.instances(row)
        if rest:
            cycle.coordinator = rest[0]
        distribution.cycle, distribution.distributor = cycle, enterprise
        distributions.append(distribution)
    return distributions


def shop_distributions(
    shop: Shop, cycle_uuid: UUID | None = None, *, methods: bool = False, coordinator: bool = False
) -> list[CycleDistributor]:
    """The open distributions of the shop that the visitor may see (with their cycle, and its
    `coordinator` when asked), the cycle closing first first; only `cycle_uuid`'s when given. With
    `methods`, each gets the methods the visitor may choose from (see `distribution_methods`). One
    query (three with the methods)."""
    rows = _open_distributions(shop.enterprise, cycle_uuid, coordinator)
    visibility = shop.visibility
    distributions = [d for d in rows if cycle_is_sellable(d.cycle) and visibility.shows("cycles", d.cycle_id)]
    if methods:
        distribution_methods(shop, distributions)
    return distributions


def shop_open(slug: str, user, cycle_uuid=None) -> Shop:
    """`shop_for(slug, user)` with its open distributions (none when the visitor may not enter) and
    the one of `cycle_uuid` chosen, else the first one."""
    shop = shop_for(slug, user)
    if shop.allowed:
        shop.distributions = shop_distributions(shop)
    wanted = str(cycle_uuid or "")
    shop.distribution = next((d for d in shop.distributions if str(d.cycle.uuid) == wanted), None)
    if shop.distribution is None and shop.distributions:
        shop.distribution = shop.distributions[0]
    return shop


def _active_methods(
    relation: str, distribution: CycleDistributor, visibility: Visibility, subject: str
) -> list:
    """The active methods of `distribution`'s M2M `relation` that `visibility` shows, in their
    model's ordering: what `distribution.<relation>.filter(active=True)` reads, written out because
    the ORM takes longer to build and compile it than the database to run it (on every checkout)."""
    field = CycleDistributor._meta.get_field(relation)
    meta, qn = field.related_model._meta, connection.ops.quote_name
    columns = ", ".join(f"m.{qn(f.column)}" for f in meta.concrete_fields)
    ordering = ", ".join(
        f"m.{qn(meta.get_field(name.lstrip('-')).column)}{' DESC' if name.startswith('-') else ''}"
        for name in meta.ordering
    )
    join = f"t.{qn(field.m2m_reverse_name())} = m.{qn(meta.pk.column)}"
    sql = (
        f"SELECT {columns} FROM {qn(meta.db_table)} m "  # noqa: S608
        f"INNER JOIN {qn(field.m2m_db_table())} t ON {join} "
        f"WHERE t.{qn(field.m2m_column_name())} = %s AND m.{qn(meta.get_field('active').column)} = %s"
        + (f" ORDER BY {ordering}" if ordering else "")
    )
    methods = field.related_model._default_manager.raw(sql, [distribution.pk, True])
    return [method for method in methods if visibility.shows(subject, method.pk)]


def distribution_methods(shop: Shop, distributions: list[CycleDistributor]) -> None:
    """Give each of `distributions` `visible_shipping_methods` and `visible_payment_methods`: the
    active methods it offers that the visitor may see (two queries for all of them; none when they
    already have them)."""
    pending = [d for d in distributions if not hasattr(d, "visible_shipping_methods")]
    if len(pending) == 1:  # e.g. the checkout
        (distribution,) = pending
        visibility = shop.visibility
        distribution.visible_shipping_methods = _active_methods(
            "shipping_methods", distribution, visibility, Subject.SHIPPING_METHODS
        )
        distribution.visible_payment_methods = _active_methods(
            "payment_methods", distribution, visibility, Subject.PAYMENT_METHODS
        )
        return
    if not pending:
        return
    payment_model = CycleDistributor._meta.get_field("payment_methods").related_model
    shipping = shop.visibility.shipping_methods(ShippingMethod.objects.filter(active=True))
    payments = shop.visibility.payment_methods(payment_model._default_manager.filter(active=True))
    prefetch_related_objects(
        pending,
        Prefetch("shipping_methods", queryset=shipping, to_attr="visible_shipping_methods"),
        Prefetch("payment_methods", queryset=payments, to_attr="visible_payment_methods"),
    )


# --- offers -------------------------------------------------------------------------------------


def shop_offers(shop: Shop, cycle: OrderCycle):
    """The variants the shop sells in `cycle` that the visitor may see, with their offer (price,
    stock) annotated (a queryset)."""
    return shop.visibility.variants(offered_variants(cycle, shop.enterprise))


def shop_offers_by_uuid(shop: Shop, cycle: OrderCycle, uuids) -> dict:
    """The offers of `shop_offers` among the variants `uuids`, by uuid, ready to price (one query)."""
    offers = shop_offers(shop, cycle).filter(uuid__in=list(uuids)).select_related(*OFFER_RELATED)
    return {variant.uuid: variant for variant in offers}


def shop_offer(shop: Shop, cycle: OrderCycle, variant_pk: int):
    """One offer of `shop_offers` ready to price, or None."""
    return shop_offers(shop, cycle).filter(pk=variant_pk).select_related(*OFFER_RELATED).first()


def shop_variant(shop: Shop, raw_uuid: str):
    """The variant of uuid `raw_uuid` (with its product) when the visitor may see its product, else
    None (also for a malformed uuid). Whether the shop offers it is checked when it goes in a cart."""
    try:
        UUID(str(raw_uuid))
    except ValueError:
        return None
    variant = Variant.objects.select_related("product").filter(uuid=raw_uuid).first()
    if variant is None or not shop.visibility.shows("products", variant.product_id):
        return None
    return variant


def shop_products_page(shop: Shop, cycle: OrderCycle, *, q="", category="", producer="", offset=0, limit=50):
    """`(count, variants)`: how many offers match the filters and one page of them by name, ready to
    price and show (two queries)."""
    variants = shop_offers(shop, cycle)
    if q.strip():
        variants = variants.filter(product__name__icontains=q.strip())
    if category:
        variants = variants.filter(
            Q(product__category__slug=category) | Q(product__category__parent__slug=category)
        )
    if producer:
        variants = variants.filter(product__producer__slug=producer)
    count = variants.count()
    page = variants.select_related(*OFFER_RELATED, "product__category").order_by(
        "product__name", "product_id", "position", "pk"
    )[offset : offset + limit]
    return count, list(page)
