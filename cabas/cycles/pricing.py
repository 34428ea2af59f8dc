"""Prices in an order cycle: the producer price plus each fee, shown by name, with their VAT.

Every price a customer sees in a cycle is ``producer price + Σ per-item fees``, each part rounded to
the cent on its own, so the breakdown always adds up to the price shown. An order is then

    items_total = Σ quantity × producer price          (one ``Line`` per variant)
    fees_total  = Σ fee lines                          (one ``FeeLine`` per fee)
    total       = items_total + fees_total             (exactly)

where a per-item fee line is ``Σ quantity × per-unit amount`` over the order's lines: exactly the fee
embedded in the line prices the customer saw, never one cent more (no rounding of a percentage of
the order total).

Which fees apply to a variant sold by a distributor in a cycle:

* the supplier fees of the variant's producer (``CycleSupplier.fees``),
* the coordinator fees (``OrderCycle.coordinator_fees``),
* the distributor fees (``CycleDistributor.fees``),
* the platform operator's active fees of type "platform" (the enterprise whose slug is
  ``settings.PLATFORM_ENTERPRISE_SLUG``; none when it does not exist).

Inactive ``Fee`` rows are ignored; a fee attached twice (say as coordinator and distributor fee of
the same hub) is charged once.

Calculators and their rounding (amounts are VAT included, rounded half up to the cent):

* ``flat_per_item``  — ``amount`` per unit.
* ``percent``        — ``round(producer price × amount / 100)`` per unit.
* ``per_kg``         — ``round(amount × weight of one unit in kg)`` per unit; a unit sold by
  volume or by the piece has no weight, so the fee is 0 on it. For variable-weight products the
  estimated weight is used.
* ``tiered``         — per unit, the amount of the highest tier whose "from" ≤ the line quantity
  (0 below the first tier).
* ``flat_per_order`` — ``amount`` once per order, never per unit (a supplier's per-order fee only
  when the order holds one of its products).
* shipping           — the ``fee`` of the order's shipping method, once per order (a delivery's
  minimum order is a condition, not a fee).

VAT of a fee: the rate of its ``tax_rate`` (none → 0 %, outside the scope of VAT); 0 % when the
enterprise charging it is under the VAT franchise (art. 293 B du CGI). The VAT of a product is its
variant's effective rate, 0 % when its producer is under the franchise. VAT is always *within* the
amounts (prices are VAT included); totals split VAT once per rate.

Use ``FeeContext.for_cycle(cycle, distributor)`` on pages listing many variants: it loads every fee
in two queries, then prices any number of variants in pure Python. Variants should come with
``select_related(*VARIANT_PRICING_RELATED)`` to avoid a query each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection

from cabas.catalogue.models import TaxRate
from cabas.cycles.models import CycleDistributor, CycleFee, CycleSupplier, Fee, OrderCycle
from cabas.enterprises.models import Enterprise, VatRegime
from cabas.lib import units
from cabas.lib.money import HUNDRED, ZERO, round_money, split_vat, to_decimal
from cabas.lib.rows import Columns, fetch

# What a variant needs loaded to be priced without further queries.
VARIANT_PRICING_RELATED = ("product__producer", "product__category__default_tax_rate", "tax_rate")
FEE_RELATED = ("enterprise", "tax_rate")

PER_ITEM_CALCULATORS = frozenset(
    {
        Fee.Calculator.FLAT_PER_ITEM,
        Fee.Calculator.PERCENT,
        Fee.Calculator.PER_KG,
        Fee.Calculator.TIERED,
    }
)
# The fee type of a shipping method's fee line (it counts as logistics).
SHIPPING_FEE_TYPE = Fee.Type.TRANSPORT

# The shares of the "where your money goes" page, in display order.
PRODUCERS = "producers"
LOGISTICS = "logistics"
HUB = "hub"
SOLIDARITY = "solidarity"
PLATFORM = "platform"
SHARE_KEYS = (PRODUCERS, LOGISTICS, HUB, SOLIDARITY, PLATFORM)
SHARE_OF_FEE_TYPE = {
    Fee.Type.PACKING: LOGISTICS,
    Fee.Type.TRANSPORT: LOGISTICS,
    Fee.Type.ADMIN: HUB,
    Fee.Type.SALES: HUB,
    Fee.Type.SOLIDARITY: SOLIDARITY,
    Fee.Type.PLATFORM: PLATFORM,
}


def share_of(fee_type: str) -> str:
    """The share ("logistics", "hub", ...) a fee type counts in; unknown types count as hub."""
    return SHARE_OF_FEE_TYPE.get(fee_type, HUB)


@dataclass(frozen=True)
class FeeLineData:
    """One fee, VAT included and rounded to the cent: on one unit of a variant (a part of its price,
    in a ``Breakdown``) or charged on an order (what becomes an ``orders.FeeLine``); ``fee`` is None
    for the shipping fee and for a reduction."""

    fee: Fee | None
    enterprise: object
    name: str
    fee_type: str
    amount: Decimal
    tax_rate: Decimal

    def get_fee_type_display(self) -> str:
        return str(Fee.Type(self.fee_type).label) if self.fee_type in Fee.Type.values else self.fee_type


@dataclass(frozen=True)
class LineData:
    """One product line of an order: quantity × producer unit price (what becomes an ``orders.Line``)."""

    variant: object
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal

    @property
    def total(self) -> Decimal:
        return round_money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Breakdown:
    """The price of one unit of a variant in a cycle, part by part.

    ``unit_price == producer_price + Σ fee amounts`` exactly; ``vat`` is the VAT within it (the
    producer price's VAT plus each fee's); ``shares`` sums the parts by share (producers,
    logistics, hub, solidarity, platform) and adds up to ``unit_price``.
    """

    producer_price: Decimal
    producer_tax_rate: Decimal
    fees: list[FeeLineData]
    unit_price: Decimal
    vat: Decimal
    shares: dict[str, Decimal] = field(default_factory=dict)

    @property
    def fees_total(self) -> Decimal:
        return sum((f.amount for f in self.fees), ZERO)

    @property
    def price_excluding_vat(self) -> Decimal:
        return self.unit_price - self.vat


@dataclass(frozen=True)
class Totals:
    """An order's totals (VAT included); ``vat_by_rate`` maps each rate to the VAT within the
    amounts at that rate, and sums to ``vat_total``."""

    items_total: Decimal
    fees_total: Decimal
    total: Decimal
    vat_total: Decimal
    vat_by_rate: dict[Decimal, Decimal] = field(default_factory=dict)


# --- single rows ------------------------------------------------------------------------------


def is_franchise(enterprise) -> bool:
    return getattr(enterprise, "vat_regime", None) == VatRegime.FRANCHISE


def fee_tax_rate(fee: Fee) -> Decimal:
    """The VAT rate (percent) of a fee: its tax rate, 0 without one or under the VAT franchise."""
    if fee.tax_rate_id is None or is_franchise(fee.enterprise):
        return Decimal(0)
    return fee.tax_rate.rate


def product_tax_rate(variant) -> Decimal:
    """The VAT rate (percent) of a variant: its effective rate, 0 when its producer is under the
    VAT franchise."""
    if is_franchise(variant.product.producer):
        return Decimal(0)
    return variant.effective_tax_rate().rate


def producer_price(variant) -> Decimal:
    """The producer's price of one unit (VAT included): the price, or for a variable-weight
    product the estimate from its weight."""
    return round_money(variant.estimated_price())


def unit_weight_kg(variant) -> Decimal:
    """The weight of one unit in kg; 0 for units sold by volume or by the piece."""
    if units.dimension(variant.unit) != units.WEIGHT:
        return Decimal(0)
    return units.reference_quantity(Decimal(variant.quantity), variant.unit)


def parse_tiers(tiers) -> list[tuple[int, Decimal]]:
    """[(from, amount)] sorted by "from", from the JSON of a tiered fee; malformed rows skipped."""
    result = []
    for tier in tiers or []:
        try:
            start = int(tier["from"])
            amount = to_decimal(str(tier["amount"]))
        except (KeyError, TypeError, ValueError):
            continue
        if start >= 1 and amount >= 0:
            result.append((start, amount))
    return sorted(result)


def tier_amount(tiers, quantity: int) -> Decimal:
    """The per-unit amount of the highest tier whose "from" ≤ quantity (0 below every tier)."""
    amount = Decimal(0)
    for start, tier in parse_tiers(tiers):
        if start <= quantity:
            amount = tier
    return amount


def per_unit_amount(fee: Fee, *, price: Decimal, weight_kg: Decimal, quantity: int = 1) -> Decimal:
    """What `fee` adds to one unit of a product of producer price `price` and weight `weight_kg`,
    on a line of `quantity` units, rounded half up to the cent. 0 for per-order fees."""
    calculator = fee.calculator
    if calculator == Fee.Calculator.FLAT_PER_ITEM:
        return round_money(fee.amount)
    if calculator == Fee.Calculator.PERCENT:
        return round_money(price * fee.amount / HUNDRED)
    if calculator == Fee.Calculator.PER_KG:
        return round_money(fee.amount * weight_kg)
    if calculator == Fee.Calculator.TIERED:
        return round_money(tier_amount(fee.tiers, quantity))
    return ZERO


def vat_by_rate(amounts: Iterable[tuple[Decimal, Decimal]]) -> dict[Decimal, Decimal]:
    """{rate: VAT within the sum of the amounts at that rate} from (amount, rate) pairs; VAT is
    split once per rate (half up), so each rate's base + VAT equals its amounts exactly."""
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for amount, rate in amounts:
        bases[Decimal(rate).normalize()] += amount
    return {rate: split_vat(base, rate)[1] for rate, base in sorted(bases.items())}


