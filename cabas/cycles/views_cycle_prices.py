"""Back-office order cycles: the price list a coordinator submits for approval, and the approvals
page where producers and consumer referents answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.cycles import services, services_approval
from cabas.cycles.forms import DecisionForm, SubmitForm
from cabas.cycles.models import OrderCycle, PriceDecision
from cabas.cycles.views_cycles import coordinator_cycle, step_context
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.errors import DomainError

# --- Prices: the coordinator's side ---------------------------------------------------------------


def _history(cycle):
    return (
        PriceDecision.objects.filter(cycle=cycle)
        .select_related("user", "enterprise")
        .order_by("created_at", "id")
    )


@manage_view(min_role=Role.Level.MANAGER)
def cycle_prices(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    current = services_approval.price_list_build(cycle)
    submission = services_approval.latest_submission(cycle)
    changes = (
        services_approval.price_list_differences(submission.price_list, current)
        if submission and cycle.approval in (OrderCycle.Approval.SUBMITTED, OrderCycle.Approval.APPROVED)
        else []
    )
    context = step_context(
        enterprise,
        cycle,
        "prices",
        price_list=current,
        parties=services_approval.approval_parties(cycle),
        history=_history(cycle),
        required=services.approval_required(enterprise),
        changes=changes,
        submit_form=SubmitForm(),
        comment_form=DecisionForm(can_decide=False),
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
            messages.success(
                request, _("Aucun autre producteur ne doit approuver : les prix sont approuvés.")
            )
        else:
            messages.success(
                request, _("Prix soumis : les producteurs et référents concernés ont reçu un e-mail.")
            )
    return redirect("cycles:prices", enterprise.slug, cycle.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_prices_comment(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    try:
        services_approval.cycle_price_decide(
            cycle=cycle,
            user=request.user,
            enterprise=enterprise,
            role=request.role,
            kind=PriceDecision.Kind.COMMENTED,
            comment=request.POST.get("comment", "")[:2000],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Commentaire ajouté à l'historique."))
    return redirect("cycles:prices", enterprise.slug, cycle.uuid)


# --- Prices: producers and consumer referents -----------------------------------------------------


@manage_view(min_role=Role.Level.VOLUNTEER)
def approvals(request, enterprise):
    """The cycles whose prices concern this enterprise. Producers decide through their managers and
    owners, a coordinator's consumer referents whatever their role; other members only read."""
    cycles = list(services_approval.cycles_for_approver(enterprise)[:100])
    waiting = [c for c in cycles if c.approval == OrderCycle.Approval.SUBMITTED]
    others = [c for c in cycles if c.approval != OrderCycle.Approval.SUBMITTED]
    decided = (
        set(
            PriceDecision.objects.filter(
                cycle__in=waiting,
                enterprise=enterprise,
                kind__in=[PriceDecision.Kind.APPROVED, PriceDecision.Kind.CHANGES_REQUESTED],
            ).values_list("cycle_id", flat=True)
        )
        if waiting
        else set()
    )
    for cycle in cycles:
        cycle.already_decided = cycle.pk in decided
        cycle.can_decide = services_approval.can_decide(cycle=cycle, enterprise=enterprise, role=request.role)
    context = {"enterprise": enterprise, "nav": "approvals", "waiting": waiting, "others": others}
    return render(request, "manage/cycles/approvals.html", context)


@manage_view(min_role=Role.Level.VOLUNTEER)
def approval(request, enterprise, cycle):
    cycle = services_approval.cycles_for_approver(enterprise).filter(uuid=cycle).first()
    if cycle is None:
        raise Http404
    party = services_approval.party_for(cycle=cycle, enterprise=enterprise, role=request.role)
    submitted = cycle.approval == OrderCycle.Approval.SUBMITTED
    form = DecisionForm(request.POST or None, can_decide=submitted)
    if request.method == "POST":
        if party is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services_approval.cycle_price_decide(
                    cycle=cycle,
                    user=request.user,
                    enterprise=enterprise,
                    role=request.role,
                    kind=form.cleaned_data["kind"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Votre réponse est enregistrée dans l'historique du cycle."))
                return redirect("cycles:approval", enterprise.slug, cycle.uuid)
    submission = services_approval.latest_submission(cycle)
    context = {
        "enterprise": enterprise,
        "nav": "approvals",
        "cycle": cycle,
        "party": party,
        "form": form,
        "can_decide": submitted,
        "submission": submission,
        "price_list": submission.price_list if submission else {},
        "history": _history(cycle),
        "parties": services_approval.approval_parties(cycle),
    }
    return render(request, "manage/cycles/approval.html", context)
