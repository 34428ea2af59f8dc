"""Back-office pages of volunteer shifts, in any enterprise: the planning (the whole team: volunteers
run the distributions), and for managers a shift's creation, edit and deletion, the roles added to
many distributions at once, the rule per person and who has not done their share."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cabas.amap import selectors_shifts as selectors
from cabas.amap import shifts as services
from cabas.amap.forms_shifts import GenerateForm, ShiftDeleteForm, ShiftForm, ShiftRuleForm
from cabas.amap.models import ShiftSignup
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role

MANAGER = Role.Level.MANAGER
PER_PAGE = 30


def page_of(shifts, number):
    """The page `number` of `shifts`, with the page links the pagination shows."""
    page = Paginator(shifts, PER_PAGE).get_page(number)
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page


def _shift_or_404(enterprise, uuid):
    shift = selectors.shift_of(enterprise, uuid)
    if shift is None:
        raise Http404
    return shift


def _saved(form, call, **values):
    """`call(**values)` (a service) for a valid form: its result, or None with its French refusal on
    the form (on the field it names when the form has it)."""
    try:
        return call(**values)
    except services.ShiftError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@require_GET
@manage_view()
def shift_list(request, enterprise):
    past = request.GET.get("past") == "1"
    page = page_of(selectors.planning(enterprise, past=past), request.GET.get("page"))
    context = {
        "enterprise": enterprise,
        "nav": "shifts",
        "page": page,
        "past": past,
        "is_manager": request.role.at_least(MANAGER),
        "member_url": services.shifts_url(enterprise),
    }
    return render(request, "manage/amap/shifts/list.html", context)


def _shift_form(request, enterprise, shift=None):
    form = ShiftForm(request.POST or None, shift=shift)
    if request.method == "POST" and form.is_valid():
        if shift is None:
            saved = _saved(form, services.shift_create, enterprise=enterprise, **form.cleaned_data)
        else:
            saved = _saved(form, services.shift_update, shift=shift, **form.cleaned_data)
        if saved is not None:
            messages.success(request, _("La permanence « %(role)s » est enregistrée.") % {"role": saved.role})
            return redirect("amap:shifts", enterprise.slug)
    context = {
        "enterprise": enterprise,
        "nav": "shifts",
        "form": form,
        "shift": shift,
        "signups": list(shift.signups.select_related("user")) if shift else [],
        "delete_form": ShiftDeleteForm() if shift else None,
    }
    return render(request, "manage/amap/shifts/form.html", context)


@manage_view(min_role=MANAGER)
def shift_new(request, enterprise):
    return _shift_form(request, enterprise)


@manage_view(min_role=MANAGER)
def shift_edit(request, enterprise, shift):
    return _shift_form(request, enterprise, _shift_or_404(enterprise, shift))


@require_POST
@manage_view(min_role=MANAGER)
def shift_delete(request, enterprise, shift):
    shift = _shift_or_404(enterprise, shift)
    form = ShiftDeleteForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.shift_delete(shift=shift, force=data.get("force", False), notice=data.get("notice", ""))
    except services.ShiftError as error:
        messages.error(request, error.message)
        return redirect("amap:shift_edit", enterprise.slug, shift.uuid)
    messages.success(request, _("La permanence « %(role)s » est supprimée.") % {"role": shift.role})
    return redirect("amap:shifts", enterprise.slug)


@require_POST
@manage_view(min_role=MANAGER)
def shift_remove(request, enterprise, shift, signup):
    shift = _shift_or_404(enterprise, shift)
    signup = get_object_or_404(ShiftSignup.objects.select_related("user"), shift=shift, pk=signup)
    services.shift_leave(shift=shift, user=signup.user, by_manager=True)
    messages.success(
        request, _("%(name)s est désinscrit·e de cette permanence.") % {"name": signup.user.get_full_name()}
    )
    return redirect("amap:shift_edit", enterprise.slug, shift.uuid)


@manage_view(min_role=MANAGER)
def shifts_generate(request, enterprise):
    distributions = list(selectors.upcoming_distributions(enterprise))
    form = GenerateForm(request.POST or None, distributions=distributions)
    if request.method == "POST" and form.is_valid():
        values = {"enterprise": enterprise, "distributions": form.chosen(), "roles": form.roles()}
        result = _saved(form, services.shifts_for_distributions, **values)
        if result is not None:
            created, skipped = result
            count = len(created)
            text = ngettext("%(count)d permanence ajoutée.", "%(count)d permanences ajoutées.", count) % {
                "count": count
            }
            if skipped:
                text += " " + ngettext("%(count)d existait déjà.", "%(count)d existaient déjà.", skipped) % {
                    "count": skipped
                }
            messages.success(request, text)
            return redirect("amap:shifts", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "shifts", "form": form, "distributions": distributions}
    return render(request, "manage/amap/shifts/generate.html", context)


@manage_view(min_role=MANAGER)
def shift_rule(request, enterprise):
    rule = selectors.shift_rule_of(enterprise)
    initial = {"per_member": rule.per_member, "season_start": rule.season_start} if rule else None
    form = ShiftRuleForm(request.POST or None, initial=initial)
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = _saved(form, services.shift_rule_set, enterprise=enterprise, **form.cleaned_data)
    if saved is not None:
        messages.success(request, _("La règle des permanences est enregistrée."))
        return redirect("amap:shift_share", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "shifts", "form": form, "rule": rule}
    return render(request, "manage/amap/shifts/rule.html", context)


@require_GET
@manage_view(min_role=MANAGER)
def shift_share(request, enterprise):
    rule = selectors.shift_rule_of(enterprise)
    rows = selectors.share_missing(enterprise, rule) if rule else []
    context = {"enterprise": enterprise, "nav": "shifts", "rule": rule, "rows": rows}
    return render(request, "manage/amap/shifts/share.html", context)