# --- a cycle's fees ---------------------------------------------------------------------------


class FeeContext:
    """Every fee of one cycle at one distributor, loaded once; prices variants in pure Python."""

    def __init__(self, *, supplier_fees=None, coordinator_fees=(), distributor_fees=(), platform_fees=()):
        # producer id -> its supplier fees
        self.supplier_fees: dict[int, list[Fee]] = {k: list(v) for k, v in (supplier_fees or {}).items()}
        self.coordinator_fees = list(coordinator_fees)
        self.distributor_fees = list(distributor_fees)
        self.platform_fees = list(platform_fees)

    @classmethod
    def for_cycle(cls, cycle, distributor=None) -> FeeContext:
        """Load the fees of `cycle` as sold by `distributor` (an Enterprise; None: no distributor
        fees) in one query: the active fees attached to the cycle — to a supplier, by the
        coordinator, by the distributor — and the platform's, each row saying where it is attached."""
        supplier, coordinator = 1, 2  # else 3: the distributor's
        fees: dict[int, Fee] = {}  # by name, then id
        roles: dict[int, set] = defaultdict(set)
        for role, supplier_id, *columns in _fees_attached(cycle.pk, distributor.pk if distributor else None):
            fee, enterprise, tax_rate, decided = _FEE_COLUMNS.instances(columns)
            if fee.pk not in fees:
                fee.enterprise, fee.tax_rate = enterprise, tax_rate
                if decided is not None:  # the amount decided together for this cycle
                    fee.amount = decided.amount
                fees[fee.pk] = fee
            if role is not None:
                roles[fee.pk].add((role, supplier_id))
        supplier_fees: dict[int, list[Fee]] = defaultdict(list)
        coordinator_fees, distributor_fees, platform = [], [], []
        for fee in fees.values():
            for role, supplier_id in sorted(roles.get(fee.pk, ()), key=lambda r: (r[0], r[1] or 0)):
                if role == supplier:
                    supplier_fees[supplier_id].append(fee)
                elif role == coordinator:
                    coordinator_fees.append(fee)
                else:
                    distributor_fees.append(fee)
            if _is_platform_fee(fee):
                platform.append(fee)
        return cls(
            supplier_fees=supplier_fees,
            coordinator_fees=coordinator_fees,
            distributor_fees=distributor_fees,
            platform_fees=platform,
        )

    def fees_for_producer(self, producer_id: int) -> list[Fee]:
        """The fees on a product of `producer_id`, each once: supplier, coordinator, distributor,
        platform."""
        seen = set()
        result = []
        for fee in [
            *self.supplier_fees.get(producer_id, ()),
            *self.coordinator_fees,
            *self.distributor_fees,
            *self.platform_fees,
        ]:
            if fee.active and fee.pk not in seen:
                seen.add(fee.pk)
                result.append(fee)
        return result

    def unit_fees(self, variant, quantity: int = 1, *, price: Decimal | None = None) -> list[FeeLineData]:
        """The per-item fees on one unit of `variant` on a line of `quantity` units (zero amounts
        left out). `price` overrides the producer price."""
        price = producer_price(variant) if price is None else round_money(price)
        weight = unit_weight_kg(variant)
        shares = []
        for fee in self.fees_for_producer(variant.product.producer_id):
            if fee.calculator not in PER_ITEM_CALCULATORS:
                continue
            amount = per_unit_amount(fee, price=price, weight_kg=weight, quantity=quantity)
            if amount:
                shares.append(
                    FeeLineData(
                        fee=fee,
                        enterprise=fee.enterprise,
                        name=fee.name,
                        fee_type=fee.fee_type,
                        amount=amount,
                        tax_rate=fee_tax_rate(fee),
                    )
                )
        return shares

    def price_breakdown(self, variant, quantity: int = 1, *, price: Decimal | None = None) -> Breakdown:
        """The breakdown of the unit price of `variant` (see ``Breakdown``)."""
        base = producer_price(variant) if price is None else round_money(price)
        rate = product_tax_rate(variant)
        fees = self.unit_fees(variant, quantity, price=base)
        shares = dict.fromkeys(SHARE_KEYS, ZERO)
        shares[PRODUCERS] = base
        vat = split_vat(base, rate)[1]
        for fee in fees:
            shares[share_of(fee.fee_type)] += fee.amount
            vat += split_vat(fee.amount, fee.tax_rate)[1]
        unit_price = base + sum((f.amount for f in fees), ZERO)
        return Breakdown(
            producer_price=base,
            producer_tax_rate=rate,
            fees=fees,
            unit_price=unit_price,
            vat=vat,
            shares=shares,
        )

    def unit_price(self, variant, quantity: int = 1) -> Decimal:
        """What the shop shows for one unit: producer price + per-item fees."""
        return self.price_breakdown(variant, quantity).unit_price

    def order_lines(self, lines: Iterable[tuple[object, int]]) -> list[LineData]:
        """``LineData`` (producer unit price and VAT rate) of (variant, quantity) pairs."""
        return [
            LineData(variant=v, quantity=int(q), unit_price=producer_price(v), tax_rate=product_tax_rate(v))
            for v, q in lines
        ]

    def order_fee_lines(
        self, lines: Iterable[tuple[object, int]], shipping_method=None, payment_method=None
    ) -> list[FeeLineData]:
        """The fee lines of an order of (variant, quantity) `lines`.

        Per-item fees are summed over the lines (Σ quantity × per-unit amount of that line), so
        they equal exactly the fees embedded in the line prices; then each per-order fee once
        (a supplier's only if the order has one of its products); then the shipping fee; then the
        fee of the payment method (see ``payment_fee_line``).
        """
        lines = [(v, int(q)) for v, q in lines if int(q) > 0]
        if not lines:
            return []
        sums: dict[int, Decimal] = {}
        fees: dict[int, Fee] = {}
        for variant, quantity in lines:
            for share in self.unit_fees(variant, quantity):
                fees[share.fee.pk] = share.fee
                sums[share.fee.pk] = sums.get(share.fee.pk, ZERO) + share.amount * quantity
        result = [_fee_line(fees[pk], amount) for pk, amount in sums.items() if amount]
        producer_ids = list(dict.fromkeys(v.product.producer_id for v, _ in lines))
        seen = set()
        for producer_id in producer_ids:
            for fee in self.fees_for_producer(producer_id):
                if fee.calculator == Fee.Calculator.FLAT_PER_ORDER and fee.pk not in seen:
                    seen.add(fee.pk)
                    amount = round_money(fee.amount)
                    if amount:
                        result.append(_fee_line(fee, amount))
        shipping = shipping_fee_line(shipping_method)
        if shipping is not None:
            result.append(shipping)
        charged = {line.fee.pk for line in result if line.fee is not None}
        payment = payment_fee_line(payment_method, lines, charged=charged)
        if payment is not None:
            result.append(payment)
        return result


