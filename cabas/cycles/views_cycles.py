"""Back-office order cycles: the list (upcoming / open / closed), create, edit in four steps
(general, suppliers, products, distributors), clone, schedule, delete; the price list submitted
for approval; the approvals page of producers and consumer referents.

Every page works without JavaScript; the products step swaps its results with htmx when filtering.
Each page costs a constant number of queries whatever the number of variants.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.catalogue.forms import category_tree
from cabas.cycles import selectors, services, services_approval
from cabas.cycles.exceptions import CycleError
from cabas.cycles.forms import (
    CloneForm,
    CycleForm,
    DecisionForm,
    DistributorForm,
    EnterpriseChoiceForm,
    FeesForm,
    PriceApprovalForm,
    ScheduleForm,
    SubmitForm,
    VariantBulkForm,
    VariantFilterForm,
)
from cabas.cycles.models import (
    CycleDistributor,
    CycleSupplier,
    CycleVariant,
    Fee,
    OrderCycle,
    PriceDecision,
    Schedule,
)
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Enterprise, Role
from cabas.errors import DomainError

CYCLES_PER_PAGE = 20
VARIANTS_PER_PAGE = 50
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


def _cycle(enterprise, uuid) -> OrderCycle:
    return selectors.cycle_for_coordinator(enterprise, uuid)


def _context(enterprise, cycle=None, step="", **extra) -> dict:
    return {"enterprise": enterprise, "nav": "cycles", "cycle": cycle, "step": step, **extra}


def _say_reset(request, reset: bool) -> None:
    if reset:
        messages.warning(request, RESET_MESSAGE)


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
    context = _context(
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
            _("Approbation des prix : %(value)s.") % {"value": enterprise.get_price_approval_display()},
        )
    return redirect("cycles:list", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
def cycle_new(request, enterprise):
    form = CycleForm(request.POST or None, fees=services.coordinator_fee_choices(enterprise))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                coordinator=enterprise,
                name=data["name"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                coordinator_fees=data["coordinator_fees"],
            )
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Cycle « %(name)s » créé : choisissez ses fournisseurs.") % {"name": cycle.name}
            )
            return redirect("cycles:suppliers", enterprise.slug, cycle.uuid)
    return render(request, "manage/cycles/new.html", _context(enterprise, form=form))


# --- Step 1: general ------------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_edit(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
    initial = {
        "name": cycle.name,
        "opens_at": cycle.opens_at,
        "closes_at": cycle.closes_at,
        "coordinator_fees": list(cycle.coordinator_fees.values_list("pk", flat=True)),
    }
    form = CycleForm(request.POST or None, initial=initial, fees=services.coordinator_fee_choices(enterprise))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reset = services.cycle_update(
                cycle=cycle,
                name=data["name"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                coordinator_fees=data["coordinator_fees"],
            )
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Cycle enregistré."))
            _say_reset(request, reset)
            return redirect("cycles:edit", enterprise.slug, cycle.uuid)
    counts = {
        "suppliers": CycleSupplier.objects.filter(cycle=cycle).count(),
        "variants": CycleVariant.objects.filter(cycle=cycle).count(),
        "distributors": CycleDistributor.objects.filter(cycle=cycle).count(),
    }
    context = _context(
        enterprise,
        cycle,
        "general",
        form=form,
        counts=counts,
        sellable=services.cycle_is_sellable(cycle),
        status=cycle.status(),
        has_schedule=cycle.schedule_id is not None,
    )
    return render(request, "manage/cycles/edit.html", context)


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
    cycle = _cycle(enterprise, cycle)
    rows = list(
        CycleSupplier.objects.filter(cycle=cycle)
        .select_related("supplier")
        .prefetch_related("fees")
        .order_by("supplier__name")
    )
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
    context = _context(enterprise, cycle, "suppliers", rows=rows, add_form=add_form, candidates=candidates)
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
    cycle = _cycle(enterprise, cycle)
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
            _say_reset(request, reset)
    return redirect("cycles:suppliers", enterprise.slug, cycle.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_supplier_remove(request, enterprise, cycle, supplier):
    cycle = _cycle(enterprise, cycle)
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


# --- Step 3: products -----------------------------------------------------------------------------


def _variant_filter_form(data, cycle):
    producers = list(
        Enterprise.objects.filter(pk__in=CycleSupplier.objects.filter(cycle=cycle).values("supplier_id"))
        .only("id", "slug", "name")
        .order_by("name")
    )
    return VariantFilterForm(data, producers=producers, categories=category_tree()), producers


@manage_view(min_role=Role.Level.MANAGER)
def cycle_variants(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
    form, producers = _variant_filter_form(request.GET or None, cycle)
    filters = form.filters()
    variants = (
        services.cycle_variants(cycle, filters)
        .select_related("product__producer", "product__category")
        .only(
            "id",
            "uuid",
            "name",
            "sku",
            "unit",
            "quantity",
            "unit_name",
            "price",
            "variable_weight",
            "product__id",
            "product__name",
            "product__producer__id",
            "product__producer__name",
            "product__category__id",
            "product__category__name",
            "product__category__name_en",
        )
        .order_by("product__producer__name", "product__name", "position", "id")
    )
    page = Paginator(variants, VARIANTS_PER_PAGE).get_page(request.GET.get("page"))
    for variant in page.object_list:
        variant.size_display = variant.measure.display()
    distributors = list(
        CycleDistributor.objects.filter(cycle=cycle)
        .select_related("distributor")
        .order_by("distributor__name")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        enterprise,
        cycle,
        "variants",
        form=form,
        page=page,
        filters=filters,
        producers=producers,
        distributors=distributors,
        bulk_form=VariantBulkForm(distributors=distributors),
        selected_count=CycleVariant.objects.filter(cycle=cycle).count(),
        filtered=any(v for k, v in request.GET.items() if k != "page"),
        filter_query=query.urlencode(),
        next=request.get_full_path(),
    )
    return render(request, "manage/cycles/variants.html", context)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_variants_bulk(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
    distributors = list(CycleDistributor.objects.filter(cycle=cycle).select_related("distributor"))
    form = VariantBulkForm(request.POST, distributors=distributors)
    filter_form, _producers = _variant_filter_form(request.POST, cycle)
    back = reverse("cycles:variants", args=[enterprise.slug, cycle.uuid])
    query = request.POST.get("query", "")
    if query and "\n" not in query:
        back = f"{back}?{query}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    filters, uuids = filter_form.filters(), data["uuids"]
    approval_before = cycle.approval
    try:
        if data["action"] == "add":
            count = services.cycle_variants_add(cycle=cycle, uuids=uuids, filters=filters)
            text = ngettext(
                "%(count)d variante ajoutée au cycle.", "%(count)d variantes ajoutées au cycle.", count
            )
        elif data["action"] == "remove":
            count = services.cycle_variants_remove(cycle=cycle, uuids=uuids, filters=filters)
            text = ngettext(
                "%(count)d variante retirée du cycle.", "%(count)d variantes retirées du cycle.", count
            )
        else:
            exclude = data["action"] == "exclude"
            count = services.cycle_variants_exclude(
                cycle=cycle, distributor=data["row"], exclude=exclude, uuids=uuids, filters=filters
            )
            text = (
                ngettext(
                    "%(count)d variante ne sera pas proposée chez %(name)s.",
                    "%(count)d variantes ne seront pas proposées chez %(name)s.",
                    count,
                )
                if exclude
                else ngettext(
                    "%(count)d variante de nouveau proposée chez %(name)s.",
                    "%(count)d variantes de nouveau proposées chez %(name)s.",
                    count,
                )
            )
    except CycleError as error:
        messages.error(request, error.message)
        return redirect(back)
    name = data["row"].distributor.name if data.get("row") else ""
    messages.success(request, text % {"count": count, "name": name})
    _say_reset(request, cycle.approval != approval_before)
    return redirect(back)


# --- Step 4: distributors -------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_distributors(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
    rows = list(
        CycleDistributor.objects.filter(cycle=cycle)
        .select_related("distributor")
        .prefetch_related("shipping_methods", "payment_methods", "fees")
        .order_by("distributor__name")
    )
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
    context = _context(enterprise, cycle, "distributors", rows=rows, add_form=add_form, candidates=candidates)
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


@manage_view(min_role=Role.Level.MANAGER)
def cycle_distributor(request, enterprise, cycle, distributor):
    cycle = _cycle(enterprise, cycle)
    row = _distributor_row(cycle, distributor)
    owner = row.distributor
    initial = {
        "shipping_methods": list(row.shipping_methods.values_list("pk", flat=True)),
        "payment_methods": list(row.payment_methods.values_list("pk", flat=True)),
        "fees": list(row.fees.values_list("pk", flat=True)),
        "pickup_at": row.pickup_at,
        "pickup_note": row.pickup_note,
    }
    shipping = owner.shipping_methods.filter(active=True)
    payments = owner.payment_methods.filter(active=True)
    form = DistributorForm(
        request.POST or None,
        initial=initial,
        shipping_methods=shipping,
        payment_methods=payments,
        fees=services.enterprise_fee_choices(owner),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reset = services.cycle_distributor_update(
                cycle=cycle,
                row=row,
                shipping_methods=data["shipping_methods"],
                payment_methods=data["payment_methods"],
                fees=data["fees"],
                pickup_at=data["pickup_at"],
                pickup_note=data["pickup_note"],
            )
        except CycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s : enregistré.") % {"name": owner.name})
            _say_reset(request, reset)
            return redirect("cycles:distributors", enterprise.slug, cycle.uuid)
    context = _context(
        enterprise,
        cycle,
        "distributors",
        row=row,
        form=form,
        excluded_count=row.excluded_variants.count(),
        own=owner.pk == enterprise.pk,
    )
    return render(request, "manage/cycles/distributor.html", context)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_distributor_remove(request, enterprise, cycle, distributor):
    cycle = _cycle(enterprise, cycle)
    row = _distributor_row(cycle, distributor)
    try:
        services.cycle_distributor_remove(cycle=cycle, distributor=row.distributor)
    except CycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s ne distribue plus ce cycle.") % {"name": row.distributor.name})
    return redirect("cycles:distributors", enterprise.slug, cycle.uuid)


# --- Clone, schedule, delete ----------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def cycle_clone(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
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
        request, "manage/cycles/clone.html", _context(enterprise, cycle, form=form, previews=previews)
    )


@manage_view(min_role=Role.Level.MANAGER)
def cycle_schedule(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
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
    return render(request, "manage/cycles/schedule.html", _context(enterprise, cycle, form=form))


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
    cycle = _cycle(enterprise, cycle)
    if request.method == "POST":
        try:
            services.cycle_delete(cycle=cycle)
        except CycleError as error:
            messages.error(request, error.message)
            return redirect("cycles:edit", enterprise.slug, cycle.uuid)
        messages.success(request, _("Cycle « %(name)s » supprimé.") % {"name": cycle.name})
        return redirect("cycles:list", enterprise.slug)
    has_orders = cycle.orders.exists()
    return render(request, "manage/cycles/delete.html", _context(enterprise, cycle, has_orders=has_orders))


# --- Prices: the coordinator's side ---------------------------------------------------------------


def _history(cycle):
    return (
        PriceDecision.objects.filter(cycle=cycle)
        .select_related("user", "enterprise")
        .order_by("created_at", "id")
    )


@manage_view(min_role=Role.Level.MANAGER)
def cycle_prices(request, enterprise, cycle):
    cycle = _cycle(enterprise, cycle)
    current = services_approval.price_list_build(cycle)
    submission = services_approval.latest_submission(cycle)
    changes = (
        services_approval.price_list_differences(submission.price_list, current)
        if submission and cycle.approval in (OrderCycle.Approval.SUBMITTED, OrderCycle.Approval.APPROVED)
        else []
    )
    context = _context(
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
    cycle = _cycle(enterprise, cycle)
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
    cycle = _cycle(enterprise, cycle)
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
