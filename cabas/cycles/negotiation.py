"""The lines of a cycle's price negotiation, as they stand: reads only (the writes are in
`services_approval`).

A cycle's price list is a list of lines: each variant's producer price (per kg or L for a
variable-weight variant, like `Variant.price`) and each fee's amount. Each line has its parties —
who must accept its number:

* a variant: the coordinator, the variant's producer (when it is not the coordinator) and the
  coordinator's consumer referents when its setting asks for them;
* a supplier fee: the coordinator, that supplier, the referents;
* a coordinator or distributor fee: the coordinator, every producer of the cycle, the referents;
* a platform fee is shown but not negotiated (the cooperative sets it for every shop).

During a round (`PriceDecision` « submitted »), each party proposes numbers: the rows of
`PriceProposal`, in order. A line's current number is the latest proposed; the parties that
accepted it are those that proposed it since it last changed (the one who changed it accepts it by
proposing it). The round is decided when every line is accepted by all its parties.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery
from django.utils.translation import gettext as _

from cabas.catalogue.models import InventoryItem, Variant
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, Fee, OrderCycle, PriceDecision
from cabas.cycles.pricing import VARIANT_PRICING_RELATED, Breakdown, FeeContext, _is_platform_fee
from cabas.enterprises.models import Enterprise, PriceApproval, Role
from cabas.lib.money import format_eur, format_percent, round_money
from cabas.lib.money import unit_price as unit_price_per
from cabas.lib.units import ITEMS

COORDINATOR = "coordinator"
PRODUCER = "producer"
REFERENTS = "referents"
MAX_LINES = 1000  # a price list longer than this is shown and negotiated on its first lines only


@dataclass
class Party:
    """Someone whose agreement the cycle's prices need: the coordinator, a producer, or the
    coordinator's consumer referents (`names`: who they are)."""

    kind: str  # COORDINATOR | PRODUCER | REFERENTS
    enterprise: Enterprise
    names: list[str] = field(default_factory=list)
    waiting: int = 0  # lines still to accept in the current round
    lines: int = 0  # lines it must accept

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.enterprise.pk}"

    @property
    def label(self) -> str:
        if self.kind == REFERENTS:
            return _("Référents consommateurs de %(name)s") % {"name": self.enterprise.name}
        return self.enterprise.name

    @property
    def done(self) -> bool:
        return self.lines > 0 and self.waiting == 0


def referents_required(coordinator: Enterprise) -> bool:
    return coordinator.price_approval == PriceApproval.PRODUCERS_AND_REFERENTS


def party_key(kind: str, enterprise_id: int) -> str:
    return f"{kind}:{enterprise_id}"


@dataclass
class Step:
    """A number proposed on a line: by whom, when; `accepted` when it repeats the current one."""

    party: str
    who: str
    amount: Decimal
    display: str
    created_at: object
    accepted: bool


@dataclass
class Line:
    key: str  # "v<variant id>" | "f<fee id>"
    label: str
    detail: str
    owner: str  # the producer, or the enterprise charging the fee
    kind_label: str
    unit: str  # what the number is per: "kg", "%", "commande"…
    negotiable: bool
    base: Decimal  # the number the round started from (or would start from)
    current: Decimal
    parties: list[str]
    accepted: set[str] = field(default_factory=set)
    steps: list[Step] = field(default_factory=list)
    variant: Variant | None = None
    fee: Fee | None = None
    breakdown: Breakdown | None = None
    tiers: list | None = None

    @property
    def done(self) -> bool:
        return set(self.parties) <= self.accepted

    def waits_for(self, key: str) -> bool:
        return key in self.parties and key not in self.accepted

    @property
    def countered(self) -> bool:
        """Someone proposed another number than the opening one in this round."""
        return sum(1 for step in self.steps if not step.accepted) > 1

    @property
    def changed(self) -> bool:
        return self.current != self.base

    @property
    def current_display(self) -> str:
        return number_display(self.current, self.unit)

    @property
    def base_display(self) -> str:
        return number_display(self.base, self.unit)

    @property
    def shelf_display(self) -> str:
        """The shelf price of one unit these numbers give (fees included)."""
        return format_eur(self.breakdown.unit_price) if self.breakdown is not None else ""

    @property
    def reference_display(self) -> str:
        """For a variant sold by a fixed quantity of kg or L: its price per kg or L."""
        variant = self.variant
        if variant is None or variant.variable_weight or variant.measure.dimension == ITEMS:
            return ""
        per = unit_price_per(self.current, variant.measure.reference_quantity())
        return f"{format_eur(per)}/{variant.measure.reference_label()}"

    @property
    def input_value(self) -> str:
        places = 4 if self.unit == "%" else 2
        value = self.current.quantize(Decimal(1).scaleb(-places)).normalize()
        text = f"{value:f}"
        if "." in text and places == 2:
            whole, cents = text.split(".")
            text = f"{whole}.{cents.ljust(2, '0')}"
        return text


