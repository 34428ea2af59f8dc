"""Order cycles: create, edit, clone and delete them; choose their suppliers, variants and
distributors; repeat them on a schedule.

Dates are stored in UTC and shown, typed and shifted in Europe/Paris (a weekly cycle opening on
Tuesday at 18:00 keeps opening at 18:00 across daylight-saving changes).

Bulk variant selection works on the whole filtered set with one INSERT … SELECT or one DELETE,
never row by row: a cycle can offer tens of thousands of variants.

The co-decision of prices lives in `services_approval`; this module only resets an approval when
a price changes (`_prices_edited`) and answers whether a cycle may sell (`cycle_is_sellable`).
The reads shared by pages (the cycles of a status, a coordinator's cycles as listed) live in
`selectors`.
"""

import calendar
import datetime
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalogue.models import Category, Variant
from cabas.cycles import registry
from cabas.cycles.exceptions import CycleError
from cabas.cycles.models import (
    CycleDistributor,
    CycleSupplier,
    CycleVariant,
    Fee,
    OrderCycle,
    Schedule,
    ShippingMethod,
)
from cabas.enterprises.models import Enterprise, PriceApproval, Relationship, Sells

logger = logging.getLogger(__name__)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# How far ahead a schedule prepares its next cycle (the next cycle exists once the latest one
# closes within this horizon).
SCHEDULE_HORIZON = datetime.timedelta(days=getattr(settings, "CYCLES_SCHEDULE_HORIZON_DAYS", 7))


# --- Status and sellability -------------------------------------------------------------------


def approval_required(coordinator: Enterprise) -> bool:
    """Whether the coordinator's cycles need their prices approved before they open."""
    return coordinator.price_approval != PriceApproval.NONE


def approval_satisfied(cycle: OrderCycle) -> bool:
    """The cycle's prices need no approval (its coordinator did not ask for it when the cycle was
    prepared), or they are approved. A draft or submitted price list blocks the opening."""
    return cycle.approval in OrderCycle.SELLING_APPROVALS


def cycle_can_open(cycle: OrderCycle) -> bool:
    """Whether the cycle may take orders as far as prices go (approved when its coordinator says so)."""
    return approval_satisfied(cycle)


def cycle_is_sellable(cycle: OrderCycle, at=None) -> bool:
    """Open by its dates AND its prices approved when the coordinator requires it: what the shop
    checks before showing or selling anything of `cycle` (no query)."""
    return cycle.status(at) == OrderCycle.Status.OPEN and cycle_can_open(cycle)


def _initial_approval(coordinator: Enterprise) -> str:
    if approval_required(coordinator):
        return OrderCycle.Approval.DRAFT
    return OrderCycle.Approval.NOT_REQUIRED


def _prices_edited(cycle: OrderCycle) -> bool:
    """A price of the cycle changed (variants, fees): a submitted or approved price list no longer
    holds, the cycle goes back to draft (decided in the database, whatever `cycle` says). Returns
    whether an approval was reset."""
    reset = OrderCycle.objects.filter(
        pk=cycle.pk, approval__in=[OrderCycle.Approval.SUBMITTED, OrderCycle.Approval.APPROVED]
    ).update(approval=OrderCycle.Approval.DRAFT, updated_at=timezone.now())
    if reset:
        cycle.approval = OrderCycle.Approval.DRAFT
    return bool(reset)


# --- Who may take part --------------------------------------------------------------------------


def eligible_suppliers(coordinator: Enterprise) -> QuerySet:
    """The producers that can supply the coordinator's cycles: itself when it produces, and the
    producers that granted it `add_to_cycles` (accepted relationship)."""
    granted = Relationship.objects.filter(
        grantee=coordinator, grantor=OuterRef("pk"), status=Relationship.Status.ACCEPTED, add_to_cycles=True
    )
    own = Q(pk=coordinator.pk) if coordinator.is_producer else Q(pk__in=[])
    return Enterprise.objects.filter(own | Q(Exists(granted), is_producer=True)).order_by("name")


