"""An AMAP's public pages for its members (« amapiens »): the contracts open to sign-up, one
contract and its document to print, joining the AMAP (adhésion), subscribing to a contract and the
confirmation with its payment plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cabas.amap.baskets import remaining_deliveries
from cabas.amap.contract_document import contract_pdf
from cabas.amap.exceptions import AmapError, ContractFull
from cabas.amap.forms_member import MembershipForm, SubscribeForm
from cabas.amap.member_selectors import (
    amap_public,
    member_of,
    my_customers,
    my_subscription,
    open_contracts,
    public_contract,
    tier_of,
)
from cabas.amap.membership_signup import (
    amap_settings,
    member_customer_ensure,
    membership_signup,
    membership_year,
)
from cabas.amap.models import Membership, Subscription
from cabas.amap.subscribing import membership_needed, subscription_create, subscription_quote

ZERO = Decimal("0.00")


@require_GET
def contracts_page(request, slug):
    amap = amap_public(slug)
    context = {"amap": amap, "contracts": open_contracts(amap), "settings": amap_settings(amap)}
    return render(request, "amap/member/contracts.html", context)


@require_GET
def contract_page(request, slug, uuid):
    amap = amap_public(slug)
    contract = public_contract(amap, uuid)
    member = member_of(amap, request.user) if request.user.is_authenticated else None
    context = {
        "amap": amap,
        "contract": contract,
        "products": list(contract.products.all()),
        "subscription": my_subscription(contract, member),
    }
    return render(request, "amap/member/contract.html", context)


@require_GET
def contract_document(request, slug, uuid):
    amap = amap_public(slug)
    contract = public_contract(amap, uuid)
    member = member_of(amap, request.user) if request.user.is_authenticated else None
    subscription = my_subscription(contract, member)
    name = member.full_name if member else (request.user.full_name if request.user.is_authenticated else "")
    pdf = contract_pdf(contract, member=name, subscription=subscription)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contrat-{amap.slug}-{contract.uuid}.pdf"'
    return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def membership_page(request, slug):
    amap = amap_public(slug)
    settings, year = amap_settings(amap), membership_year(amap)
    member = member_of(amap, request.user)
    current = Membership.objects.filter(amap=amap, customer=member, year=year).first() if member else None
    form = MembershipForm(request.POST or None, settings=settings)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            membership_signup(
                amap=amap,
                user=request.user,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                year=year,
            )
        except AmapError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Votre adhésion pour %(year)s est enregistrée.") % {"year": year})
            return redirect(_next_url(request) or reverse("amap_member:portal"))
    context = {
        "amap": amap,
        "settings": settings,
        "year": year,
        "current": current,
        "form": form,
        "next": _next_url(request),
    }
    return render(request, "amap/member/membership.html", context)


def _quote(form: SubscribeForm, contract):
    """The price of what the form says, when it can be read."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    try:
        if data is None:
            quantities = {int(f.name[2:]): int(f.initial or 0) for f in form.quantity_fields}
            starts_on = datetime.date.fromisoformat(form.fields["starts_on"].choices[0][0])
            tier, donation = (
                None,
                Decimal(form.fields["donation"].initial) if "donation" in form.fields else ZERO,
            )
        else:
            quantities, starts_on = form.quantities(), datetime.date.fromisoformat(data["starts_on"])
            tier, donation = tier_of(contract, data.get("tier")), data.get("donation") or ZERO
    except (IndexError, ValueError):
        return None
    if not any(quantities.values()):
        return None
    return subscription_quote(
        contract=contract, starts_on=starts_on, quantities=quantities, tier=tier, donation=donation
    )


def _subscribe(request, form: SubscribeForm, contract) -> Subscription:
    """Subscribe from the valid form, as the AMAP's member (recorded now if they were not one):
    all or nothing."""
    data = form.cleaned_data
    with transaction.atomic():
        customer = member_of(contract.amap, request.user) or member_customer_ensure(
            amap=contract.amap, user=request.user
        )
        return subscription_create(
            contract=contract,
            customer=customer,
            quantities=form.quantities(),
            starts_on=datetime.date.fromisoformat(data["starts_on"]),
            instalments=data["instalments"],
            method=data["method"],
            tier=tier_of(contract, data.get("tier")),
            donation=data.get("donation") or ZERO,
            sharers=data["sharers"],
            accepted=data["accepted"],
            waiting_list=request.POST.get("waiting_list") == "1",
            user=request.user,
        )


@login_required
@require_http_methods(["GET", "POST"])
def subscribe_page(request, slug, uuid):
    amap = amap_public(slug)
    contract = public_contract(amap, uuid)
    deliveries = remaining_deliveries(contract, timezone.localdate())
    form = SubscribeForm(request.POST or None, contract=contract, deliveries=deliveries)
    full = refused_field = None
    if request.method == "POST" and request.POST.get("action") != "quote" and form.is_valid():
        try:
            subscription = _subscribe(request, form, contract)
        except AmapError as error:
            full, refused_field = isinstance(error, ContractFull), error.field
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect(
                "amap_member:subscribed", slug=amap.slug, uuid=contract.uuid, subscription=subscription.uuid
            )
    context = {
        "amap": amap,
        "contract": contract,
        "form": form,
        "quote": _quote(form, contract),
        "full": full,
        "needs_membership": refused_field == "membership"
        or membership_needed(contract, member_of(amap, request.user)),
        "deliveries": deliveries,
    }
    return render(request, "amap/member/subscribe.html", context)


@login_required
@require_GET
def subscribed_page(request, slug, uuid, subscription):
    amap = amap_public(slug)
    contract = public_contract(amap, uuid)
    subscription = get_object_or_404(
        Subscription.objects.filter(
            contract=contract, customer__in=my_customers(request.user)
        ).prefetch_related("instalments", "items__product__variant__product"),
        uuid=subscription,
    )
    if subscription.status == Subscription.Status.CANCELLED:
        raise Http404
    context = {
        "amap": amap,
        "contract": contract,
        "subscription": subscription,
        "instalments": list(subscription.instalments.all()),
        "payee": contract.payee or contract.producer.name,
    }
    return render(request, "amap/member/subscribed.html", context)
