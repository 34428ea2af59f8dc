"""Back-office order cycles: the negotiation of a cycle's prices — the coordinator's prices page
(open a round, answer, write in the thread) and the page where producers and consumer referents
answer, line by line."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.cycles import services, services_approval
from cabas.cycles.forms import MessageForm, SubmitForm
from cabas.cycles.models import OrderCycle, PriceDecision
from cabas.cycles.negotiation import COORDINATOR, negotiation
from cabas.cycles.views_cycles import coordinator_cycle, step_context
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.errors import DomainError

MAX_SHOWN = 500  # lines shown (and answered) on one page


def _history(cycle):
    return (
        PriceDecision.objects.filter(cycle=cycle)
        .select_related("user", "enterprise")
        .order_by("created_at", "id")
    )


def _negotiation_context(cycle, party) -> dict:
    """What the shared negotiation block shows: the lines with their numbers and shelf prices, the
    parties, and what `party` (None: a reader) still has to answer."""
    state = negotiation(cycle)
    key = party.key if party else ""
    waiting = state.waiting_for(key) if party and state.in_round else []
    for line in state.lines:
        line.mine = bool(party) and key in line.parties
        line.accepted_by_me = line.mine and key in line.accepted
        line.waiting_parties = [p.label for p in state.parties if line.waits_for(p.key)]
    return {
        "negotiation": state,
        "lines": state.lines[:MAX_SHOWN],
        "more_lines": max(0, len(state.lines) - MAX_SHOWN),
        "parties": state.parties,
        "party": party,
        "my_waiting": len(waiting),
        "can_answer": bool(party) and state.in_round,
        "history": _history(cycle),
        "message_form": MessageForm(),
    }


def _answers(post) -> dict[str, str]:
    """Line key -> "accept" or the number typed, from the answer form (the service keeps the lines
    of the party answering and ignores the others)."""
    answers = dict.fromkeys(post.getlist("accept"), "accept")
    for name, value in post.items():
        if name.startswith("n-") and value.strip():
            answers[name[2:]] = value.strip()[:20]
    return answers


def _respond(request, cycle, enterprise, party) -> bool:
    """Record the answer posted by `party`; a message says what happened. True when saved."""
    try:
        decision = services_approval.cycle_prices_respond(
            cycle=cycle,
            user=request.user,
            enterprise=enterprise,
            role=request.role,
            party_kind=party.kind,
            answers=_answers(request.POST),
            accept_all="accept_all" in request.POST,
            comment=request.POST.get("comment", "")[:2000],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return False
    cycle.refresh_from_db(fields=["approval"])
    if cycle.approval == OrderCycle.Approval.APPROVED:
        messages.success(
            request, _("Tout le monde est d'accord : les prix sont décidés, le cycle ouvrira à ses dates.")
        )
    elif decision.kind == PriceDecision.Kind.PROPOSED:
        messages.success(request, _("Votre contre-proposition est envoyée aux autres parties."))
    elif decision.kind == PriceDecision.Kind.APPROVED:
        messages.success(request, _("Vos réponses sont enregistrées."))
    else:
        messages.success(request, _("Message ajouté au fil de discussion."))
    return True


# --- The coordinator's side -----------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_prices(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    party = services_approval.party_for(
        cycle=cycle, enterprise=enterprise, role=request.role, kind=COORDINATOR
    )
    if request.method == "POST":
        if cycle.approval == OrderCycle.Approval.NOT_REQUIRED:
            raise PermissionDenied
        _respond(request, cycle, enterprise, party)
        return redirect("cycles:prices", enterprise.slug, cycle.uuid)
    submission = services_approval.latest_submission(cycle)
    context = _negotiation_context(cycle, party)
    context.update(
        step_context(
            enterprise,
            cycle,
            "prices",
            required=services.approval_required(enterprise),
            submit_form=SubmitForm(),
            submission=submission,
        )
    )
    return render(request, "manage/cycles/prices.html", context)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_prices_submit(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    form = SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services_approval.cycle_prices_submit(cycle=cycle, user=request.user, comment=comment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        cycle.refresh_from_db(fields=["approval"])
        if cycle.approval == OrderCycle.Approval.APPROVED:
            messages.success(request, _("Personne d'autre ne décide de ces prix : ils sont décidés."))
        else:
            messages.success(
                request,
                _("Prix soumis : les producteurs et référents concernés ont reçu un e-mail pour répondre."),
            )
    return redirect("cycles:prices", enterprise.slug, cycle.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_prices_comment(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    try:
        services_approval.cycle_prices_respond(
            cycle=cycle,
            user=request.user,
            enterprise=enterprise,
            role=request.role,
            party_kind=COORDINATOR,
            comment=request.POST.get("comment", "")[:2000],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message ajouté au fil de discussion."))
    return redirect("cycles:prices", enterprise.slug, cycle.uuid)


# --- Producers and consumer referents -------------------------------------------------------------


@manage_view(min_role=Role.Level.VOLUNTEER)
def approvals(request, enterprise):
    """The cycles whose prices concern this enterprise, those waiting for its answer first.
    Producers answer through their managers and owners, a coordinator's consumer referents whatever
    their role; other members only read."""
    cycles = list(services_approval.cycles_for_approver(enterprise)[:100])
    awaiting = {c.pk: c.waiting_lines for c in services_approval.cycles_awaiting_decision(enterprise)}
    for cycle in cycles:
        cycle.waiting_lines = awaiting.get(cycle.pk, 0)
        cycle.can_decide = services_approval.can_decide(cycle=cycle, enterprise=enterprise, role=request.role)
    waiting = [c for c in cycles if c.approval == OrderCycle.Approval.SUBMITTED]
    others = [c for c in cycles if c.approval != OrderCycle.Approval.SUBMITTED]
    context = {"enterprise": enterprise, "nav": "approvals", "waiting": waiting, "others": others}
    return render(request, "manage/cycles/approvals.html", context)


@manage_view(min_role=Role.Level.VOLUNTEER)
def approval(request, enterprise, cycle):
    cycle = services_approval.cycles_for_approver(enterprise).filter(uuid=cycle).first()
    if cycle is None:
        raise Http404
    speaking = services_approval.parties_for(cycle=cycle, enterprise=enterprise, role=request.role)
    speaking = [p for p in speaking if p.kind != COORDINATOR]
    wanted = request.POST.get("as") or request.GET.get("as", "")
    party = next((p for p in speaking if p.kind == wanted), speaking[0] if speaking else None)
    if request.method == "POST":
        if party is None:
            raise PermissionDenied
        _respond(request, cycle, enterprise, party)
        return redirect("cycles:approval", enterprise.slug, cycle.uuid)
    context = _negotiation_context(cycle, party)
    context.update({"enterprise": enterprise, "nav": "approvals", "cycle": cycle})
    return render(request, "manage/cycles/approval.html", context)
