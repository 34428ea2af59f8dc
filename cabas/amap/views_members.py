"""The AMAP's members (its customers) with their membership of the year and their contracts, and the
subscriptions across contracts — both paginated, in a fixed number of queries."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from cabas.amap import selectors
from cabas.amap.forms_members import MemberSearchForm, SubscriptionFilterForm
from cabas.amap.manage_access import amap_view
from cabas.amap.views_distributions import page_of
from cabas.enterprises.models import Role

MANAGER = Role.Level.MANAGER


@amap_view(MANAGER)
def member_list(request, enterprise):
    form = MemberSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    year = timezone.localdate().year
    page = page_of(selectors.members_for_list(enterprise, q=q, year=year), request)
    context = {
        "enterprise": enterprise,
        "nav": "amap_members",
        "form": form,
        "page": page,
        "year": year,
        "filtered": bool(q),
    }
    return render(request, "manage/amap/members.html", context)


@amap_view(MANAGER)
def subscription_list(request, enterprise):
    form = SubscriptionFilterForm(request.GET or None, amap=enterprise)
    contract, status = None, None
    if form.is_bound and form.is_valid():
        contract, status = form.cleaned_data["contract"], form.cleaned_data["status"] or None
    rows = selectors.subscriptions_for_list(enterprise, contract=contract, status=status)
    context = {
        "enterprise": enterprise,
        "nav": "amap_subscriptions",
        "form": form,
        "page": page_of(rows, request),
        "filtered": bool(contract or status),
    }
    return render(request, "manage/amap/subscriptions.html", context)