def _fee_line(fee: Fee, amount: Decimal) -> FeeLineData:
    return FeeLineData(
        fee=fee,
        enterprise=fee.enterprise,
        name=fee.name,
        fee_type=fee.fee_type,
        amount=round_money(amount),
        tax_rate=fee_tax_rate(fee),
    )


def shipping_fee_line(shipping_method) -> FeeLineData | None:
    """The fee line of a shipping method's fee (None when it has no fee)."""
    if shipping_method is None or not shipping_method.fee:
        return None
    amount = round_money(shipping_method.fee)
    if amount <= 0:
        return None
    enterprise = shipping_method.enterprise
    rate = Decimal(0)
    if shipping_method.fee_tax_rate_id is not None and not is_franchise(enterprise):
        rate = shipping_method.fee_tax_rate.rate
    return FeeLineData(
        fee=None,
        enterprise=enterprise,
        name=shipping_method.name,
        fee_type=SHIPPING_FEE_TYPE,
        amount=amount,
        tax_rate=rate,
    )


def payment_fee_line(payment_method, lines, *, charged=()) -> FeeLineData | None:
    """The fee line of a payment method's fee on an order of (variant, quantity) `lines`, or None
    (no fee, an inactive one, a zero amount, or a fee the order already carries: charged once).
    A per-order fee counts once; a per-item fee is Σ quantity × per-unit amount, as for the
    cycle's fees (it is not in the shop's unit prices: it only applies once the method is chosen)."""
    if payment_method is None or payment_method.fee_id is None or payment_method.fee_id in charged:
        return None
    if type(payment_method).fee.is_cached(payment_method):
        fee = payment_method.fee
    else:
        fee = Fee.objects.select_related(*FEE_RELATED).filter(pk=payment_method.fee_id).first()
    if fee is None or not fee.active:
        return None
    if fee.calculator in PER_ITEM_CALCULATORS:
        amount = ZERO
        for variant, quantity in lines:
            price, weight = producer_price(variant), unit_weight_kg(variant)
            amount += per_unit_amount(fee, price=price, weight_kg=weight, quantity=quantity) * quantity
    else:
        amount = fee.amount
    amount = round_money(amount)
    return _fee_line(fee, amount) if amount > 0 else None


