"""The distribution day of an AMAP: the next distributions, the sign-in sheet of one (pickup point and
date) on a phone at the table with a « Remis » button per basket, its PDF, and the PDF of every pickup
point of a date (one page each). Volunteers and above; AMAPs only (another enterprise gets 404)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cabas.amap.models import Basket, Distribution
from cabas.amap.sheets import distributions_from, distributions_on, sign_in_sheet, sign_in_sheets
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import ModelPreset, Role
from cabas.fulfilment.distribution import parse_day
from cabas.lib.pdf import chunks, pdfs_join, pdfs_render
from cabas.orders.changes import order_collected
from cabas.orders.exceptions import OrderError

NAV = "amap_day"
PDF_TEMPLATE = "manage/amap/day/sheets_pdf.html"


def _amap_or_404(enterprise) -> None:
    if enterprise.model != ModelPreset.AMAP:
        raise Http404


def _distribution(enterprise, uuid) -> Distribution:
    _amap_or_404(enterprise)
    return get_object_or_404(Distribution.objects.select_related("place"), amap=enterprise, uuid=uuid)


def sheets_html(enterprise, sheets, *, numbered: bool) -> str:
    context = {
        "enterprise": enterprise,
        "sheets": sheets,
        "made_at": timezone.localtime(),
        "numbered": numbered,
    }
    return render_to_string(PDF_TEMPLATE, context)


def sheets_pdf(enterprise, sheets) -> bytes:
    """The sheets as one PDF, one page (or more) per distribution and pickup point, laid out in as
    many parts as there are PDF processes (each part a run of whole sheets)."""
    parts = chunks(sheets, settings.PDF_PROCESSES, weight=lambda sheet: 1 + sheet.lines)
    htmls = [sheets_html(enterprise, part, numbered=len(sheets) == 1) for part in parts]
    return pdfs_join(pdfs_render(htmls, base_url=str(settings.BASE_DIR)))


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def sheets_list(request, enterprise):
    """The next distributions, by date, each with its sheet, and the PDF of each date."""
    _amap_or_404(enterprise)
    days: dict = {}
    for distribution in distributions_from(enterprise, timezone.localdate()):
        days.setdefault(distribution.date, []).append(distribution)
    context = {"enterprise": enterprise, "nav": NAV, "days": sorted(days.items())}
    return render(request, "manage/amap/day/list.html", context)


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def sheet_page(request, enterprise, distribution):
    distribution = _distribution(enterprise, distribution)
    context = {"enterprise": enterprise, "nav": NAV, "sheet": sign_in_sheet(distribution)}
    return render(request, "manage/amap/day/sheet.html", context)


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def sheet_pdf(request, enterprise, distribution):
    distribution = _distribution(enterprise, distribution)
    content = sheets_pdf(enterprise, [sign_in_sheet(distribution)])
    name = f"emargement-{enterprise.slug}-{distribution.date:%Y-%m-%d}-{distribution.place_id}.pdf"
    return _pdf_response(content, name)


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def day_pdf(request, enterprise, day):
    _amap_or_404(enterprise)
    date = parse_day(day)
    distributions = distributions_on(enterprise, date) if date else []
    if not distributions:
        raise Http404
    content = sheets_pdf(enterprise, sign_in_sheets(distributions))
    return _pdf_response(content, f"emargement-{enterprise.slug}-{date:%Y-%m-%d}.pdf")


@require_POST
@manage_view(min_role=Role.Level.VOLUNTEER)
def basket_collected(request, enterprise, distribution, basket):
    """« Remis » (or « Annuler la remise », `collected=0`) on one basket: its order handed over."""
    distribution = _distribution(enterprise, distribution)
    found = get_object_or_404(
        Basket.objects.select_related("order"), pk=basket, subscription__contract__amap=enterprise
    )
    try:
        order_collected(order=found.order, user=request.user, collected=request.POST.get("collected") != "0")
    except OrderError as error:
        messages.error(request, error.message)
    url = reverse("amap:sign_in_sheet", args=[enterprise.slug, distribution.uuid])
    return redirect(f"{url}#basket-{found.pk}")
