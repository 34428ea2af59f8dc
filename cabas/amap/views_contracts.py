"""The AMAP's contracts in the back-office: the list, a new contract (its distributions generated from
a rhythm in the same form, or picked), a contract's page — products, solidarity tiers, publication,
subscriptions with places left and the waiting list —, its terms, and a member added on paper."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.amap import selectors
from cabas.amap.contracts import contract_create, contract_product_set, contract_tier_set, contract_update
from cabas.amap.exceptions import AmapError, ContractFull
from cabas.amap.forms_contracts import (
    MODE_RHYTHM,
    ContractForm,
    NewContractForm,
    ProductForm,
    SubscribeForm,
    TierForm,
)
from cabas.amap.manage_access import amap_view
from cabas.amap.models import Contract, Subscription
from cabas.amap.seasons import contract_create_from_rhythm
from cabas.amap.subscribing import places_left, subscription_create, waiting_promote
from cabas.amap.views_distributions import form_error
from cabas.enterprises.models import Role

MANAGER = Role.Level.MANAGER
NAV = "amap_contracts"


def _contract(enterprise, uuid) -> Contract:
    return get_object_or_404(Contract.objects.select_related("producer", "amap"), amap=enterprise, uuid=uuid)


@amap_view(MANAGER)
def contract_list(request, enterprise):
    contracts = list(selectors.contracts_for_list(enterprise))
    for contract in contracts:
        left = None if contract.capacity is None else max(contract.capacity - contract.active_count, 0)
        contract.places_left = left
    context = {"enterprise": enterprise, "nav": NAV, "contracts": contracts}
    return render(request, "manage/amap/contracts.html", context)


def _create(enterprise, form) -> Contract:
    data, producer = form.contract_data(), form.cleaned_data["producer"]
    if form.cleaned_data["mode"] == MODE_RHYTHM:
        contract, _created = contract_create_from_rhythm(
            amap=enterprise, producer=producer, data=data, **form.rhythm_data()
        )
        return contract
    distributions = list(form.cleaned_data["distributions"])
    return contract_create(amap=enterprise, producer=producer, data=data, distributions=distributions)


@amap_view(MANAGER)
def contract_new(request, enterprise):
    search = request.GET.get("producteur", "")[:100]
    form = NewContractForm(request.POST or None, amap=enterprise, producer_search=search)
    if request.method == "POST" and form.is_valid():
        try:
            contract = _create(enterprise, form)
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Contrat « %(name)s » créé : ajoutez ses produits.") % {"name": contract.name},
            )
            return redirect("amap:contract", enterprise.slug, contract.uuid)
    context = {"enterprise": enterprise, "nav": NAV, "form": form, "search": search}
    return render(request, "manage/amap/contract_new.html", context)


def _page(request, enterprise, contract, **forms):
    """A contract's page, with its forms (bound ones when a POST was refused)."""
    subscriptions = list(selectors.subscriptions_for_list(enterprise, contract=contract))
    context = {
        "enterprise": enterprise,
        "nav": NAV,
        "contract": contract,
        "products": list(selectors.contract_products(contract)),
        "tiers": list(contract.tiers.all()),
        "deliveries": list(selectors.contract_deliveries(contract)),
        "subscriptions": [s for s in subscriptions if s.status != Subscription.Status.WAITING],
        "waiting": sorted(
            (s for s in subscriptions if s.status == Subscription.Status.WAITING),
            key=lambda s: (s.created_at, s.pk),
        ),
        "places_left": places_left(contract),
        "product_form": forms.get("product_form") or ProductForm(contract=contract),
        "tier_form": forms.get("tier_form") or TierForm(),
    }
    return render(request, "manage/amap/contract.html", context, status=400 if forms else 200)


@amap_view(MANAGER)
def contract_detail(request, enterprise, contract):
    return _page(request, enterprise, _contract(enterprise, contract))


@amap_view(MANAGER)
def contract_edit(request, enterprise, contract):
    contract = _contract(enterprise, contract)
    form = ContractForm(request.POST or None, instance=contract, amap=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            contract_update(contract=contract, data=form.contract_data())
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Contrat enregistré."))
            return redirect("amap:contract", enterprise.slug, contract.uuid)
    context = {"enterprise": enterprise, "nav": NAV, "form": form, "contract": contract}
    return render(request, "manage/amap/contract_edit.html", context)


@require_POST
@amap_view(MANAGER)
def contract_publish(request, enterprise, contract):
    contract = _contract(enterprise, contract)
    try:
        contract_update(contract=contract, data={"published": not contract.published})
    except AmapError as error:
        messages.error(request, error.message)
    else:
        if contract.published:
            messages.success(request, _("Contrat publié : les adhérents peuvent le souscrire."))
        else:
            messages.success(request, _("Contrat retiré : il n'est plus proposé aux adhérents."))
    return redirect("amap:contract", enterprise.slug, contract.uuid)


@require_POST
@amap_view(MANAGER)
def contract_product(request, enterprise, contract):
    contract = _contract(enterprise, contract)
    form = ProductForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            product = contract_product_set(contract=contract, **form.cleaned_data)
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Produit « %(name)s » ajouté.") % {"name": product.variant.full_name})
            return redirect("amap:contract", enterprise.slug, contract.uuid)
    return _page(request, enterprise, contract, product_form=form)


@require_POST
@amap_view(MANAGER)
def contract_tier(request, enterprise, contract):
    contract = _contract(enterprise, contract)
    form = TierForm(request.POST)
    if form.is_valid():
        try:
            tier = contract_tier_set(contract=contract, **form.cleaned_data)
        except AmapError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Tarif « %(name)s » enregistré.") % {"name": tier})
            return redirect("amap:contract", enterprise.slug, contract.uuid)
    return _page(request, enterprise, contract, tier_form=form)


def _subscribe(request, contract, form) -> Subscription | None:
    data = form.cleaned_data
    try:
        return subscription_create(
            contract=contract,
            customer=data["customer"],
            quantities=form.quantities(),
            starts_on=data["starts_on"],
            instalments=data["instalments"],
            method=data["method"],
            tier=data["tier"],
            waiting_list=data["waiting_list"],
            by_manager=True,
            user=request.user,
        )
    except ContractFull as error:
        form.add_error("waiting_list", error.message)
    except AmapError as error:
        form_error(form, error)
    return None


@amap_view(MANAGER)
def contract_subscribe(request, enterprise, contract):
    contract = _contract(enterprise, contract)
    products = list(selectors.contract_products(contract))
    form = SubscribeForm(request.POST or None, contract=contract, products=products)
    if request.method == "POST" and form.is_valid():
        subscription = _subscribe(request, contract, form)
        if subscription is not None:
            if subscription.status == Subscription.Status.WAITING:
                text = _("%(name)s est inscrit·e sur la liste d'attente.")
            else:
                text = _("%(name)s a souscrit le contrat.")
            messages.success(request, text % {"name": subscription.customer})
            return redirect("amap:contract", enterprise.slug, contract.uuid)
    context = {"enterprise": enterprise, "nav": NAV, "form": form, "contract": contract, "products": products}
    return render(request, "manage/amap/contract_subscribe.html", context)


@require_POST
@amap_view(MANAGER)
def subscription_promote(request, enterprise, subscription):
    subscription = get_object_or_404(
        Subscription.objects.select_related("contract__amap", "customer"),
        contract__amap=enterprise,
        uuid=subscription,
    )
    try:
        waiting_promote(subscription=subscription, user=request.user)
    except AmapError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Place donnée à %(name)s.") % {"name": subscription.customer})
    return redirect("amap:contract", enterprise.slug, subscription.contract.uuid)