# What `_fees_attached` reads of each fee: the fee, its enterprise and its tax rate (FEE_RELATED),
# and the amount decided for the cycle (a CycleFee, None when there is none).
_FEE_COLUMNS = Columns(
    ((Fee, "f", None), (Enterprise, "e", None), (TaxRate, "t", None), (CycleFee, "cf", ("id", "amount")))
)


def _fees_attached(cycle_id: int, distributor_id: int | None) -> list[tuple]:
    """(role, supplier id or None, then the columns of `_FEE_COLUMNS`) of every active fee attached
    to the cycle — role 1 to a supplier, 2 by the coordinator, 3 by the distributor (when given),
    one row per attachment — and of the platform's active fees (role None when not attached),
    ordered by fee name then id. Written out: it runs on every checkout and the ORM took longer to
    build and compile it than the database to run it."""
    qn = connection.ops.quote_name

    def m2m(field):  # the through table, its column towards the owner, its column towards the fee
        return qn(field.m2m_db_table()), qn(field.m2m_column_name()), qn(field.m2m_reverse_name())

    def owner(model, name):
        return qn(model._meta.db_table), qn(model._meta.get_field(name).column)

    pk = qn("id")
    supplier_fees, supplier_owner, supplier_fee = m2m(CycleSupplier.fees.field)
    suppliers, supplier_cycle = owner(CycleSupplier, "cycle")
    supplier_column = qn(CycleSupplier._meta.get_field("supplier").column)
    coordinator_fees, coordinator_owner, coordinator_fee = m2m(OrderCycle.coordinator_fees.field)
    attached = (
        f"SELECT 1 AS role, s.{supplier_column} AS supplier_id, t.{supplier_fee} AS fee_id "  # noqa: S608
        f"FROM {supplier_fees} t INNER JOIN {suppliers} s ON s.{pk} = t.{supplier_owner} "
        f"WHERE s.{supplier_cycle} = %s "
        f"UNION ALL SELECT 2, NULL, t.{coordinator_fee} FROM {coordinator_fees} t "
        f"WHERE t.{coordinator_owner} = %s"
    )
    params = [cycle_id, cycle_id]
    if distributor_id is not None:
        distributor_fees, distributor_owner, distributor_fee = m2m(CycleDistributor.fees.field)
        distributions, distribution_cycle = owner(CycleDistributor, "cycle")
        distributor_column = qn(CycleDistributor._meta.get_field("distributor").column)
        attached += (
            f" UNION ALL SELECT 3, NULL, t.{distributor_fee} FROM {distributor_fees} t "  # noqa: S608
            f"INNER JOIN {distributions} d ON d.{pk} = t.{distributor_owner} "
            f"WHERE d.{distribution_cycle} = %s AND d.{distributor_column} = %s"
        )
        params += [cycle_id, distributor_id]
    fee = {
        name: qn(Fee._meta.get_field(name).column)
        for name in ("enterprise", "tax_rate", "active", "fee_type", "name")
    }
    sql = (
        f"SELECT a.role, a.supplier_id, {_FEE_COLUMNS.select} FROM {qn(Fee._meta.db_table)} f "  # noqa: S608
        f"INNER JOIN {qn(Enterprise._meta.db_table)} e ON e.{pk} = f.{fee['enterprise']} "
        f"LEFT OUTER JOIN {qn(TaxRate._meta.db_table)} t ON t.{pk} = f.{fee['tax_rate']} "
        f"LEFT OUTER JOIN ({attached}) a ON a.fee_id = f.{pk} "
        f"LEFT OUTER JOIN {qn(CycleFee._meta.db_table)} cf ON cf.{qn('fee_id')} = f.{pk} "
        f"AND cf.{qn('cycle_id')} = %s "
        f"WHERE f.{fee['active']} = %s AND (a.fee_id IS NOT NULL "
        f"OR (e.{qn(Enterprise._meta.get_field('slug').column)} = %s AND f.{fee['fee_type']} = %s)) "
        f"ORDER BY f.{fee['name']}, f.{pk}, a.role, a.supplier_id"
    )
    params += [cycle_id, True, settings.PLATFORM_ENTERPRISE_SLUG, Fee.Type.PLATFORM]
    return fetch(sql, params)


