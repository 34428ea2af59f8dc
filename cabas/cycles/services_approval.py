"""Co-decided prices: a real negotiation per cycle (the lines and who accepted what are read by
`cabas.cycles.negotiation`).

1. The coordinator opens a round (`cycle_prices_submit`): every line of the price list — each
   variant's producer price, each fee — gets its starting number, proposed by the coordinator, and
   every party is emailed.
2. Each party answers line by line (`cycle_prices_respond`): it accepts the current number or
   counter-proposes another one, for this cycle only (its catalogue price and the fee stay as they
   are), with an optional message. The parties of a changed line are emailed.
3. When every line is accepted by all its parties, the numbers are decided: they become the cycle's
   prices (`CycleVariant.price`, `CycleFee`), the cycle's prices are approved and it opens at its
   dates; everyone is emailed and the decided numbers are public on « Où va votre argent ».

Every step is a `PriceDecision` (the dated thread of the cycle) and its `PriceProposal` rows; none
is ever edited. Any later change to the cycle's variants or fees sends it back to draft
(`services._prices_edited`): a new round starts from the numbers reached.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.cycles.exceptions import ApprovalError
from cabas.cycles.models import (
    CycleFee,
    CycleSupplier,
    CycleVariant,
    OrderCycle,
    PriceDecision,
    PriceProposal,
)
from cabas.cycles.negotiation import (
    COORDINATOR,
    PRODUCER,
    REFERENTS,
    Negotiation,
    Party,
    latest_submission,
    negotiation,
    number_display,
    referents_required,
)
from cabas.cycles.selectors import status_q
from cabas.cycles.services import approval_required
from cabas.enterprises.models import Enterprise, PriceApproval, Role
from cabas.enterprises.services import member_emails, site_url

__all__ = [
    "COORDINATOR",
    "PRODUCER",
    "REFERENTS",
    "Party",
    "latest_submission",
    "referents_required",
]

MAX_PRICE = Decimal("100000")
AWAITING_SCANNED = 50


# --- The price list ---------------------------------------------------------------------------


def _snapshot(state: Negotiation, *, paths: bool = False) -> dict:
    """The price list of `state` as plain JSON data: variants (producer price) and fees, with the
    current numbers; with `paths`, each line's counter-proposals in order."""
    variants, fees = [], []
    for line in state.lines:
        entry = {
            "key": line.key,
            "owner": line.owner,
            "amount": str(line.current),
            "display": line.current_display,
        }
        if paths:
            entry["path"] = [
                {"who": step.who, "display": step.display} for step in line.steps if not step.accepted
            ]
        if line.variant is not None:
            variant = line.variant
            entry.update(
                uuid=str(variant.uuid),
                producer=line.owner,
                product=variant.product.name,
                variant=variant.name,
                size=variant.measure.display(),
                price=str(line.current),
                price_display=line.current_display,
            )
            variants.append(entry)
        else:
            fee = line.fee
            entry.update(
                uuid=str(fee.uuid),
                enterprise=line.owner,
                name=fee.name,
                type=fee.fee_type,
                type_label=str(fee.get_fee_type_display()),
                calculator=fee.calculator,
                calculator_label=str(fee.get_calculator_display()),
                amount_display=line.current_display,
                tiers=fee.tiers,
                negotiable=line.negotiable,
            )
            fees.append(entry)
    return {"variants": variants, "fees": fees}


# --- Parties ----------------------------------------------------------------------------------


def parties_for(*, cycle: OrderCycle, enterprise: Enterprise, role: Role) -> list[Party]:
    """The parties `role` (a member of `enterprise`) speaks for in the cycle's prices: the
    coordinator (its managers and owners), its consumer referents (members marked so, whatever their
    role, when its setting asks for them), a producer of the cycle (its managers and owners)."""
    parties = []
    if enterprise.pk == cycle.coordinator_id:
        if role.at_least(Role.Level.MANAGER):
            parties.append(Party(COORDINATOR, enterprise))
        if referents_required(cycle.coordinator) and role.consumer_referent:
            parties.append(Party(REFERENTS, enterprise))
        return parties
    supplies = CycleSupplier.objects.filter(cycle=cycle, supplier=enterprise)
    if role.at_least(Role.Level.MANAGER) and supplies.exists():
        parties.append(Party(PRODUCER, enterprise))
    return parties


