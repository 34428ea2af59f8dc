"""Back-office order cycles: the list (upcoming / open / closed), create, edit the general step,
clone, schedule, delete. The other steps live in `views_cycle_participants` (suppliers and
distributors) and `views_cycle_offer` (products); prices and approvals in `views_cycle_prices`.

Every page works without JavaScript and costs a constant number of queries whatever the number
of variants.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.cycles import registry, selectors, services, services_approval
from cabas.cycles.exceptions import CycleError
from cabas.cycles.forms import CloneForm, CycleForm, PriceApprovalForm, ScheduleForm
from cabas.cycles.models import OrderCycle, Schedule
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role

CYCLES_PER_PAGE = 20
RESET_MESSAGE = _(
    "Les prix de ce cycle ont changé : ils repassent en préparation et doivent être de nouveau "
    "soumis et approuvés avant que le cycle puisse ouvrir."
)
STATUS_TABS = [
    ("", _("Tous")),
    (OrderCycle.Status.UPCOMING, _("À venir")),
    (OrderCycle.Status.OPEN, _("Ouverts")),
    (OrderCycle.Status.CLOSED, _("Fermés")),
]


def coordinator_cycle(enterprise, uuid) -> OrderCycle:
    """The cycle `uuid` of the coordinator `enterprise`, or Http404."""
    return selectors.cycle_for_coordinator(enterprise, uuid)


def step_context(enterprise, cycle=None, step="", **extra) -> dict:
    """The context of a cycle page: `step` names the tab of the cycle's edition."""
    return {"enterprise": enterprise, "nav": "cycles", "cycle": cycle, "step": step, **extra}


def say_reset(request, reset: bool) -> None:
    """Warn that the cycle's prices went back to preparation, when `reset`."""
    if reset:
        messages.warning(request, RESET_MESSAGE)