def _is_platform_fee(fee: Fee) -> bool:
    return fee.fee_type == Fee.Type.PLATFORM and fee.enterprise.slug == settings.PLATFORM_ENTERPRISE_SLUG


# --- the contract's functions -----------------------------------------------------------------


def unit_fees(*, cycle, distributor, variant, quantity: int = 1) -> list[FeeLineData]:
    """The per-item fees on one unit of `variant` sold by `distributor` in `cycle`."""
    return FeeContext.for_cycle(cycle, distributor).unit_fees(variant, quantity)


def price_breakdown(*, cycle, distributor, variant, quantity: int = 1) -> Breakdown:
    """The price breakdown of one unit of `variant` sold by `distributor` in `cycle`."""
    return FeeContext.for_cycle(cycle, distributor).price_breakdown(variant, quantity)


def order_fee_lines(
    *, cycle, distributor, lines, shipping_method=None, payment_method=None
) -> list[FeeLineData]:
    """The fee lines of an order of (variant, quantity) `lines` (see ``FeeContext.order_fee_lines``)."""
    return FeeContext.for_cycle(cycle, distributor).order_fee_lines(lines, shipping_method, payment_method)


def line_amount(line) -> Decimal:
    """What a product line costs: quantity × unit price, or for a weighed variable-weight line
    (``orders.Line.weighed_total``) its price per kg or L × the weight."""
    weighed = getattr(line, "weighed_total", None)
    return weighed if weighed is not None else round_money(to_decimal(line.unit_price) * line.quantity)