def eligible_distributors(coordinator: Enterprise) -> QuerySet:
    """Where the coordinator's cycles can sell: itself, and the enterprises selling others'
    products it works with (an accepted relationship, either way)."""
    works_with = Relationship.objects.filter(status=Relationship.Status.ACCEPTED).filter(
        Q(grantor=coordinator, grantee=OuterRef("pk")) | Q(grantee=coordinator, grantor=OuterRef("pk"))
    )
    return Enterprise.objects.filter(Q(pk=coordinator.pk) | Q(Exists(works_with), sells=Sells.ANY)).order_by(
        "name"
    )


def coordinator_fee_choices(coordinator: Enterprise) -> QuerySet:
    return Fee.objects.filter(enterprise=coordinator, active=True).exclude(fee_type=Fee.Type.PLATFORM)


def enterprise_fee_choices(enterprise: Enterprise) -> QuerySet:
    """The fees a supplier or a distributor may add to a cycle: its own active ones."""
    return Fee.objects.filter(enterprise=enterprise, active=True).exclude(fee_type=Fee.Type.PLATFORM)


def _checked_fees(fees, owner: Enterprise) -> list[Fee]:
    fees = list(fees)
    allowed = set(enterprise_fee_choices(owner).values_list("pk", flat=True))
    if any(fee.pk not in allowed for fee in fees):
        raise CycleError(_("Ces frais n'appartiennent pas à %(name)s.") % {"name": owner.name})
    return fees


# --- Cycles -------------------------------------------------------------------------------------


def _check_dates(coordinator: Enterprise, cycle: OrderCycle | None, opens_at, closes_at) -> None:
    if opens_at is None or closes_at is None:
        raise CycleError(_("Indiquez la date d'ouverture et la date de clôture."))
    if closes_at <= opens_at:
        raise CycleError(_("La clôture des commandes doit venir après leur ouverture."))
    blocked = not approval_satisfied(cycle) if cycle is not None else approval_required(coordinator)
    if blocked and opens_at <= timezone.now():
        raise CycleError(
            _(
                "Ce cycle ne peut pas ouvrir avant que ses prix soient approuvés : choisissez une "
                "ouverture à venir, puis soumettez la liste de prix."
            )
        )


def cycle_create(
    *, coordinator: Enterprise, name: str, opens_at, closes_at, coordinator_fees=()
) -> OrderCycle:
    """Create a cycle. The coordinator is its first distributor, and its first supplier when it
    produces. Its prices start as a draft when the coordinator requires their approval."""
    name = name.strip()
    if not name:
        raise CycleError(_("Donnez un nom au cycle."))
    _check_dates(coordinator, None, opens_at, closes_at)
    fees = _checked_fees(coordinator_fees, coordinator)
    with transaction.atomic():
        cycle = OrderCycle.objects.create(
            coordinator=coordinator,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            approval=_initial_approval(coordinator),
        )
        cycle.coordinator_fees.set(fees)
        if coordinator.is_producer:
            CycleSupplier.objects.create(cycle=cycle, supplier=coordinator)
        if coordinator.sells != Sells.NONE:
            CycleDistributor.objects.create(cycle=cycle, distributor=coordinator)
    return cycle


def cycle_update(*, cycle: OrderCycle, name: str, opens_at, closes_at, coordinator_fees) -> bool:
    """Change a cycle's name, dates and coordinator fees. Returns whether the price approval was
    reset (the fees changed after submission or approval)."""
    name = name.strip()
    if not name:
        raise CycleError(_("Donnez un nom au cycle."))
    fees = _checked_fees(coordinator_fees, cycle.coordinator)
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        fees_changed = {f.pk for f in fees} != set(cycle.coordinator_fees.values_list("pk", flat=True))
        reset = _prices_edited(cycle) if fees_changed else False
        _check_dates(cycle.coordinator, cycle, opens_at, closes_at)
        cycle.name, cycle.opens_at, cycle.closes_at = name, opens_at, closes_at
        cycle.save(update_fields=["name", "opens_at", "closes_at", "updated_at"])
        if fees_changed:
            cycle.coordinator_fees.set(fees)
    return reset