def party_for(*, cycle: OrderCycle, enterprise: Enterprise, role: Role, kind: str = "") -> Party | None:
    """The party `role` speaks for (of `kind` when given; else a producer or the referents before
    the coordinator)."""
    parties = parties_for(cycle=cycle, enterprise=enterprise, role=role)
    if kind:
        return next((p for p in parties if p.kind == kind), None)
    others = [p for p in parties if p.kind != COORDINATOR]
    return (others or parties or [None])[0]


def cycles_for_approver(enterprise: Enterprise) -> QuerySet:
    """The cycles whose prices concern this enterprise: those it supplies (for another
    coordinator), and those it coordinates when its consumer referents take part — among cycles
    whose prices are co-decided. Newest first. Members see them all; who may answer is `party_for`."""
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


def _with_waiting(cycles: QuerySet) -> QuerySet:
    """Annotate `round_waiting`: the latest submission's count of lines each party still has to
    accept (only that key of its JSON is read, not the whole price list)."""
    submission = (
        PriceDecision.objects.filter(cycle=OuterRef("pk"), kind=PriceDecision.Kind.SUBMITTED)
        .order_by("-created_at", "-id")
        .values("price_list__waiting")[:1]
    )
    return cycles.annotate(round_waiting=Subquery(submission, output_field=JSONField()))


def _waiting(cycle, key: str) -> int:
    waiting = getattr(cycle, "round_waiting", None) or {}
    return int(waiting.get(key, 0))


def cycles_awaiting_decision(enterprise: Enterprise, role: Role | None = None) -> list[OrderCycle]:
    """The cycles under negotiation where a party this enterprise (or, given `role`, this member)
    speaks for still has lines to accept — the coordinator's own cycles included. Each carries
    `waiting_lines`. One query."""
    supplied = Exists(CycleSupplier.objects.filter(cycle=OuterRef("pk"), supplier=enterprise))
    cycles = _with_waiting(
        OrderCycle.objects.filter(Q(supplied) | Q(coordinator=enterprise))
        .filter(approval=OrderCycle.Approval.SUBMITTED)
        .select_related("coordinator")
        .order_by("closes_at", "id")
    )[:AWAITING_SCANNED]
    result = []
    for cycle in cycles:
        keys = []
        if cycle.coordinator_id == enterprise.pk:
            if role is None or role.at_least(Role.Level.MANAGER):
                keys.append(f"{COORDINATOR}:{enterprise.pk}")
            if referents_required(enterprise) and (role is None or role.consumer_referent):
                keys.append(f"{REFERENTS}:{enterprise.pk}")
        elif role is None or role.at_least(Role.Level.MANAGER):
            keys.append(f"{PRODUCER}:{enterprise.pk}")
        cycle.waiting_lines = sum(_waiting(cycle, key) for key in keys)
        if cycle.waiting_lines:
            result.append(cycle)
    return result


def can_decide(*, cycle: OrderCycle, enterprise: Enterprise, role: Role) -> bool:
    """Whether `role` speaks for a party of a cycle from `cycles_for_approver(enterprise)` (no query)."""
    if cycle.coordinator_id == enterprise.pk:
        return role.consumer_referent and referents_required(enterprise)
    return role.at_least(Role.Level.MANAGER)


# --- Emails -----------------------------------------------------------------------------------


def _answer_url(cycle: OrderCycle, party: Party) -> str:
    if party.kind == COORDINATOR:
        return site_url(reverse("cycles:prices", args=[party.enterprise.slug, cycle.uuid]))
    return site_url(reverse("cycles:approval", args=[party.enterprise.slug, cycle.uuid]))


