"""Back-office order cycles, steps 2 and 4: the suppliers of a cycle (and their fees) and its
distributors (their pickup, delivery and payment methods and fees)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.cycles import selectors, services
from cabas.cycles.exceptions import CycleError
from cabas.cycles.forms import DistributorForm, EnterpriseChoiceForm, FeesForm
from cabas.cycles.models import CycleDistributor, CycleSupplier, Fee
from cabas.cycles.views_cycles import coordinator_cycle, form_submit, say_reset, step_context
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Enterprise, Role

DISTRIBUTOR_FIELDS = ("shipping_methods", "payment_methods", "fees", "pickup_at", "pickup_note")


def _participant_add(request, *, candidates, label, add, success: str, then):
    """The "add a supplier / a distributor" form of a cycle step. On a valid POST it calls
    `add(enterprise)` and returns a redirect to `then(enterprise)` with `success`; otherwise the form
    (with the domain error, if any) for the page and None."""
    form = EnterpriseChoiceForm(request.POST or None, choices=candidates, label=label, prefix="add")
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["enterprise"]
        try:
            add(chosen)
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success % {"name": chosen.name})
            return form, redirect(*then(chosen))
    return form, None


# --- Step 2: suppliers ----------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_suppliers(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    rows = selectors.cycle_supplier_rows(cycle)
    present = {row.supplier_id for row in rows}
    candidates = [e for e in services.eligible_suppliers(enterprise) if e.pk not in present]
    add_form, done = _participant_add(
        request,
        candidates=candidates,
        label=_("Producteur à ajouter"),
        add=lambda supplier: services.cycle_supplier_add(cycle=cycle, supplier=supplier),
        success=_("%(name)s fournit ce cycle : choisissez ses produits."),
        then=lambda supplier: ("cycles:suppliers", enterprise.slug, cycle.uuid),
    )
    if done:
        return done
    with_fees = set(
        Fee.objects.filter(enterprise_id__in=present, active=True)
        .exclude(fee_type=Fee.Type.PLATFORM)
        .values_list("enterprise_id", flat=True)
    )
    for row in rows:
        row.has_fees = row.supplier_id in with_fees
        row.form = FeesForm(
            initial={"fees": [f.pk for f in row.fees.all()]},
            fees=services.enterprise_fee_choices(row.supplier),
            label=_("Frais de %(name)s") % {"name": row.supplier.name},
            prefix=f"s-{row.supplier.slug}",
        )
    context = step_context(
        enterprise, cycle, "suppliers", rows=rows, add_form=add_form, candidates=candidates
    )
    return render(request, "manage/cycles/suppliers.html", context)


def _supplier(enterprise, cycle, supplier_slug) -> Enterprise:
    row = (
        CycleSupplier.objects.filter(cycle=cycle, supplier__slug=supplier_slug)
        .select_related("supplier")
        .first()
    )
    if row is None:
        raise Http404
    return row.supplier


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_supplier_fees(request, enterprise, cycle, supplier):
    cycle = coordinator_cycle(enterprise, cycle)
    supplier = _supplier(enterprise, cycle, supplier)
    form = FeesForm(
        request.POST, fees=services.enterprise_fee_choices(supplier), label="", prefix=f"s-{supplier.slug}"
    )
    if not form.is_valid():
        messages.error(request, _("Ces frais ne sont pas proposés par %(name)s.") % {"name": supplier.name})
    else:
        try:
            reset = services.cycle_supplier_update(
                cycle=cycle, supplier=supplier, fees=form.cleaned_data["fees"]
            )
        except CycleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Frais de %(name)s enregistrés.") % {"name": supplier.name})
            say_reset(request, reset)
    return redirect("cycles:suppliers", enterprise.slug, cycle.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_supplier_remove(request, enterprise, cycle, supplier):
    cycle = coordinator_cycle(enterprise, cycle)
    supplier = _supplier(enterprise, cycle, supplier)
    try:
        removed = services.cycle_supplier_remove(cycle=cycle, supplier=supplier)
    except CycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(name)s ne fournit plus ce cycle (%(count)d variante retirée).",
                "%(name)s ne fournit plus ce cycle (%(count)d variantes retirées).",
                removed,
            )
            % {"name": supplier.name, "count": removed},
        )
    return redirect("cycles:suppliers", enterprise.slug, cycle.uuid)


# --- Step 4: distributors -------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_distributors(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    rows = selectors.cycle_distributor_rows(cycle, with_choices=True)
    present = {row.distributor_id for row in rows}
    candidates = [e for e in services.eligible_distributors(enterprise) if e.pk not in present]
    add_form, done = _participant_add(
        request,
        candidates=candidates,
        label=_("Distributeur à ajouter"),
        add=lambda distributor: services.cycle_distributor_add(cycle=cycle, distributor=distributor),
        success=_("%(name)s distribue ce cycle : vérifiez son retrait et ses paiements."),
        then=lambda distributor: ("cycles:distributor", enterprise.slug, cycle.uuid, distributor.slug),
    )
    if done:
        return done
    context = step_context(
        enterprise, cycle, "distributors", rows=rows, add_form=add_form, candidates=candidates
    )
    return render(request, "manage/cycles/distributors.html", context)


def _distributor_row(cycle, slug) -> CycleDistributor:
    row = (
        CycleDistributor.objects.filter(cycle=cycle, distributor__slug=slug)
        .select_related("distributor")
        .first()
    )
    if row is None:
        raise Http404
    return row


def _distributor_form(data, row) -> DistributorForm:
    """The form of a distributor's row: its methods, fees and pickup, among what it offers."""
    owner = row.distributor
    initial = {
        "shipping_methods": list(row.shipping_methods.values_list("pk", flat=True)),
        "payment_methods": list(row.payment_methods.values_list("pk", flat=True)),
        "fees": list(row.fees.values_list("pk", flat=True)),
        "pickup_at": row.pickup_at,
        "pickup_note": row.pickup_note,
    }
    return DistributorForm(
        data,
        initial=initial,
        shipping_methods=owner.shipping_methods.filter(active=True),
        payment_methods=owner.payment_methods.filter(active=True),
        fees=services.enterprise_fee_choices(owner),
    )


@manage_view(min_role=Role.Level.MANAGER)
def cycle_distributor(request, enterprise, cycle, distributor):
    cycle = coordinator_cycle(enterprise, cycle)
    row = _distributor_row(cycle, distributor)
    form = _distributor_form(request.POST or None, row)
    saved, reset = form_submit(
        request,
        form,
        lambda data: services.cycle_distributor_update(
            cycle=cycle, row=row, **{name: data[name] for name in DISTRIBUTOR_FIELDS}
        ),
    )
    if saved:
        messages.success(request, _("%(name)s : enregistré.") % {"name": row.distributor.name})
        say_reset(request, reset)
        return redirect("cycles:distributors", enterprise.slug, cycle.uuid)
    context = step_context(
        enterprise,
        cycle,
        "distributors",
        row=row,
        form=form,
        excluded_count=row.excluded_variants.count(),
        own=row.distributor_id == enterprise.pk,
    )
    return render(request, "manage/cycles/distributor.html", context)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_distributor_remove(request, enterprise, cycle, distributor):
    cycle = coordinator_cycle(enterprise, cycle)
    row = _distributor_row(cycle, distributor)
    try:
        services.cycle_distributor_remove(cycle=cycle, distributor=row.distributor)
    except CycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s ne distribue plus ce cycle.") % {"name": row.distributor.name})
    return redirect("cycles:distributors", enterprise.slug, cycle.uuid)