def number_display(amount: Decimal, unit: str) -> str:
    if unit == "%":
        return format_percent(amount)
    text = format_eur(amount)
    return f"{text}/{unit}" if unit else text


def _fee_unit(fee: Fee) -> str:
    if fee.calculator == Fee.Calculator.PERCENT:
        return "%"
    if fee.calculator == Fee.Calculator.PER_KG:
        return "kg"
    if fee.calculator == Fee.Calculator.FLAT_PER_ORDER:
        return _("commande")
    if fee.calculator == Fee.Calculator.FLAT_PER_ITEM:
        return _("unité")
    return ""


def _variant_unit(variant: Variant) -> str:
    return variant.measure.reference_label() if variant.variable_weight else ""


def negotiation_parties(cycle: OrderCycle) -> list[Party]:
    """The coordinator, the producers of the cycle (other than the coordinator), the referents when
    required — with the referents' names (three queries at most)."""
    coordinator = cycle.coordinator
    producers = (
        Enterprise.objects.filter(pk__in=CycleSupplier.objects.filter(cycle=cycle).values("supplier_id"))
        .exclude(pk=coordinator.pk)
        .order_by("name")
    )
    parties = [Party(COORDINATOR, coordinator)]
    parties += [Party(PRODUCER, producer) for producer in producers]
    if referents_required(coordinator):
        names = [
            full_name or email
            for full_name, email in Role.objects.filter(
                enterprise=coordinator, consumer_referent=True, user__is_active=True
            )
            .order_by("user__email")
            .values_list("user__full_name", "user__email")
        ]
        parties.append(Party(REFERENTS, coordinator, names=names))
    return parties


def latest_submission(cycle: OrderCycle) -> PriceDecision | None:
    return (
        PriceDecision.objects.filter(cycle=cycle, kind=PriceDecision.Kind.SUBMITTED)
        .order_by("-created_at", "-id")
        .first()
    )


def shelf_distributor(cycle: OrderCycle) -> Enterprise | None:
    """Where the shelf prices of the negotiation are computed: the coordinator when it sells the
    cycle, else its first distributor."""
    rows = list(
        CycleDistributor.objects.filter(cycle=cycle).select_related("distributor").order_by("pk")[:50]
    )
    for row in rows:
        if row.distributor_id == cycle.coordinator_id:
            return row.distributor
    return rows[0].distributor if rows else None


def _cycle_variants(cycle: OrderCycle) -> list[Variant]:
    """The cycle's variants with their base number: the price decided for the cycle, else the
    coordinator's own price (its inventory), else the producer's (one query)."""
    decided = CycleVariant.objects.filter(cycle=cycle, variant=OuterRef("pk")).values("price")[:1]
    own = InventoryItem.objects.filter(
        hub=cycle.coordinator_id, variant=OuterRef("pk"), price__isnull=False
    ).values("price")[:1]
    money = DecimalField(max_digits=12, decimal_places=2)
    return list(
        Variant.objects.filter(pk__in=CycleVariant.objects.filter(cycle=cycle).values("variant"))
        .annotate(
            decided_price=Subquery(decided, output_field=money), own_price=Subquery(own, output_field=money)
        )
        .select_related(*VARIANT_PRICING_RELATED)
        .order_by("product__producer__name", "product__name", "position", "pk")[:MAX_LINES]
    )