def cycle_open_now(*, cycle: OrderCycle) -> OrderCycle:
    """Open an upcoming cycle at once (its opening becomes now, its close stays)."""
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        now = timezone.now()
        if cycle.status(now) == OrderCycle.Status.OPEN:
            raise CycleError(_("Ce cycle est déjà ouvert."))
        if cycle.closes_at <= now:
            raise CycleError(
                _("La clôture de ce cycle est passée : choisissez une clôture à venir avant de l'ouvrir.")
            )
        if not cycle_can_open(cycle):
            raise CycleError(_("Ce cycle ne peut pas ouvrir avant que ses prix soient approuvés."))
        cycle.opens_at = now
        cycle.save(update_fields=["opens_at", "updated_at"])
    return cycle


def cycle_close_now(*, cycle: OrderCycle) -> OrderCycle:
    """Close an open cycle at once: its close becomes now (producers are told what to bring by the
    periodic `cycles_notify_producers`, which reads the close date)."""
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().get(pk=cycle.pk)
        now = timezone.now()
        if cycle.status(now) != OrderCycle.Status.OPEN:
            raise CycleError(_("Ce cycle n'est pas ouvert : il ne peut pas être fermé."))
        cycle.closes_at = now
        cycle.save(update_fields=["closes_at", "updated_at"])
    return cycle


def cycle_delete(*, cycle: OrderCycle) -> None:
    """Delete a cycle that never received an order (an order keeps its cycle forever)."""
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.orders.exists():
            raise CycleError(
                _(
                    "Ce cycle a reçu des commandes : il ne peut pas être supprimé. "
                    "Il restera dans l'historique."
                )
            )
        cycle.delete()


# --- Shifting dates -----------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def shift(moment: datetime.datetime | None, frequency: str, times: int = 1) -> datetime.datetime | None:
    """`moment` moved `times` periods forward, keeping its wall-clock time in Europe/Paris."""
    if moment is None:
        return None
    local = moment.astimezone(PARIS).replace(tzinfo=None)
    if frequency == Schedule.Frequency.MONTHLY:
        local = datetime.datetime.combine(_add_months(local.date(), times), local.time())
    else:
        days = 14 if frequency == Schedule.Frequency.FORTNIGHTLY else 7
        local = local + datetime.timedelta(days=days * times)
    return local.replace(tzinfo=PARIS).astimezone(datetime.UTC)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cycle_clone(
    *, cycle: OrderCycle, frequency: str, times: int = 1, name: str = "", schedule: Schedule | None = None
) -> OrderCycle:
    """A copy of `cycle` (suppliers and their fees, variants, distributors with their methods, fees,
    pickup and excluded variants, coordinator fees), its dates shifted `times` periods forward.

    The copy's prices start as a draft when the coordinator requires their approval.
    """
    coordinator = cycle.coordinator
    opens_at, closes_at = shift(cycle.opens_at, frequency, times), shift(cycle.closes_at, frequency, times)
    name = (name or "").strip() or _("%(name)s (copie)") % {"name": cycle.name}
    _check_dates(coordinator, None, opens_at, closes_at)
    with transaction.atomic():
        copy = OrderCycle.objects.create(
            coordinator=coordinator,
            name=name[:120],
            opens_at=opens_at,
            closes_at=closes_at,
            schedule=schedule,
            approval=_initial_approval(coordinator),
        )
        copy.coordinator_fees.set(cycle.coordinator_fees.all())
        for supplier in cycle.suppliers.prefetch_related("fees"):
            new = CycleSupplier.objects.create(cycle=copy, supplier_id=supplier.supplier_id)
            new.fees.set(supplier.fees.all())
        with connection.cursor() as cursor:
            table = _table(CycleVariant)
            cursor.execute(
                f"INSERT INTO {table} (cycle_id, variant_id) "  # noqa: S608 (table names from _meta)
                f"SELECT %s, variant_id FROM {table} WHERE cycle_id = %s",
                [copy.pk, cycle.pk],
            )
        excluded = CycleDistributor.excluded_variants.through
        for distributor in cycle.distributors.prefetch_related("shipping_methods", "payment_methods", "fees"):
            new = CycleDistributor.objects.create(
                cycle=copy,
                distributor_id=distributor.distributor_id,
                pickup_at=shift(distributor.pickup_at, frequency, times),
                pickup_note=distributor.pickup_note,
            )
            new.shipping_methods.set(distributor.shipping_methods.all())
            new.payment_methods.set(distributor.payment_methods.all())
            new.fees.set(distributor.fees.all())
            excluded.objects.bulk_create(
                [
                    excluded(cycledistributor_id=new.pk, variant_id=variant_id)
                    for variant_id in excluded.objects.filter(cycledistributor_id=distributor.pk).values_list(
                        "variant_id", flat=True
                    )
                ],
                batch_size=400,
            )
    return copy


