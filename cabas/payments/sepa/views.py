"""Back-office SEPA direct debit: the mandates customers signed, the collections (choose the orders,
download the pain.008 file for the bank, mark the debits received or rejected). Managers and owners."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.errors import run_action
from cabas.lib import money
from cabas.orders.models import Customer
from cabas.payments.models import Collection, CollectionItem, Mandate
from cabas.payments.sepa import services
from cabas.payments.sepa.forms import CollectionForm, MandateForm
from cabas.payments.sepa.services import SepaError

PER_PAGE = 50
NAV = "sepa"

# --- Mandates -----------------------------------------------------------------------------------


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def mandate_list(request, enterprise):
    page = Paginator(services.mandates_for_list(enterprise), PER_PAGE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    for mandate in page.object_list:
        mandate.iban_display = services.iban_masked(mandate.iban)
    context = {"enterprise": enterprise, "nav": NAV, "tab": "mandates", "page": page}
    return render(request, "manage/payments/sepa/mandates.html", context)


def _mandate_initial(enterprise, customer_uuid) -> dict:
    initial = {"signed_on": timezone.localdate()}
    try:
        customer_uuid = uuid.UUID(customer_uuid or "")
    except ValueError:
        return initial
    customer = Customer.objects.filter(enterprise=enterprise, uuid=customer_uuid).first()
    if customer is not None:
        initial.update(customer=customer.uuid, debtor_name=customer.full_name)
    return initial


@manage_view(min_role=Role.Level.MANAGER)
def mandate_create(request, enterprise):
    initial = {} if request.method == "POST" else _mandate_initial(enterprise, request.GET.get("customer"))
    form = MandateForm(request.POST or None, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = services.mandate_create(
                seller=enterprise,
                customer=data["customer"],
                debtor_name=data["debtor_name"],
                iban=data["iban"],
                bic=data["bic"],
                signed_on=data["signed_on"],
                reference=data["reference"],
                user=request.user,
            )
        except SepaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Le mandat %(reference)s est enregistré.") % {"reference": mandate.reference}
            )
            return redirect("payments:sepa_mandates", enterprise.slug)
    context = {"enterprise": enterprise, "nav": NAV, "tab": "mandates", "form": form}
    return render(request, "manage/payments/sepa/mandate_form.html", context)


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def mandate_revoke(request, enterprise, mandate):
    try:
        mandate = services.mandate_for_seller(enterprise, mandate)
    except Mandate.DoesNotExist:
        raise Http404
    run_action(
        request,
        lambda: services.mandate_revoke(mandate=mandate, user=request.user),
        _("Le mandat %(reference)s est révoqué : il ne sera plus prélevé.")
        % {"reference": mandate.reference},
    )
    return redirect("payments:sepa_mandates", enterprise.slug)


# --- Collections --------------------------------------------------------------------------------


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def collection_list(request, enterprise):
    years = services.collection_years(enterprise)
    year = request.GET.get("year", "")
    selected = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
    rows = list(services.collections_for_list(enterprise, selected)) if selected else []
    totals = {
        name: sum((getattr(row, name) for row in rows), money.ZERO)
        for name in ("total", "received", "pending", "rejected")
    }
    totals["count"] = sum(row.count for row in rows)
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "tab": "collections",
        "years": years,
        "year": selected,
        "rows": rows,
        "totals": totals,
    }
    return render(request, "manage/payments/sepa/collections.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def collection_create(request, enterprise):
    candidates, without_mandate = services.collection_candidates(enterprise)
    methods = services.sepa_methods(enterprise)
    form = CollectionForm(request.POST or None, methods=methods, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collection = services.collection_create(
                seller=enterprise,
                method=data["method"],
                collection_date=data["collection_date"],
                orders=data["orders"],
                user=request.user,
            )
        except SepaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("La remise est prête : téléchargez le fichier et déposez-le sur le site de votre banque."),
            )
            return redirect("payments:sepa_collection", enterprise.slug, collection.uuid)
    checked = set(request.POST.getlist("orders")) if request.method == "POST" else None
    for candidate in candidates:
        candidate.checked = checked is None or str(candidate.order.uuid) in checked
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "tab": "collections",
        "form": form,
        "has_methods": bool(form.fields["method"].queryset),
        "candidates": candidates,
        "candidates_total": sum((c.amount for c in candidates), money.ZERO),
        "without_mandate": without_mandate,
    }
    return render(request, "manage/payments/sepa/collection_form.html", context)


def _collection_or_404(enterprise, uuid) -> Collection:
    try:
        return services.collection_for_seller(enterprise, uuid)
    except Collection.DoesNotExist:
        raise Http404


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def collection_detail(request, enterprise, collection):
    collection = _collection_or_404(enterprise, collection)
    items = list(services.collection_items(collection))
    states = {"succeeded": money.ZERO, "pending": money.ZERO, "failed": money.ZERO}
    for item in items:
        states[item.payment.state] = states.get(item.payment.state, money.ZERO) + item.amount
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "tab": "collections",
        "collection": collection,
        "items": items,
        "received": states["succeeded"],
        "pending": states["pending"],
        "rejected": states["failed"],
    }
    return render(request, "manage/payments/sepa/collection_detail.html", context)


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def collection_file(request, enterprise, collection):
    collection = _collection_or_404(enterprise, collection)
    response = HttpResponse(collection.xml.encode("utf-8"), content_type="application/xml; charset=utf-8")
    filename = f"prelevements-{enterprise.slug}-{collection.collection_date:%Y-%m-%d}.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def collection_settle(request, enterprise, collection):
    collection = _collection_or_404(enterprise, collection)
    count = services.collection_settle(collection=collection, user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d prélèvement est marqué comme encaissé.",
                "%(count)d prélèvements sont marqués comme encaissés.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Aucun prélèvement en attente dans cette remise : rien n'a changé."))
    return redirect("payments:sepa_collection", enterprise.slug, collection.uuid)


@require_POST
@manage_view(min_role=Role.Level.MANAGER)
def collection_item_reject(request, enterprise, collection, payment):
    collection = _collection_or_404(enterprise, collection)
    item = CollectionItem.objects.filter(collection=collection, payment__uuid=payment).select_related("order")
    item = item.first()
    if item is None:
        raise Http404
    run_action(
        request,
        lambda: services.collection_item_reject(item=item, user=request.user),
        _(
            "Le prélèvement de la commande %(number)s est marqué comme rejeté : elle pourra être "
            "prélevée de nouveau."
        )
        % {"number": item.order.number if item.order else item.end_to_end_id},
    )
    return redirect("payments:sepa_collection", enterprise.slug, collection.uuid)