def _party_emails(party: Party) -> list[str]:
    if party.kind == REFERENTS:
        return list(
            Role.objects.filter(enterprise=party.enterprise, consumer_referent=True, user__is_active=True)
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
    return member_emails(party.enterprise, levels=(Role.Level.OWNER, Role.Level.MANAGER))


def _email_parties(cycle: OrderCycle, parties: list[Party], template: str, context: dict, sender: str):
    for party in parties:
        emails = _party_emails(party)
        if emails:
            enqueue_templated_email(
                template,
                to=emails,
                from_name=sender,
                context={**context, "party": party.label, "url": _answer_url(cycle, party)},
            )


# --- Opening a round --------------------------------------------------------------------------


def _round_state(state: Negotiation) -> dict:
    return {
        "lines": {line.key: line.parties for line in state.lines if line.parties},
        "waiting": {party.key: party.waiting for party in state.parties},
    }


def cycle_prices_submit(*, cycle: OrderCycle, user, comment: str = "") -> PriceDecision:
    """Open a round of negotiation: every line starts at the number reached so far (the catalogue's,
    the coordinator's own price, a number decided earlier), proposed by the coordinator; every
    other party is emailed. With no other party the prices are decided at once."""
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        coordinator = cycle.coordinator
        if not approval_required(coordinator):
            raise ApprovalError(
                _("La co-décision des prix n'est pas activée : activez-la sur la page des cycles.")
            )
        if cycle.approval == OrderCycle.Approval.SUBMITTED:
            raise ApprovalError(_("Ces prix sont déjà en discussion : attendez les réponses."))
        if cycle.approval == OrderCycle.Approval.APPROVED:
            raise ApprovalError(_("Ces prix sont déjà décidés."))
        if cycle.status() == OrderCycle.Status.CLOSED:
            raise ApprovalError(_("Ce cycle est fermé."))
        if not CycleVariant.objects.filter(cycle=cycle).exists():
            raise ApprovalError(_("Ajoutez des produits au cycle avant de soumettre ses prix."))
        state = negotiation(cycle, with_shelf=False)
        referents = [p for p in state.parties if p.kind == REFERENTS]
        if referents and not referents[0].names:
            raise ApprovalError(
                _(
                    "Personne n'est référent consommateurs dans votre équipe : désignez-en un "
                    "(page Équipe) avant de soumettre les prix."
                )
            )
        submission = PriceDecision.objects.create(
            cycle=cycle,
            kind=PriceDecision.Kind.SUBMITTED,
            user=user,
            enterprise=coordinator,
            party=COORDINATOR,
            comment=comment.strip(),
            price_list=_snapshot(state),
        )
        now = timezone.now()
        PriceProposal.objects.bulk_create(
            [
                PriceProposal(
                    cycle=cycle,
                    submission=submission,
                    decision=submission,
                    variant=line.variant,
                    fee=line.fee if line.variant is None else None,
                    amount=line.current,
                    party=COORDINATOR,
                    enterprise=coordinator,
                    user=user,
                    created_at=now,
                )
                for line in state.lines
                if line.parties
            ]
        )
        cycle.approval = OrderCycle.Approval.SUBMITTED
        cycle.save(update_fields=["approval", "updated_at"])
        state = negotiation(cycle, with_shelf=False)
        submission.price_list = {**submission.price_list, **_round_state(state)}
        submission.save(update_fields=["price_list"])
        if state.decided:
            _decide(cycle, state, user)
            return submission
        others = [p for p in state.parties if p.kind != COORDINATOR and p.lines]
        _email_parties(
            cycle,
            others,
            "emails/cycles/prices_submitted",
            {
                "coordinator": coordinator.name,
                "cycle": cycle.name,
                "variant_count": len([line for line in state.lines if line.variant is not None]),
                "comment": submission.comment,
            },
            coordinator.name,
        )
    return submission


# --- Answering --------------------------------------------------------------------------------


def _parse_number(text: str, line) -> Decimal:
    try:
        value = Decimal(
            str(text).strip().replace(" ", "").replace("\u202f", "").replace(",", ".").strip("€%")
        )
    except (InvalidOperation, ValueError):
        raise ApprovalError(
            _("« %(value)s » n'est pas un nombre (%(line)s).") % {"value": text, "line": line.label}
        ) from None
    if not value.is_finite() or value < 0:
        raise ApprovalError(_("Un prix ne peut pas être négatif (%(line)s).") % {"line": line.label})
    limit = Decimal(100) if line.unit == "%" else MAX_PRICE
    if value > limit:
        raise ApprovalError(_("Montant trop élevé (%(line)s).") % {"line": line.label})
    places = 4 if line.unit == "%" else 2
    if value != value.quantize(Decimal(1).scaleb(-places)):
        if places == 2:
            raise ApprovalError(_("Au centime près, s'il vous plaît (%(line)s).") % {"line": line.label})
        raise ApprovalError(_("Quatre décimales au plus (%(line)s).") % {"line": line.label})
    return value


def cycle_prices_respond(
    *,
    cycle: OrderCycle,
    user,
    enterprise: Enterprise,
    role: Role,
    party_kind: str = "",
    answers: dict[str, str] | None = None,
    accept_all: bool = False,
    comment: str = "",
) -> PriceDecision:
    """A party's answer, line by line: `answers` maps a line key ("v12", "f3") to "accept" or a
    number (its counter-proposal, for this cycle only); `accept_all` accepts every current number
    of the party's lines not counter-proposed. With a `comment` only, it is a message in the
    thread. When every line is then accepted by all its parties, the prices are decided."""
    answers = answers or {}
    comment = comment.strip()
    with transaction.atomic():
        cycle = OrderCycle.objects.select_for_update().select_related("coordinator").get(pk=cycle.pk)
        party = party_for(cycle=cycle, enterprise=enterprise, role=role, kind=party_kind)
        if party is None:
            raise ApprovalError(_("Vous ne participez pas à la décision sur ces prix."))
        state = negotiation(cycle, with_shelf=False)
        if not state.in_round:
            if answers or accept_all:
                raise ApprovalError(_("Ces prix ne sont pas (ou plus) en discussion."))
            if not comment:
                raise ApprovalError(_("Écrivez votre message."))
        key = party.key
        counters, accepts = [], []
        for line in state.lines_for(key) if state.in_round else []:
            answer = str(answers.get(line.key, "")).strip()
            if answer and answer != "accept" and line.negotiable:
                number = _parse_number(answer, line)
                if number != line.current:
                    counters.append((line, number))
                    continue
                if key not in line.accepted:
                    accepts.append(line)
                continue
            if (answer == "accept" or accept_all) and key not in line.accepted:
                accepts.append(line)
        if not counters and not accepts and not comment:
            if state.in_round and not state.waiting_for(key):
                raise ApprovalError(_("Vous avez déjà accepté tous les prix actuels."))
            raise ApprovalError(_("Acceptez des prix, proposez-en d'autres ou écrivez un message."))
        kind = (
            PriceDecision.Kind.PROPOSED
            if counters
            else PriceDecision.Kind.APPROVED
            if accepts
            else PriceDecision.Kind.COMMENTED
        )
        changes = [
            {
                "label": _line_label(line),
                "old": line.current_display,
                "new": number_display(number, line.unit),
            }
            for line, number in counters
        ]
        decision = PriceDecision.objects.create(
            cycle=cycle,
            kind=kind,
            user=user,
            enterprise=enterprise,
            party=party.kind,
            comment=comment,
            price_list={"changes": changes, "accepted": len(accepts)} if counters or accepts else {},
        )
        now = timezone.now()
        rows = [(line, number) for line, number in counters] + [(line, line.current) for line in accepts]
        PriceProposal.objects.bulk_create(
            [
                PriceProposal(
                    cycle=cycle,
                    submission=state.submission,
                    decision=decision,
                    variant=line.variant,
                    fee=line.fee if line.variant is None else None,
                    amount=number,
                    party=party.kind,
                    enterprise=party.enterprise,
                    user=user,
                    created_at=now,
                )
                for line, number in rows
            ]
        )
        after = negotiation(cycle, with_shelf=False) if rows else state
        if rows:
            state.submission.price_list = {**state.submission.price_list, **_round_state(after)}
            state.submission.save(update_fields=["price_list"])
        _answer_emails(cycle, after, party, decision, counters)
        if rows and after.decided:
            _decide(cycle, after, user)
    return decision


def _line_label(line) -> str:
    if line.variant is not None:
        return f"{line.label} ({line.detail})" if line.detail else line.label
    return _("%(fee)s (frais, %(owner)s)") % {"fee": line.label, "owner": line.owner}


def _answer_emails(cycle, state: Negotiation, party: Party, decision: PriceDecision, counters) -> None:
    """A counter-proposal goes to the other parties of the lines it changed; a message to every
    other party; an acceptance to the coordinator's team when this party has accepted everything."""
    if counters:
        keys = {k for line, _n in counters for k in line.parties if k != party.key}
    elif decision.comment:
        keys = {p.key for p in state.parties if p.key != party.key and p.lines}
    elif party.kind != COORDINATOR and not state.waiting_for(party.key):
        keys = {state.parties[0].key}
    else:
        keys = set()
    if state.decided:
        return  # the decision's email says it all
    author = (decision.user.full_name or decision.user.email) if decision.user else ""
    recipients = [p for p in state.parties if p.key in keys]
    _email_parties(
        cycle,
        recipients,
        "emails/cycles/prices_decision",
        {
            "coordinator": cycle.coordinator.name,
            "cycle": cycle.name,
            "kind": decision.kind,
            "kind_label": str(decision.get_kind_display()),
            "author": author,
            "who": party.label,
            "comment": decision.comment,
            "changes": decision.price_list.get("changes", []),
            "accepted": decision.price_list.get("accepted", 0),
            "decided": False,
        },
        party.enterprise.name,
    )


def _decide(cycle: OrderCycle, state: Negotiation, user) -> PriceDecision:
    """Every line accepted by all its parties: the numbers become the cycle's prices, the cycle's
    prices are approved, the decision is recorded (public) and everyone is emailed."""
    variant_prices = {line.variant.pk: line.current for line in state.lines if line.variant is not None}
    rows = list(CycleVariant.objects.filter(cycle=cycle, variant_id__in=variant_prices))
    for row in rows:
        row.price = variant_prices[row.variant_id]
    CycleVariant.objects.bulk_update(rows, ["price"], batch_size=500)
    CycleFee.objects.filter(cycle=cycle).delete()
    CycleFee.objects.bulk_create(
        [
            CycleFee(cycle=cycle, fee=line.fee, amount=line.current)
            for line in state.lines
            if line.fee is not None and line.parties
        ]
    )
    cycle.approval = OrderCycle.Approval.APPROVED
    cycle.save(update_fields=["approval", "updated_at"])
    snapshot = _snapshot(state, paths=True)
    snapshot["parties"] = [p.label for p in state.parties if p.lines]
    decision = PriceDecision.objects.create(
        cycle=cycle,
        kind=PriceDecision.Kind.DECIDED,
        user=user,
        enterprise=cycle.coordinator,
        party=COORDINATOR,
        price_list=snapshot,
    )
    changed = [line for line in state.lines if line.changed]
    _email_parties(
        cycle,
        [p for p in state.parties if p.lines],
        "emails/cycles/prices_decision",
        {
            "coordinator": cycle.coordinator.name,
            "cycle": cycle.name,
            "kind": decision.kind,
            "kind_label": str(decision.get_kind_display()),
            "author": "",
            "who": cycle.coordinator.name,
            "comment": "",
            "changes": [
                {"label": _line_label(line), "old": line.base_display, "new": line.current_display}
                for line in changed[:50]
            ],
            "accepted": 0,
            "decided": True,
            "opens_at": formats.date_format(timezone.localtime(cycle.opens_at), "SHORT_DATETIME_FORMAT"),
        },
        cycle.coordinator.name,
    )
    return decision


def cycle_price_decide(
    *, cycle: OrderCycle, user, enterprise: Enterprise, role: Role, kind: str, comment: str = ""
) -> PriceDecision:
    """A decision on the whole list: accept every current number (`approved`) or write a message
    (`commented`), as the party `role` speaks for."""
    if kind == PriceDecision.Kind.APPROVED:
        return cycle_prices_respond(
            cycle=cycle, user=user, enterprise=enterprise, role=role, accept_all=True, comment=comment
        )
    if kind == PriceDecision.Kind.COMMENTED:
        return cycle_prices_respond(cycle=cycle, user=user, enterprise=enterprise, role=role, comment=comment)
    raise ApprovalError(_("Décision inconnue."))


def enterprise_price_approval_set(*, enterprise: Enterprise, value: str) -> None:
    """Change whose agreement the enterprise's cycles need. Turning it on puts the prices of its
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