# --- Suppliers ------------------------------------------------------------------------------------


def cycle_supplier_add(*, cycle: OrderCycle, supplier: Enterprise, fees=()) -> CycleSupplier:
    """Add a producer to the cycle's suppliers (it must have granted `add_to_cycles`)."""
    if not eligible_suppliers(cycle.coordinator).filter(pk=supplier.pk).exists():
        raise CycleError(
            _("%(name)s ne vous a pas autorisé à vendre ses produits.") % {"name": supplier.name}
        )
    fees = _checked_fees(fees, supplier)
    with transaction.atomic():
        row, created = CycleSupplier.objects.get_or_create(cycle=cycle, supplier=supplier)
        if not created:
            raise CycleError(_("%(name)s fournit déjà ce cycle.") % {"name": supplier.name})
        if fees:
            row.fees.set(fees)
            _prices_edited(cycle)
    return row


def cycle_supplier_update(*, cycle: OrderCycle, supplier: Enterprise, fees) -> bool:
    """Set the supplier fees of one supplier. Returns whether the price approval was reset."""
    fees = _checked_fees(fees, supplier)
    with transaction.atomic():
        row = CycleSupplier.objects.filter(cycle=cycle, supplier=supplier).first()
        if row is None:
            raise CycleError(_("%(name)s ne fournit pas ce cycle.") % {"name": supplier.name})
        if {f.pk for f in fees} == set(row.fees.values_list("pk", flat=True)):
            return False
        row.fees.set(fees)
        return _prices_edited(cycle)


def cycle_supplier_remove(*, cycle: OrderCycle, supplier: Enterprise) -> int:
    """Remove a supplier and its variants from the cycle. Returns the number of variants removed."""
    with transaction.atomic():
        deleted, _detail = CycleSupplier.objects.filter(cycle=cycle, supplier=supplier).delete()
        if not deleted:
            raise CycleError(_("%(name)s ne fournit pas ce cycle.") % {"name": supplier.name})
        removed, _detail = CycleVariant.objects.filter(
            cycle=cycle, variant__product__producer=supplier
        ).delete()
        _prices_edited(cycle)
    return removed


# --- Variants -------------------------------------------------------------------------------------


@dataclass
class VariantFilters:
    q: str = ""
    producer: Enterprise | None = None
    category: Category | None = None
    selected: str = ""  # "" (all), "yes" (in the cycle), "no" (not in the cycle)


def cycle_variants(cycle: OrderCycle, filters: VariantFilters | None = None) -> QuerySet:
    """The variants the cycle can offer (active variants of active products of its suppliers),
    filtered; each annotated `in_cycle`. One query per page, plus the paginator's count."""
    filters = filters or VariantFilters()
    in_cycle = CycleVariant.objects.filter(cycle=cycle, variant=OuterRef("pk"))
    variants = Variant.objects.filter(
        archived_at__isnull=True,
        product__archived_at__isnull=True,
        product__producer__in=CycleSupplier.objects.filter(cycle=cycle).values("supplier_id"),
    )
    if filters.producer is not None:
        variants = variants.filter(product__producer=filters.producer)
    if filters.category is not None:
        variants = variants.filter(
            Q(product__category=filters.category) | Q(product__category__parent=filters.category)
        )
    text = filters.q.strip()
    if text:
        variants = variants.filter(
            Q(product__name__icontains=text) | Q(name__icontains=text) | Q(sku__icontains=text)
        )
    if filters.selected == "yes":
        variants = variants.filter(Exists(in_cycle))
    elif filters.selected == "no":
        variants = variants.filter(~Exists(in_cycle))
    return variants.annotate(in_cycle=Exists(in_cycle))