def form_submit(request, form, save) -> tuple[bool, object]:
    """On a valid POST, call `save(form.cleaned_data)`: returns (True, what it returned), or
    (False, None) when there is nothing to save or the service refused (its error then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, save(form.cleaned_data)
    except CycleError as error:
        form.add_error(None, error.message)
        return False, None


def _cycle_values(data) -> dict:
    return {key: data[key] for key in ("name", "opens_at", "closes_at", "coordinator_fees")}


# --- List, setting, new ---------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_list(request, enterprise):
    status = request.GET.get("statut", "")
    if status not in dict(STATUS_TABS):
        status = ""
    page = Paginator(selectors.cycles_for_list(enterprise, status), CYCLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for cycle in page.object_list:
        cycle.current_status = cycle.status(now)
    context = step_context(
        enterprise,
        page=page,
        status=status,
        tabs=STATUS_TABS,
        approval_form=PriceApprovalForm(initial={"price_approval": enterprise.price_approval}),
        is_owner=request.role.at_least(Role.Level.OWNER),
        schedules=Schedule.objects.filter(coordinator=enterprise, active=True).order_by("name"),
    )
    return render(request, "manage/cycles/list.html", context)


@manage_view(min_role=Role.Level.OWNER)
@require_POST
def price_approval_setting(request, enterprise):
    form = PriceApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez qui approuve les prix."))
    else:
        services_approval.enterprise_price_approval_set(
            enterprise=enterprise, value=form.cleaned_data["price_approval"]
        )
        messages.success(
            request,
            _("Co-décision des prix : %(value)s.") % {"value": enterprise.get_price_approval_display()},
        )
    return redirect("cycles:list", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
def cycle_new(request, enterprise):
    form = CycleForm(request.POST or None, fees=services.coordinator_fee_choices(enterprise))
    saved, cycle = form_submit(
        request,
        form,
        lambda data: services.cycle_create(coordinator=enterprise, **_cycle_values(data)),
    )
    if saved:
        messages.success(
            request, _("Cycle « %(name)s » créé : choisissez ses fournisseurs.") % {"name": cycle.name}
        )
        return redirect("cycles:suppliers", enterprise.slug, cycle.uuid)
    return render(request, "manage/cycles/new.html", step_context(enterprise, form=form))


# --- Step 1: general ------------------------------------------------------------------------------


def _cycle_initial(cycle) -> dict:
    return {
        "name": cycle.name,
        "opens_at": cycle.opens_at,
        "closes_at": cycle.closes_at,
        "coordinator_fees": list(cycle.coordinator_fees.values_list("pk", flat=True)),
    }


@manage_view(min_role=Role.Level.MANAGER)
def cycle_edit(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    fees = services.coordinator_fee_choices(enterprise)
    form = CycleForm(request.POST or None, initial=_cycle_initial(cycle), fees=fees)
    saved, reset = form_submit(
        request, form, lambda data: services.cycle_update(cycle=cycle, **_cycle_values(data))
    )
    if saved:
        messages.success(request, _("Cycle enregistré."))
        say_reset(request, reset)
        return redirect("cycles:edit", enterprise.slug, cycle.uuid)
    context = step_context(
        enterprise,
        cycle,
        "general",
        form=form,
        counts=selectors.cycle_counts(cycle),
        sellable=services.cycle_is_sellable(cycle),
        can_open=services.cycle_can_open(cycle),
        status=cycle.status(),
        has_schedule=cycle.schedule_id is not None,
        history=registry.cycle_history(cycle=cycle, enterprise=enterprise),
    )
    return render(request, "manage/cycles/edit.html", context)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_open_now(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    try:
        services.cycle_open_now(cycle=cycle)
    except CycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Cycle « %(name)s » ouvert : il prend les commandes.") % {"name": cycle.name}
        )
    return redirect("cycles:edit", enterprise.slug, cycle.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_close_now(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    try:
        services.cycle_close_now(cycle=cycle)
    except CycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Cycle « %(name)s » fermé : il ne prend plus de commandes.") % {"name": cycle.name}
        )
    return redirect("cycles:edit", enterprise.slug, cycle.uuid)


# --- Clone, schedule, delete ----------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_clone(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    form = CloneForm(request.POST or None, initial={"name": cycle.name})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.cycle_clone(
                cycle=cycle, frequency=form.cleaned_data["frequency"], name=form.cleaned_data["name"]
            )
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Cycle copié : « %(name)s ». Vérifiez ses dates et ses prix.") % {"name": copy.name},
            )
            return redirect("cycles:edit", enterprise.slug, copy.uuid)
    previews = {
        value: services.shift(cycle.opens_at, value) for value in ("weekly", "fortnightly", "monthly")
    }
    return render(
        request, "manage/cycles/clone.html", step_context(enterprise, cycle, form=form, previews=previews)
    )


@manage_view(min_role=Role.Level.MANAGER)
def cycle_schedule(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(cycle=cycle, frequency=form.cleaned_data["frequency"])
            created = services.schedule_run(schedule=schedule)
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("« %(name)s » se répétera : %(frequency)s. Cycles préparés à l'avance : %(count)d.")
                % {
                    "name": schedule.name,
                    "frequency": schedule.get_frequency_display().lower(),
                    "count": len(created),
                },
            )
            return redirect("cycles:list", enterprise.slug)
    return render(request, "manage/cycles/schedule.html", step_context(enterprise, cycle, form=form))


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def schedule_stop(request, enterprise, schedule):
    schedule = Schedule.objects.filter(coordinator=enterprise, uuid=schedule).first()
    if schedule is None:
        raise Http404
    services.schedule_stop(schedule=schedule)
    messages.success(
        request,
        _("« %(name)s » ne se répétera plus. Les cycles déjà créés restent.") % {"name": schedule.name},
    )
    return redirect("cycles:list", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
def cycle_delete(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    if request.method == "POST":
        try:
            services.cycle_delete(cycle=cycle)
        except CycleError as error:
            messages.error(request, error.message)
            return redirect("cycles:edit", enterprise.slug, cycle.uuid)
        messages.success(request, _("Cycle « %(name)s » supprimé.") % {"name": cycle.name})
        return redirect("cycles:list", enterprise.slug)
    has_orders = cycle.orders.exists()
    return render(
        request, "manage/cycles/delete.html", step_context(enterprise, cycle, has_orders=has_orders)
    )
