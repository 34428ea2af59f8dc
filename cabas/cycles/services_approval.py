"""Co-decided prices: a coordinator submits a cycle's price list (producer prices and fees, frozen),
the producers of the cycle — and the coordinator's consumer referents when its setting says so —
approve it, comment on it or ask for changes. Every step is a `PriceDecision` row, never edited:
together they are the cycle's history.

When every required party approved the latest submission, the cycle's prices are approved and it
may open (`services.cycle_is_sellable`). Asking for changes sends it back to draft; so does any
later change to its variants or fees (`services._prices_edited`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.cycles.exceptions import ApprovalError
from cabas.cycles.models import CycleSupplier, CycleVariant, Fee, OrderCycle, PriceDecision
from cabas.cycles.selectors import status_q
from cabas.cycles.services import approval_required
from cabas.enterprises.models import Enterprise, PriceApproval, Role
from cabas.enterprises.services import member_emails, site_url
from cabas.lib.money import format_eur, format_percent

PRODUCER = "producer"
REFERENTS = "referents"


@dataclass
class Party:
    """Someone whose approval the cycle needs: a producer, or the coordinator's consumer referents."""

    kind: str  # PRODUCER | REFERENTS
    enterprise: Enterprise
    status: str = ""  # "" (waiting), "approved", "changes_requested"

    @property
    def label(self) -> str:
        if self.kind == REFERENTS:
            return _("Référents consommateurs de %(name)s") % {"name": self.enterprise.name}
        return self.enterprise.name


def referents_required(coordinator: Enterprise) -> bool:
    return coordinator.price_approval == PriceApproval.PRODUCERS_AND_REFERENTS


# --- The price list ---------------------------------------------------------------------------


def _fee_entry(fee: Fee, role: str) -> dict:
    if fee.calculator == Fee.Calculator.PERCENT:
        amount = format_percent(fee.amount)
    else:
        amount = format_eur(fee.amount)
    return {
        "uuid": str(fee.uuid),
        "role": role,
        "enterprise": fee.enterprise.name,
        "name": fee.name,
        "type": fee.fee_type,
        "type_label": str(Fee.Type(fee.fee_type).label),
        "calculator": fee.calculator,
        "calculator_label": str(Fee.Calculator(fee.calculator).label),
        "amount": str(fee.amount),
        "amount_display": amount,
        "tiers": fee.tiers,
    }


def price_list_build(cycle: OrderCycle) -> dict:
    """The cycle's price list as it stands: each variant's producer price and every fee (coordinator,
    suppliers, distributors, platform), as plain JSON data. A handful of queries."""
    variants = (
        CycleVariant.objects.filter(cycle=cycle)
        .select_related("variant__product__producer")
        .order_by("variant__product__producer__name", "variant__product__name", "variant__position", "pk")
    )
    rows = []
    for row in variants:
        variant = row.variant
        rows.append(
            {
                "uuid": str(variant.uuid),
                "producer": variant.product.producer.name,
                "product": variant.product.name,
                "variant": variant.name,
                "size": variant.measure.display(),
                "price": str(variant.price),
                "price_display": format_eur(variant.price),
            }
        )
    fees = [_fee_entry(f, "coordinator") for f in cycle.coordinator_fees.select_related("enterprise")]
    for supplier in cycle.suppliers.prefetch_related("fees__enterprise"):
        fees += [_fee_entry(f, "supplier") for f in supplier.fees.all()]
    for distributor in cycle.distributors.prefetch_related("fees__enterprise"):
        fees += [_fee_entry(f, "distributor") for f in distributor.fees.all()]
    platform = Fee.objects.filter(
        enterprise__slug=settings.PLATFORM_ENTERPRISE_SLUG, fee_type=Fee.Type.PLATFORM, active=True
    ).select_related("enterprise")
    fees += [_fee_entry(f, "platform") for f in platform]
    return {"variants": rows, "fees": fees}