def cycle_variants_add(*, cycle: OrderCycle, uuids=None, filters: VariantFilters | None = None) -> int:
    """Offer variants in the cycle: those named by `uuids`, or (uuids None) every variant matching
    `filters`, in one INSERT … SELECT. Returns how many were added."""
    candidates = cycle_variants(cycle, filters).filter(in_cycle=False)
    if uuids is not None:
        candidates = candidates.filter(uuid__in=list(uuids))
    sql, params = candidates.values("pk").query.sql_with_params()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(CycleVariant)} (cycle_id, variant_id) "  # noqa: S608 (ORM-built SQL)
                f"SELECT %s, v.id FROM {_table(Variant)} v WHERE v.id IN ({sql})",
                [cycle.pk, *params],
            )
            added = max(cursor.rowcount, 0)
        if added:
            _prices_edited(cycle)
    return added


def cycle_variants_remove(*, cycle: OrderCycle, uuids=None, filters: VariantFilters | None = None) -> int:
    """Stop offering variants (named, or every one matching `filters`) in one DELETE."""
    chosen = cycle_variants(cycle, filters)
    if uuids is not None:
        chosen = chosen.filter(uuid__in=list(uuids))
    with transaction.atomic():
        removed, _detail = CycleVariant.objects.filter(cycle=cycle, variant__in=chosen.values("pk")).delete()
        if removed:
            _prices_edited(cycle)
    return removed


def cycle_variants_exclude(
    *, cycle: OrderCycle, distributor: CycleDistributor, exclude: bool, uuids=None, filters=None
) -> int:
    """Hide (or show again) variants of the cycle at one distributor."""
    chosen = cycle_variants(cycle, filters).filter(in_cycle=True)
    if uuids is not None:
        chosen = chosen.filter(uuid__in=list(uuids))
    through = CycleDistributor.excluded_variants.through
    with transaction.atomic():
        if not exclude:
            count, _detail = through.objects.filter(
                cycledistributor_id=distributor.pk, variant_id__in=chosen.values("pk")
            ).delete()
            return count
        already = through.objects.filter(cycledistributor_id=distributor.pk, variant_id=OuterRef("pk"))
        sql, params = chosen.filter(~Exists(already)).values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(through)} (cycledistributor_id, variant_id) "  # noqa: S608 (ORM-built SQL)
                f"SELECT %s, v.id FROM {_table(Variant)} v WHERE v.id IN ({sql})",
                [distributor.pk, *params],
            )
            return max(cursor.rowcount, 0)


# --- Distributors ---------------------------------------------------------------------------------


def cycle_distributor_add(*, cycle: OrderCycle, distributor: Enterprise) -> CycleDistributor:
    """Add a selling enterprise to the cycle, with all its active shipping and payment methods."""
    if not eligible_distributors(cycle.coordinator).filter(pk=distributor.pk).exists():
        raise CycleError(
            _("%(name)s ne peut pas distribuer ce cycle : il faut une relation acceptée avec elle.")
            % {"name": distributor.name}
        )
    with transaction.atomic():
        row, created = CycleDistributor.objects.get_or_create(cycle=cycle, distributor=distributor)
        if not created:
            raise CycleError(_("%(name)s distribue déjà ce cycle.") % {"name": distributor.name})
        row.shipping_methods.set(ShippingMethod.objects.filter(enterprise=distributor, active=True))
        row.payment_methods.set(distributor.payment_methods.filter(active=True))
    return row


def cycle_distributor_update(
    *,
    cycle: OrderCycle,
    row: CycleDistributor,
    shipping_methods,
    payment_methods,
    fees,
    pickup_at,
    pickup_note: str,
) -> bool:
    """Set a distributor's methods, fees and pickup. Returns whether the price approval was reset."""
    distributor = row.distributor
    shipping_methods, payment_methods = list(shipping_methods), list(payment_methods)
    if any(m.enterprise_id != distributor.pk for m in [*shipping_methods, *payment_methods]):
        raise CycleError(
            _("Ces modes de retrait ou de paiement ne sont pas ceux de %(name)s.")
            % {"name": distributor.name}
        )
    if not shipping_methods:
        raise CycleError(_("Cochez au moins un mode de retrait ou de livraison."))
    if not payment_methods:
        raise CycleError(_("Cochez au moins un moyen de paiement."))
    if pickup_at is not None and pickup_at < cycle.closes_at:
        raise CycleError(_("Le retrait ne peut pas avoir lieu avant la clôture des commandes."))
    fees = _checked_fees(fees, distributor)
    with transaction.atomic():
        row.shipping_methods.set(shipping_methods)
        row.payment_methods.set(payment_methods)
        row.pickup_at, row.pickup_note = pickup_at, pickup_note.strip()
        row.save(update_fields=["pickup_at", "pickup_note"])
        if {f.pk for f in fees} == set(row.fees.values_list("pk", flat=True)):
            return False
        row.fees.set(fees)
        return _prices_edited(cycle)


def cycle_distributor_remove(*, cycle: OrderCycle, distributor: Enterprise) -> None:
    """Remove a distributor that has no order in this cycle."""
    with transaction.atomic():
        if registry.distributor_in_use(cycle=cycle, distributor=distributor):
            raise CycleError(
                _("%(name)s a déjà des commandes dans ce cycle : elle ne peut pas en être retirée.")
                % {"name": distributor.name}
            )
        deleted, _detail = CycleDistributor.objects.filter(cycle=cycle, distributor=distributor).delete()
        if not deleted:
            raise CycleError(_("%(name)s ne distribue pas ce cycle.") % {"name": distributor.name})
        _prices_edited(cycle)


# --- Schedules ------------------------------------------------------------------------------------


def schedule_create(*, cycle: OrderCycle, frequency: str, name: str = "") -> Schedule:
    """Repeat `cycle` every week, fortnight or month: the schedule run creates the next cycles."""
    if frequency not in Schedule.Frequency.values:
        raise CycleError(_("Choisissez une fréquence."))
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.schedule_id and Schedule.objects.filter(pk=cycle.schedule_id, active=True).exists():
            raise CycleError(_("Ce cycle est déjà programmé."))
        schedule = Schedule.objects.create(
            coordinator_id=cycle.coordinator_id, name=(name.strip() or cycle.name)[:120], frequency=frequency
        )
        cycle.schedule = schedule
        cycle.save(update_fields=["schedule", "updated_at"])
    return schedule


def schedule_stop(*, schedule: Schedule) -> None:
    """Stop a schedule: the cycles already created stay."""
    Schedule.objects.filter(pk=schedule.pk).update(active=False)


def schedule_run(*, schedule: Schedule, now=None, horizon: datetime.timedelta = SCHEDULE_HORIZON) -> list:
    """Create the next cycles of one schedule until its latest cycle closes beyond `now + horizon`.

    Idempotent (a second run finds the new cycles and creates nothing); periods missed while the
    schedule was not run are skipped, not created in the past. The schedule row is locked so that
    two workers never create the same cycle.
    """
    now = now or timezone.now()
    created = []
    with transaction.atomic():
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        latest = schedule.cycles.select_related("coordinator").order_by("-opens_at", "-id").first()
        if not schedule.active or latest is None:
            return created
        while latest.closes_at <= now + horizon:
            times = 1
            while shift(latest.opens_at, schedule.frequency, times) <= now:
                times += 1
            opens_at = shift(latest.opens_at, schedule.frequency, times).astimezone(PARIS)
            name = _("%(name)s du %(date)s") % {"name": schedule.name, "date": opens_at.strftime("%d/%m/%Y")}
            try:
                latest = cycle_clone(
                    cycle=latest, frequency=schedule.frequency, times=times, name=name, schedule=schedule
                )
            except CycleError as error:
                logger.warning("schedule %s: %s", schedule.pk, error.message)
                break
            created.append(latest)
    return created


def schedules_run(*, now=None, horizon: datetime.timedelta = SCHEDULE_HORIZON) -> list:
    """Run every active schedule (the `cycles_schedule_run` command and task)."""
    created = []
    for schedule in Schedule.objects.filter(active=True).order_by("pk"):
        created.extend(schedule_run(schedule=schedule, now=now, horizon=horizon))
    return created
