"""The bag labels page: which orders (the selection of the orders list, `order=<uuid>` repeated, or
a distribution day, `day=YYYY-MM-DD`), on which sheet of labels, how many bags per order and from
which label of a partly used sheet; it says how many labels and sheets that makes, and « Télécharger
le PDF » (`format=pdf`) gives the PDF. Volunteers at the table may print them."""

import uuid
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.fulfilment import labels
from cabas.fulfilment.distribution import parse_day
from cabas.fulfilment.forms import LabelsForm

PDF = "pdf"


def labels_bulk_action(request, enterprise, orders):
    """The orders list's bulk action « Imprimer les étiquettes »: a redirect to the labels page
    with the selected orders (`order=<uuid>` each); the page keeps only the enterprise's own placed
    or handed-over ones."""
    query = urlencode([("order", str(order.uuid)) for order in orders])
    return redirect(f"{reverse('fulfilment:labels', args=[enterprise.slug])}?{query}")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _selection(request, enterprise) -> tuple[list, dict]:
    """The orders asked for (read in one query, in the labels' order) and the selection as the page
    carries it on."""
    uuids = [value for value in request.GET.getlist("order") if _is_uuid(value)]
    if uuids:
        return labels.sort_orders(labels.label_orders(enterprise, uuids=uuids)), {"uuids": uuids}
    day = parse_day(request.GET.get("day", ""))
    if day:
        return labels.sort_orders(labels.label_orders(enterprise, day=day)), {"day": day}
    return [], {}


def _pdf_response(enterprise, selection: dict, made, choices) -> HttpResponse:
    day = selection.get("day") or timezone.localdate()
    response = HttpResponse(
        labels.labels_pdf(made, choices["format"], choices["start"]), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="etiquettes-{enterprise.slug}-{day:%Y-%m-%d}.pdf"'
    )
    return response


@require_GET
@manage_view(min_role=Role.Level.VOLUNTEER)
def labels_page(request, enterprise):
    orders, selection = _selection(request, enterprise)
    form = LabelsForm(request.GET if "sheet" in request.GET else None, orders=orders)
    context = {"enterprise": enterprise, "nav": "distribution", "form": form, "orders": orders, **selection}
    choices = form.choices()
    download = request.GET.get("format") == PDF
    if choices is not None:
        made = labels.stickers(orders, choices["bags"], choices["per_order"])
        if download and made:
            return _pdf_response(enterprise, selection, made, choices)
        context.update(
            label_count=len(made),
            sheet_count=labels.sheet_count(len(made), choices["format"], choices["start"]),
        )
        if download:
            context["nothing"] = _(
                "Aucune commande à imprimer : choisissez des commandes passées ou une distribution."
            )
    return render(request, "manage/labels/labels.html", context, status=400 if download else 200)