def price_list_differences(frozen: dict, current: dict) -> list[str]:
    """What changed between a frozen price list and the current one, in French sentences."""
    changes = []
    before = {v["uuid"]: v for v in frozen.get("variants", [])}
    after = {v["uuid"]: v for v in current.get("variants", [])}
    for uuid, variant in after.items():
        name = " ".join(p for p in [variant["product"], variant["variant"], variant["size"]] if p)
        if uuid not in before:
            added = _("%(name)s ajouté à %(price)s")
            changes.append(added % {"name": name, "price": variant["price_display"]})
        elif before[uuid]["price"] != variant["price"]:
            changes.append(
                _("%(name)s : %(old)s → %(new)s")
                % {"name": name, "old": before[uuid]["price_display"], "new": variant["price_display"]}
            )
    for uuid, variant in before.items():
        if uuid not in after:
            name = f"{variant['product']} {variant['variant']}".strip()
            changes.append(_("%(name)s retiré") % {"name": name})
    fees_before = {(f["uuid"], f["role"]): f for f in frozen.get("fees", [])}
    fees_after = {(f["uuid"], f["role"]): f for f in current.get("fees", [])}
    if {k: f["amount"] for k, f in fees_before.items()} != {k: f["amount"] for k, f in fees_after.items()}:
        changes.append(_("Les frais ont changé."))
    return changes


# --- Parties and their decisions --------------------------------------------------------------


def latest_submission(cycle: OrderCycle) -> PriceDecision | None:
    return (
        PriceDecision.objects.filter(cycle=cycle, kind=PriceDecision.Kind.SUBMITTED)
        .order_by("-created_at", "-id")
        .first()
    )


def approval_parties(cycle: OrderCycle) -> list[Party]:
    """Who must approve, each with its decision on the latest submission (if any)."""
    coordinator = cycle.coordinator
    producers = (
        Enterprise.objects.filter(pk__in=CycleSupplier.objects.filter(cycle=cycle).values("supplier_id"))
        .exclude(pk=coordinator.pk)
        .order_by("name")
    )
    parties = [Party(PRODUCER, producer) for producer in producers]
    if referents_required(coordinator):
        parties.append(Party(REFERENTS, coordinator))
    submission = latest_submission(cycle)
    if submission is None:
        return parties
    decisions = PriceDecision.objects.filter(
        cycle=cycle,
        kind__in=[PriceDecision.Kind.APPROVED, PriceDecision.Kind.CHANGES_REQUESTED],
        created_at__gte=submission.created_at,
        id__gt=submission.id,
    ).order_by("created_at", "id")
    latest = {d.enterprise_id: d.kind for d in decisions}
    for party in parties:
        party.status = latest.get(party.enterprise.pk, "")
    return parties


def party_for(*, cycle: OrderCycle, enterprise: Enterprise, role: Role) -> Party | None:
    """The party `role` (a member of `enterprise`) speaks for in `cycle`'s approval, if any:
    a manager or owner of a producer of the cycle, or a consumer referent of its coordinator."""
    if enterprise.pk == cycle.coordinator_id:
        if referents_required(cycle.coordinator) and role.consumer_referent:
            return Party(REFERENTS, enterprise)
        return None
    supplies = CycleSupplier.objects.filter(cycle=cycle, supplier=enterprise)
    if role.at_least(Role.Level.MANAGER) and supplies.exists():
        return Party(PRODUCER, enterprise)
    return None


def cycles_for_approver(enterprise: Enterprise) -> QuerySet:
    """The cycles whose price decision concerns this enterprise: those it supplies (for another
    coordinator), and those it coordinates when its consumer referents take part — among cycles
    whose prices need approval. Newest first. Members see them all; who may decide is `party_for`."""
    supplied = Exists(CycleSupplier.objects.filter(cycle=OuterRef("pk"), supplier=enterprise))
    condition = Q(supplied) & ~Q(coordinator=enterprise)
    if referents_required(enterprise):
        condition |= Q(coordinator=enterprise)
    return (
        OrderCycle.objects.filter(condition)
        .exclude(approval=OrderCycle.Approval.NOT_REQUIRED)
        .select_related("coordinator")
        .order_by("-opens_at", "-id")
    )