def order_totals(lines, fee_lines) -> Totals:
    """Totals of an order from its lines (anything with quantity, unit_price, tax_rate: ``LineData``,
    ``orders.Line``) and fee lines (amount, tax_rate). ``total == items_total + fees_total``."""
    lines = list(lines)
    fee_lines = list(fee_lines)
    line_totals = [(line_amount(line), line.tax_rate) for line in lines]
    items_total = sum((t for t, _ in line_totals), ZERO)
    fees_total = sum((round_money(f.amount) for f in fee_lines), ZERO)
    by_rate = vat_by_rate([*line_totals, *((round_money(f.amount), f.tax_rate) for f in fee_lines)])
    return Totals(
        items_total=items_total,
        fees_total=fees_total,
        total=items_total + fees_total,
        vat_total=sum(by_rate.values(), ZERO),
        vat_by_rate=by_rate,
    )


def percentages(amounts: list[Decimal]) -> list[int]:
    """Whole percentages of each amount in their sum, adding up to exactly 100 (largest remainder:
    the rounded-down shares, then one point more to the largest remainders). All 0 for a zero sum."""
    total = sum(amounts, Decimal(0))
    if total <= 0:
        return [0] * len(amounts)
    exact = [a * HUNDRED / total for a in amounts]
    floors = [int(e) for e in exact]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (exact[i] - floors[i], amounts[i]), reverse=True)
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors
