"""Back-office order cycles, step 3: the products of a cycle. The page lists the catalogue variants
of the cycle's suppliers with filters (swapped with htmx when filtering); bulk actions add or remove
the chosen (or all the filtered) variants, or keep them from one distributor."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.catalogue.forms import category_tree
from cabas.cycles import selectors, services
from cabas.cycles.exceptions import CycleError
from cabas.cycles.forms import VariantBulkForm, VariantFilterForm
from cabas.cycles.models import CycleVariant
from cabas.cycles.views_cycles import coordinator_cycle, say_reset, step_context
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role

VARIANTS_PER_PAGE = 50


def _variant_filter_form(data, cycle):
    producers = selectors.cycle_producers(cycle)
    return VariantFilterForm(data, producers=producers, categories=category_tree()), producers


def _variants_page(request, cycle, filters):
    variants = selectors.cycle_variants_for_page(cycle, filters)
    page = Paginator(variants, VARIANTS_PER_PAGE).get_page(request.GET.get("page"))
    for variant in page.object_list:
        variant.size_display = variant.measure.display()
    return page


@manage_view(min_role=Role.Level.MANAGER)
def cycle_variants(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    form, producers = _variant_filter_form(request.GET or None, cycle)
    filters = form.filters()
    page = _variants_page(request, cycle, filters)
    distributors = selectors.cycle_distributor_rows(cycle)
    query = request.GET.copy()
    query.pop("page", None)
    context = step_context(
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


def _exclude_message(count: int, exclude: bool) -> str:
    if exclude:
        return ngettext(
            "%(count)d variante ne sera pas proposée chez %(name)s.",
            "%(count)d variantes ne seront pas proposées chez %(name)s.",
            count,
        )
    return ngettext(
        "%(count)d variante de nouveau proposée chez %(name)s.",
        "%(count)d variantes de nouveau proposées chez %(name)s.",
        count,
    )


def _bulk_apply(cycle, data, filters) -> str:
    """Apply the bulk action of `data` to the chosen or filtered variants; returns the message to
    show (with %(count)d and %(name)s). Raises CycleError."""
    uuids = data["uuids"]
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
        text = _exclude_message(count, exclude)
    name = data["row"].distributor.name if data.get("row") else ""
    return text % {"count": count, "name": name}


def _bulk_back(request, enterprise, cycle) -> str:
    """The products page with the filters the bulk action came from."""
    back = reverse("cycles:variants", args=[enterprise.slug, cycle.uuid])
    query = request.POST.get("query", "")
    return f"{back}?{query}" if query and "\n" not in query else back


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def cycle_variants_bulk(request, enterprise, cycle):
    cycle = coordinator_cycle(enterprise, cycle)
    form = VariantBulkForm(request.POST, distributors=selectors.cycle_distributor_rows(cycle))
    filter_form, _producers = _variant_filter_form(request.POST, cycle)
    back = _bulk_back(request, enterprise, cycle)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    approval_before = cycle.approval
    try:
        text = _bulk_apply(cycle, form.cleaned_data, filter_form.filters())
    except CycleError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, text)
    say_reset(request, cycle.approval != approval_before)
    return redirect(back)