def cycles_awaiting_decision(enterprise: Enterprise) -> QuerySet:
    """The cycles of `cycles_for_approver(enterprise)` whose submitted prices still wait for this
    enterprise's approval (it has not approved their latest submission)."""
    submission = (
        PriceDecision.objects.filter(cycle=OuterRef("cycle"), kind=PriceDecision.Kind.SUBMITTED)
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )
    approved = PriceDecision.objects.filter(
        cycle=OuterRef("pk"), enterprise=enterprise, kind=PriceDecision.Kind.APPROVED
    ).filter(id__gt=Subquery(submission))
    return (
        cycles_for_approver(enterprise)
        .filter(approval=OrderCycle.Approval.SUBMITTED)
        .exclude(Exists(approved))
    )


def can_decide(*, cycle: OrderCycle, enterprise: Enterprise, role: Role) -> bool:
    """Whether `role` speaks for a party of a cycle from `cycles_for_approver(enterprise)` (no query)."""
    if cycle.coordinator_id == enterprise.pk:
        return role.consumer_referent and referents_required(enterprise)
    return role.at_least(Role.Level.MANAGER)


def _approval_url(cycle: OrderCycle, enterprise: Enterprise) -> str:
    return site_url(reverse("cycles:approval", args=[enterprise.slug, cycle.uuid]))


