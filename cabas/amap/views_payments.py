"""The AMAP's « Règlements » pages (managers): the producers paid through the AMAP, a producer's
instalments (filter by state, contract and month of cashing; « Reçu » per cheque; the checked ones
« Remis au producteur » in one go), the hand-over slips and their PDF, and each subscription's
balance with the end-of-season regularisation of a variable contract.

Only an AMAP has these pages: any other enterprise answers 404."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.amap import selectors_payments as reads
from cabas.amap.exceptions import AmapError
from cabas.amap.forms_payments import HandOverForm, InstalmentFilterForm, ReceiveForm
from cabas.amap.models import Contract
from cabas.amap.payments import (
    instalment_receive,
    instalment_unreceive,
    instalments_hand_over,
    season_regularisation,
)
from cabas.amap.slips import slip_filename, slip_pdf
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import ModelPreset, Role
from cabas.lib.money import ZERO, format_eur

MANAGER = Role.Level.MANAGER
PER_PAGE = 100
FILTERS = ("state", "month", "contract", "page")


def amap_only(view):
    """Inside `@manage_view`: the page exists for an AMAP only (404 for any other enterprise)."""

    @wraps(view)
    def wrapper(request, enterprise, *args, **kwargs):
        if enterprise.model != ModelPreset.AMAP:
            raise Http404
        return view(request, enterprise, *args, **kwargs)

    return wrapper


def _producer_url(enterprise, producer, query: str = "") -> str:
    """The producer's instalments page, with the list's filters of `query` (nothing else)."""
    kept = QueryDict(query or "", mutable=True)
    clean = QueryDict(mutable=True)
    for key in FILTERS:
        if kept.get(key):
            clean[key] = kept[key]
    url = reverse("amap:payments_producer", args=[enterprise.slug, producer.slug])
    return f"{url}?{clean.urlencode()}" if clean else url


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def payments(request, enterprise):
    producers = reads.amap_producers(enterprise)
    context = {"enterprise": enterprise, "nav": "amap_payments", "producers": producers}
    return render(request, "manage/amap/payments/index.html", context)


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def payments_producer(request, enterprise, producer):
    producer = reads.amap_producer_or_404(enterprise, producer)
    contracts = list(reads.producer_contracts(enterprise, producer))
    form = InstalmentFilterForm(
        request.GET, months=reads.cash_months(enterprise, producer), contracts=contracts
    )
    instalments = reads.producer_instalments(enterprise, producer, **form.filters())
    page = Paginator(instalments, PER_PAGE).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    context = {
        "enterprise": enterprise,
        "nav": "amap_payments",
        "producer": producer,
        "contracts": contracts,
        "form": form,
        "page": page,
        "page_total": sum((i.amount for i in page.object_list), ZERO),
        "query": request.GET.urlencode(),
        "handovers": reads.producer_handovers(enterprise, producer)[:20],
    }
    return render(request, "manage/amap/payments/producer.html", context)


def _instalment_action(request, enterprise, pk, action, done: str):
    instalment = reads.amap_instalment_or_404(enterprise, pk)
    producer = instalment.subscription.contract.producer
    try:
        action(instalment)
    except AmapError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, done % {"number": instalment.number, "member": instalment.subscription.customer}
        )
    return redirect(_producer_url(enterprise, producer, request.POST.get("back", "")))


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def instalment_receive_view(request, enterprise, pk):
    form = ReceiveForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}

    def receive(instalment):
        if not form.is_valid():
            raise AmapError(_("Le numéro de chèque ou la banque est trop long."))
        instalment_receive(instalment=instalment, user=request.user, **data)

    return _instalment_action(
        request, enterprise, pk, receive, _("Échéance %(number)s de %(member)s : reçue par l'AMAP.")
    )


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def instalment_unreceive_view(request, enterprise, pk):
    return _instalment_action(
        request,
        enterprise,
        pk,
        lambda instalment: instalment_unreceive(instalment=instalment, user=request.user),
        _("Échéance %(number)s de %(member)s : de nouveau « à fournir »."),
    )


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def hand_over(request, enterprise, producer):
    producer = reads.amap_producer_or_404(enterprise, producer)
    form = HandOverForm(request.POST)
    chosen = form.cleaned_data["instalments"] if form.is_valid() else []
    instalments = list(reads.producer_instalments(enterprise, producer).filter(pk__in=chosen))
    if len(instalments) != len(set(chosen)):
        messages.error(
            request,
            _("Une des échéances cochées n'est pas un règlement de ce producteur : rien n'a été remis."),
        )
        return redirect(_producer_url(enterprise, producer, request.POST.get("back", "")))
    try:
        handover = instalments_hand_over(
            amap=enterprise, producer=producer, instalments=instalments, user=request.user
        )
    except AmapError as error:
        messages.error(request, error.message)
        return redirect(_producer_url(enterprise, producer, request.POST.get("back", "")))
    total = sum((i.amount for i in instalments), ZERO)
    messages.success(
        request,
        _("%(count)s règlements (%(total)s) remis à %(producer)s : imprimez le bordereau.")
        % {"count": len(instalments), "total": format_eur(total), "producer": producer.name},
    )
    return redirect("amap:handover", enterprise.slug, handover.uuid)


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def handover(request, enterprise, uuid):
    slip = reads.handover_slip(reads.amap_handover_or_404(enterprise, uuid))
    context = {"enterprise": enterprise, "nav": "amap_payments", "slip": slip, "handover": slip.handover}
    return render(request, "manage/amap/payments/handover.html", context)


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def handover_pdf(request, enterprise, uuid):
    slip = reads.handover_slip(reads.amap_handover_or_404(enterprise, uuid))
    response = HttpResponse(slip_pdf(slip), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slip_filename(slip)}"'
    return response


@require_GET
@manage_view(min_role=MANAGER)
@amap_only
def balances(request, enterprise, uuid):
    contract = reads.amap_contract_or_404(enterprise, uuid)
    rows = reads.contract_balances(contract)
    context = {
        "enterprise": enterprise,
        "nav": "amap_payments",
        "contract": contract,
        "rows": rows,
        "variable": contract.kind == Contract.Kind.VARIABLE,
        "totals": {
            key: sum((getattr(balance, key) for _s, balance in rows), ZERO)
            for key in ("due", "received", "handed_over", "by_producer", "left", "overpaid")
        },
    }
    return render(request, "manage/amap/payments/balances.html", context)


@require_POST
@manage_view(min_role=MANAGER)
@amap_only
def regularise(request, enterprise, uuid):
    contract = reads.amap_contract_or_404(enterprise, uuid)
    try:
        result = season_regularisation(contract)
    except AmapError as error:
        messages.error(request, error.message)
    else:
        owing = sum(1 for r in result if r.balance.left)
        owed = sum(1 for r in result if r.balance.overpaid)
        messages.success(
            request,
            _(
                "Échéanciers recalculés sur le coût réel des paniers : %(owing)s adhérent(s) doivent "
                "encore, le producteur doit rendre à %(owed)s."
            )
            % {"owing": owing, "owed": owed},
        )
    return redirect("amap:balances", enterprise.slug, contract.uuid)