def _cycle_fees(cycle: OrderCycle, context: FeeContext) -> list[tuple[Fee, str, int | None]]:
    """(fee, role, supplier id) of every fee of the cycle, each once: suppliers', coordinator's,
    distributors' (all of them), platform's; amounts as decided for the cycle when they were."""
    result: list[tuple[Fee, str, int | None]] = []
    seen: set[int] = set()
    for supplier_id, fees in sorted(context.supplier_fees.items()):
        for fee in fees:
            if fee.pk not in seen:
                seen.add(fee.pk)
                result.append((fee, "supplier", supplier_id))
    for fee in context.coordinator_fees:
        if fee.pk not in seen:
            seen.add(fee.pk)
            result.append((fee, "coordinator", None))
    distributor_fees = (
        Fee.objects.filter(
            pk__in=CycleDistributor.fees.through.objects.filter(cycledistributor__cycle=cycle).values("fee")
        )
        .filter(active=True)
        .select_related("enterprise", "tax_rate")
        .order_by("name", "pk")
    )
    decided = dict(cycle.decided_fees.values_list("fee_id", "amount"))
    for fee in distributor_fees:
        if fee.pk not in seen:
            seen.add(fee.pk)
            if fee.pk in decided:
                fee.amount = decided[fee.pk]
            result.append((fee, "distributor", None))
    for fee in context.platform_fees:
        if fee.pk not in seen:
            seen.add(fee.pk)
            result.append((fee, "platform", None))
    return result


@dataclass
class Negotiation:
    cycle: OrderCycle
    submission: PriceDecision | None
    parties: list[Party]
    lines: list[Line]
    in_round: bool  # a round is under way (prices submitted)

    @property
    def decided(self) -> bool:
        return bool(self.lines) and all(line.done for line in self.lines)

    def party(self, key: str) -> Party | None:
        return next((p for p in self.parties if p.key == key), None)

    def lines_for(self, key: str) -> list[Line]:
        return [line for line in self.lines if key in line.parties]

    def waiting_for(self, key: str) -> list[Line]:
        return [line for line in self.lines if line.waits_for(key)]


def negotiation(cycle: OrderCycle, *, with_shelf: bool = True) -> Negotiation:
    """The cycle's lines with their current numbers, parties and acceptances in the current round
    (or, before any round, the numbers a submission would start from). A constant number of
    queries whatever the number of lines."""
    parties = negotiation_parties(cycle)
    by_key = {p.key: p for p in parties}
    coordinator_key = party_key(COORDINATOR, cycle.coordinator_id)
    referents = [p.key for p in parties if p.kind == REFERENTS]
    producer_keys = [p.key for p in parties if p.kind == PRODUCER]
    distributor = shelf_distributor(cycle) if with_shelf else None
    context = FeeContext.for_cycle(cycle, distributor)
    lines: list[Line] = []
    for variant in _cycle_variants(cycle):
        producer = variant.product.producer
        keys = [coordinator_key]
        if party_key(PRODUCER, producer.pk) in by_key:
            keys.append(party_key(PRODUCER, producer.pk))
        keys += referents
        base = next(p for p in (variant.decided_price, variant.own_price, variant.price) if p is not None)
        detail = " · ".join(x for x in [variant.name, variant.measure.display()] if x)
        if variant.variable_weight:
            detail = _("%(detail)s, poids variable") % {"detail": detail}
        lines.append(
            Line(
                key=f"v{variant.pk}",
                label=variant.product.name,
                detail=detail,
                owner=producer.name,
                kind_label=_("Prix producteur"),
                unit=_variant_unit(variant),
                negotiable=True,
                base=base,
                current=base,
                parties=keys,
                variant=variant,
            )
        )
    for fee, role, supplier_id in _cycle_fees(cycle, context):
        if role == "platform" or _is_platform_fee(fee):
            keys = []
        elif role == "supplier":
            keys = [coordinator_key]
            if party_key(PRODUCER, supplier_id) in by_key:
                keys.append(party_key(PRODUCER, supplier_id))
            keys += referents
        else:
            keys = [coordinator_key, *producer_keys, *referents]
        tiered = fee.calculator == Fee.Calculator.TIERED
        lines.append(
            Line(
                key=f"f{fee.pk}",
                label=fee.name,
                detail=f"{Fee.Type(fee.fee_type).label} · {Fee.Calculator(fee.calculator).label}",
                owner=fee.enterprise.name,
                kind_label=_("Frais"),
                unit=_fee_unit(fee),
                negotiable=bool(keys) and not tiered,
                base=fee.amount,
                current=fee.amount,
                parties=keys,
                fee=fee,
                tiers=fee.tiers if tiered else None,
            )
        )
    submission = latest_submission(cycle)
    in_round = submission is not None and cycle.approval == OrderCycle.Approval.SUBMITTED
    if submission is not None and cycle.approval in (
        OrderCycle.Approval.SUBMITTED,
        OrderCycle.Approval.APPROVED,
    ):
        _apply_round(lines, submission, by_key, replace_base=True)
    elif submission is not None:
        _carry_over(lines, submission)
    for line in lines:
        if not line.parties:
            line.accepted = set()
    for party in parties:
        mine = [line for line in lines if party.key in line.parties]
        party.lines = len(mine)
        party.waiting = sum(1 for line in mine if party.key not in line.accepted) if in_round else len(mine)
        if not in_round and cycle.approval == OrderCycle.Approval.APPROVED:
            party.waiting = 0
    if with_shelf:
        amounts = {line.fee.pk: line.current for line in lines if line.fee is not None}
        priced = with_amounts(context, amounts)
        for line in lines:
            if line.variant is not None:
                line.breakdown = priced.price_breakdown(
                    line.variant, price=unit_price(line.variant, line.current)
                )
    return Negotiation(cycle=cycle, submission=submission, parties=parties, lines=lines, in_round=in_round)