def _party_emails(party: Party) -> list[str]:
    if party.kind == REFERENTS:
        return list(
            Role.objects.filter(enterprise=party.enterprise, consumer_referent=True, user__is_active=True)
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
    return member_emails(party.enterprise, levels=(Role.Level.OWNER, Role.Level.MANAGER))


def cycle_prices_submit(*, cycle: OrderCycle, user, comment: str = "") -> PriceDecision:
    """Freeze the cycle's price list and ask every party for its approval (by email).

    With no other party (the coordinator supplies alone, no referents needed) the prices are
    approved at once.
    """
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        coordinator = cycle.coordinator
        if not approval_required(coordinator):
            raise ApprovalError(
                _("L'approbation des prix n'est pas activée : activez-la sur la page des cycles.")
            )
        if cycle.approval == OrderCycle.Approval.SUBMITTED:
            raise ApprovalError(_("Ces prix sont déjà soumis : attendez les réponses."))
        if cycle.approval == OrderCycle.Approval.APPROVED:
            raise ApprovalError(_("Ces prix sont déjà approuvés."))
        if cycle.status() == OrderCycle.Status.CLOSED:
            raise ApprovalError(_("Ce cycle est fermé."))
        if not CycleVariant.objects.filter(cycle=cycle).exists():
            raise ApprovalError(_("Ajoutez des produits au cycle avant de soumettre ses prix."))
        parties = approval_parties(cycle)
        referents = [p for p in parties if p.kind == REFERENTS]
        if referents and not _party_emails(referents[0]):
            raise ApprovalError(
                _(
                    "Personne n'est référent consommateurs dans votre équipe : désignez-en un "
                    "(page Équipe) avant de soumettre les prix."
                )
            )
        decision = PriceDecision.objects.create(
            cycle=cycle,
            kind=PriceDecision.Kind.SUBMITTED,
            user=user,
            enterprise=coordinator,
            comment=comment.strip(),
            price_list=price_list_build(cycle),
        )
        cycle.approval = OrderCycle.Approval.SUBMITTED if parties else OrderCycle.Approval.APPROVED
        cycle.save(update_fields=["approval", "updated_at"])
        for party in parties:
            emails = _party_emails(party)
            if not emails:
                continue
            enqueue_templated_email(
                "emails/cycles/prices_submitted",
                to=emails,
                from_name=coordinator.name,
                context={
                    "coordinator": coordinator.name,
                    "cycle": cycle.name,
                    "party": party.label,
                    "referents": party.kind == REFERENTS,
                    "variant_count": len(decision.price_list["variants"]),
                    "comment": decision.comment,
                    "url": _approval_url(cycle, party.enterprise),
                },
            )
    return decision


def cycle_price_decide(
    *, cycle: OrderCycle, user, enterprise: Enterprise, role: Role, kind: str, comment: str = ""
) -> PriceDecision:
    """Record a decision of a party (approve, ask for changes) or a comment (a party, or the
    coordinator's team answering). Approval completes when every party approved the latest
    submission; asking for changes sends the prices back to draft. The coordinator is emailed."""
    comment = comment.strip()
    if kind not in PriceDecision.Kind.values or kind == PriceDecision.Kind.SUBMITTED:
        raise ApprovalError(_("Décision inconnue."))
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        party = party_for(cycle=cycle, enterprise=enterprise, role=role)
        is_coordinator_team = enterprise.pk == cycle.coordinator_id and role.at_least(Role.Level.MANAGER)
        if kind == PriceDecision.Kind.COMMENTED:
            if party is None and not is_coordinator_team:
                raise ApprovalError(_("Vous ne participez pas à la décision sur ces prix."))
            if not comment:
                raise ApprovalError(_("Écrivez votre commentaire."))
        else:
            if party is None:
                raise ApprovalError(_("Vous ne participez pas à la décision sur ces prix."))
            if cycle.approval != OrderCycle.Approval.SUBMITTED:
                raise ApprovalError(_("Ces prix ne sont pas (ou plus) soumis à votre approbation."))
            if kind == PriceDecision.Kind.CHANGES_REQUESTED and not comment:
                raise ApprovalError(_("Dites quelles modifications vous demandez."))
        decision = PriceDecision.objects.create(
            cycle=cycle, kind=kind, user=user, enterprise=enterprise, comment=comment
        )
        if kind == PriceDecision.Kind.CHANGES_REQUESTED:
            cycle.approval = OrderCycle.Approval.DRAFT
            cycle.save(update_fields=["approval", "updated_at"])
        elif kind == PriceDecision.Kind.APPROVED and all(
            p.status == PriceDecision.Kind.APPROVED for p in approval_parties(cycle)
        ):
            cycle.approval = OrderCycle.Approval.APPROVED
            cycle.save(update_fields=["approval", "updated_at"])
        _decision_email(cycle, decision, party, from_coordinator=party is None)
    return decision


def _decision_email(cycle: OrderCycle, decision: PriceDecision, party: Party | None, from_coordinator: bool):
    coordinator = cycle.coordinator
    context = {
        "coordinator": coordinator.name,
        "cycle": cycle.name,
        "kind": decision.kind,
        "kind_label": str(decision.get_kind_display()),
        "author": decision.user.full_name or decision.user.email if decision.user else "",
        "who": party.label if party else coordinator.name,
        "comment": decision.comment,
        "approved": cycle.approval == OrderCycle.Approval.APPROVED,
    }
    if from_coordinator:
        for other in approval_parties(cycle):
            emails = _party_emails(other)
            if emails:
                enqueue_templated_email(
                    "emails/cycles/prices_decision",
                    to=emails,
                    from_name=coordinator.name,
                    context={**context, "url": _approval_url(cycle, other.enterprise)},
                )
        return
    emails = member_emails(coordinator, levels=(Role.Level.OWNER, Role.Level.MANAGER))
    if emails:
        enqueue_templated_email(
            "emails/cycles/prices_decision",
            to=emails,
            from_name=party.enterprise.name if party else coordinator.name,
            context={
                **context,
                "url": site_url(reverse("cycles:prices", args=[coordinator.slug, cycle.uuid])),
            },
        )


def enterprise_price_approval_set(*, enterprise: Enterprise, value: str) -> None:
    """Change whose approval the enterprise's cycles need. Turning it on puts the prices of its
    upcoming cycles in draft (open ones keep selling); turning it off frees every cycle not closed."""
    if value not in PriceApproval.values:
        raise ApprovalError(_("Choix inconnu."))
    with transaction.atomic():
        enterprise.price_approval = value
        enterprise.save(update_fields=["price_approval"])
        cycles = OrderCycle.objects.filter(coordinator=enterprise)
        if value == PriceApproval.NONE:
            cycles.exclude(status_q(OrderCycle.Status.CLOSED)).exclude(
                approval=OrderCycle.Approval.APPROVED
            ).update(approval=OrderCycle.Approval.NOT_REQUIRED)
        else:
            cycles.filter(status_q(OrderCycle.Status.UPCOMING)).filter(
                approval=OrderCycle.Approval.NOT_REQUIRED
            ).update(approval=OrderCycle.Approval.DRAFT)
