"""The AMAP's distributions in the back-office: the list (to come, past), generating a season of them
from a rhythm, and one distribution's page — the contracts delivering there (double baskets when a
delivery was postponed to it), cancel, move, postpone a delivery."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.amap import selectors
from cabas.amap.distributions import (
    delivery_postpone,
    distribution_cancel,
    distribution_move,
    distributions_generate,
)
from cabas.amap.exceptions import AmapError
from cabas.amap.forms_distributions import CancelForm, GenerateForm, MoveForm, PostponeForm
from cabas.amap.manage_access import amap_view
from cabas.amap.models import Delivery, Distribution
from cabas.enterprises.models import Role

PAGE_SIZE = 50
NAV = "amap_distributions"


def page_of(rows, request):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page


def form_error(form, error: AmapError) -> None:
    """Put a service's refusal on the form: on its field when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


@amap_view(Role.Level.VOLUNTEER)
def distribution_list(request, enterprise):
    past = request.GET.get("past") == "1"
    page = page_of(selectors.distributions_for_list(enterprise, past=past), request)
    context = {"enterprise": enterprise, "nav": NAV, "page": page, "past": past}
    return render(request, "manage/amap/distributions.html", context)


@amap_view(Role.Level.MANAGER)
def distribution_generate(request, enterprise):
    form = GenerateForm(request.POST or None, amap=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            created, skipped = distributions_generate(amap=enterprise, **form.rhythm_data())
        except AmapError as error:
            form_error(form, error)
        else:
            text = ngettext(
                "%(count)s distribution créée.", "%(count)s distributions créées.", len(created)
            ) % {"count": len(created)}
            if skipped:
                text += " " + ngettext(
                    "%(count)s date avait déjà sa distribution.",
                    "%(count)s dates avaient déjà leur distribution.",
                    len(skipped),
                ) % {"count": len(skipped)}
            messages.success(request, text)
            return redirect("amap:distributions", enterprise.slug)
    context = {"enterprise": enterprise, "nav": NAV, "form": form}
    return render(request, "manage/amap/distribution_generate.html", context)


def _distribution(enterprise, uuid) -> Distribution:
    return get_object_or_404(Distribution.objects.select_related("place"), amap=enterprise, uuid=uuid)


def _page(request, enterprise, distribution, **forms):
    """A distribution's page, with its forms (bound ones when a POST was refused)."""
    deliveries = selectors.distribution_deliveries(distribution)
    active = [d for d in deliveries if d.cancelled_at is None]
    targets = selectors.distribution_targets(distribution)
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "distribution": distribution,
        "deliveries": deliveries,
        "postponed_away": selectors.distribution_postponed_away(distribution),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "move_form": forms.get("move_form") or MoveForm(amap=enterprise, distribution=distribution),
        "postpone_form": forms.get("postpone_form") or PostponeForm(deliveries=active, targets=targets),
        "can_postpone": bool(active),
    }
    status = 400 if forms else 200
    return render(request, "manage/amap/distribution.html", context, status=status)


@amap_view(Role.Level.VOLUNTEER)
def distribution_detail(request, enterprise, distribution):
    return _page(request, enterprise, _distribution(enterprise, distribution))


@require_POST
@amap_view(Role.Level.MANAGER)
def distribution_cancel_view(request, enterprise, distribution):
    distribution = _distribution(enterprise, distribution)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            count = distribution_cancel(
                distribution=distribution, reason=form.cleaned_data["reason"], user=request.user
            )
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Distribution annulée : %(count)s panier annulé, les adhérents sont prévenus.",
                    "Distribution annulée : %(count)s paniers annulés, les adhérents sont prévenus.",
                    count,
                )
                % {"count": count},
            )
            return redirect("amap:distribution", enterprise.slug, distribution.uuid)
    return _page(request, enterprise, distribution, cancel_form=form)


@require_POST
@amap_view(Role.Level.MANAGER)
def distribution_move_view(request, enterprise, distribution):
    distribution = _distribution(enterprise, distribution)
    form = MoveForm(request.POST, amap=enterprise, distribution=distribution)
    if form.is_valid():
        try:
            distribution_move(distribution=distribution, user=request.user, **form.cleaned_data)
        except AmapError as error:
            distribution.refresh_from_db()
            form_error(form, error)
        else:
            messages.success(request, _("Distribution déplacée, les adhérents sont prévenus."))
            return redirect("amap:distribution", enterprise.slug, distribution.uuid)
    return _page(request, enterprise, distribution, move_form=form)


@require_POST
@amap_view(Role.Level.MANAGER)
def delivery_postpone_view(request, enterprise, distribution):
    distribution = _distribution(enterprise, distribution)
    deliveries = Delivery.objects.filter(distribution=distribution, cancelled_at=None).select_related(
        "contract__producer"
    )
    form = PostponeForm(
        request.POST, deliveries=deliveries, targets=selectors.distribution_targets(distribution)
    )
    if form.is_valid():
        delivery = deliveries.get(pk=form.cleaned_data["delivery"])
        try:
            delivery_postpone(delivery=delivery, to=form.cleaned_data["to"], user=request.user)
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Livraison « %(contract)s » reportée au %(to)s, les adhérents sont prévenus.")
                % {"contract": delivery.contract.name, "to": form.cleaned_data["to"]},
            )
            return redirect("amap:distribution", enterprise.slug, distribution.uuid)
    return _page(request, enterprise, distribution, postpone_form=form)
