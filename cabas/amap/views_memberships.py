"""The AMAP's « Adhésions » pages (managers): the memberships of a year, recording one, marking
one paid, the members with a contract who have not paid theirs, and the membership settings."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabas.amap import selectors_payments as reads
from cabas.amap.exceptions import AmapError
from cabas.amap.forms_payments import AmapSettingsForm, MarkPaidForm, MembershipForm
from cabas.amap.memberships import amap_settings_save, membership_mark_paid, membership_record
from cabas.amap.views_payments import MANAGER, amap_only
from cabas.enterprises.access import manage_view
from cabas.lib.money import ZERO


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    current = timezone.localdate().year
    return int(value) if value.isdigit() and current - 50 <= int(value) <= current + 5 else current


def _memberships_url(enterprise, year: int) -> str:
    return f"{reverse('amap:memberships', args=[enterprise.slug])}?year={year}"


def _memberships_page(request, enterprise, year: int, form=None, status=200):
    settings = reads.amap_settings(enterprise)
    memberships = list(reads.memberships_of_year(enterprise, year))
    members = list(reads.amap_members(enterprise))
    context = {
        "enterprise": enterprise,
        "nav": "amap_memberships",
        "year": year,
        "years": reads.membership_years(enterprise, timezone.localdate().year),
        "settings": settings,
        "memberships": memberships,
        "total_paid": sum((m.amount for m in memberships if m.paid_at), ZERO),
        "unpaid": list(reads.members_without_paid_membership(enterprise, year)),
        "form": form
        or MembershipForm(members=members, initial={"amount": settings.membership_suggested or ""}),
        "paid_form": MarkPaidForm(),
    }
    return render(request, "manage/amap/payments/memberships.html", context, status=status)


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def memberships(request, enterprise):
    return _memberships_page(request, enterprise, _year(request))


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def membership_new(request, enterprise):
    year = _year(request)
    form = MembershipForm(request.POST, members=reads.amap_members(enterprise))
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = membership_record(
                amap=enterprise,
                customer=form.members[data["customer"]],
                year=year,
                amount=data["amount"],
                method=data["method"],
                paid=data["paid"],
            )
        except AmapError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Adhésion %(year)s de %(member)s enregistrée.")
                % {"year": year, "member": membership.customer},
            )
            return redirect(_memberships_url(enterprise, year))
    return _memberships_page(request, enterprise, year, form=form, status=400)


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def membership_paid(request, enterprise, pk):
    membership = reads.amap_membership_or_404(enterprise, pk)
    form = MarkPaidForm(request.POST)
    try:
        membership_mark_paid(membership=membership, method=form.data.get("method", ""))
    except AmapError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Adhésion de %(member)s réglée.") % {"member": membership.customer})
    return redirect(_memberships_url(enterprise, membership.year))


@require_http_methods(["GET", "POST"])
@manage_view(min_role=MANAGER)
@amap_only
def membership_settings(request, enterprise):
    current = reads.amap_settings(enterprise)
    form = AmapSettingsForm(
        request.POST or None,
        initial={
            "membership_required": current.membership_required,
            "membership_minimum": current.membership_minimum,
            "membership_suggested": current.membership_suggested,
            "membership_payee": current.membership_payee,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amap_settings_save(
                amap=enterprise,
                required=data["membership_required"],
                minimum=data["membership_minimum"],
                suggested=data["membership_suggested"],
                payee=data["membership_payee"],
            )
        except AmapError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("Réglages des adhésions enregistrés."))
            return redirect("amap:memberships", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "amap_memberships", "form": form}
    return render(request, "manage/amap/payments/settings.html", context, status=400 if form.errors else 200)