def with_amounts(context: FeeContext, amounts: dict[int, Decimal]) -> FeeContext:
    """`context` with the fees of `amounts` (fee id -> amount) charging those amounts instead: the
    shelf prices a negotiation's proposed numbers would give. Fees are copied, never saved."""
    copies: dict[int, Fee] = {}

    def swap(fees):
        result = []
        for fee in fees:
            if fee.pk in amounts:
                if fee.pk not in copies:
                    copies[fee.pk] = copy.copy(fee)
                    copies[fee.pk].amount = amounts[fee.pk]
                fee = copies[fee.pk]
            result.append(fee)
        return result

    return FeeContext(
        supplier_fees={k: swap(v) for k, v in context.supplier_fees.items()},
        coordinator_fees=swap(context.coordinator_fees),
        distributor_fees=swap(context.distributor_fees),
        platform_fees=swap(context.platform_fees),
    )


def unit_price(variant: Variant, number: Decimal) -> Decimal:
    """The producer price of one unit for a proposed `number` (per kg or L for variable weight)."""
    if variant.variable_weight:
        return round_money(number * variant.measure.reference_quantity())
    return round_money(number)


def _rows(submission: PriceDecision) -> list:
    return list(submission.proposals.select_related("user", "enterprise").order_by("id"))


def _line_key(row) -> str:
    return f"v{row.variant_id}" if row.variant_id else f"f{row.fee_id}"


def _apply_round(
    lines: list[Line], submission: PriceDecision, by_key: dict[str, Party], *, replace_base: bool
):
    """Set each line's current number, acceptances and steps from the round's rows."""
    index = {line.key: line for line in lines}
    started: set[str] = set()
    for row in _rows(submission):
        line = index.get(_line_key(row))
        if line is None:
            continue
        key = party_key(row.party, row.enterprise_id)
        party = by_key.get(key)
        who = party.label if party else row.enterprise.name
        if line.key not in started:
            started.add(line.key)
            if replace_base:
                line.base = row.amount
            line.current = row.amount
            line.accepted = {key}
            accepted = False
        elif row.amount == line.current:
            line.accepted.add(key)
            accepted = True
        else:
            line.current = row.amount
            line.accepted = {key}
            accepted = False
        line.steps.append(
            Step(
                party=key,
                who=who,
                amount=row.amount,
                display=number_display(row.amount, line.unit),
                created_at=row.created_at,
                accepted=accepted,
            )
        )


def _carry_over(lines: list[Line], submission: PriceDecision) -> None:
    """Before a new round: a line keeps the number reached in the previous round, unless what it
    started from has changed since (the coordinator edited the fee, say)."""
    first: dict[str, Decimal] = {}
    last: dict[str, Decimal] = {}
    for row in submission.proposals.order_by("id").only("variant_id", "fee_id", "amount"):
        key = _line_key(row)
        first.setdefault(key, row.amount)
        last[key] = row.amount
    for line in lines:
        if line.key in last and line.negotiable and first[line.key] == line.base:
            line.base = line.current = last[line.key]


def decided_history(cycle: OrderCycle, limit: int = 10) -> list[PriceDecision]:
    """The cycle's decided price lists, newest first (public: numbers and who agreed, no messages)."""
    return list(
        PriceDecision.objects.filter(cycle=cycle, kind=PriceDecision.Kind.DECIDED).order_by(
            "-created_at", "-id"
        )[:limit]
    )
