"""Back-office, producer side: « Ce que j'apporte », what the producer brings to each distribution
of the hubs, AMAPs and shops it supplies, with the orders its products are in."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.fulfilment import producer

# How far back the page shows the distributions already past.
RECENT = datetime.timedelta(weeks=4)


def report_csv_url(slug: str) -> str:
    """The CSV of the `producer-deliveries` report."""
    return reverse("fulfilment:report", args=[slug, "producer-deliveries"]) + "?format=csv"


@manage_view(min_role=Role.Level.MANAGER)
@require_GET
def deliveries(request, enterprise):
    """The distributions to come (the next first), then those of the last four weeks (the latest
    first); `?print=1`: the distributions to come, to print."""
    if not enterprise.is_producer:
        raise Http404
    today = timezone.localdate()
    found = producer.distributions(enterprise, since=today - RECENT)
    printing = request.GET.get("print") == "1"
    context = {
        "enterprise": enterprise,
        "nav": "deliveries",
        "printing": printing,
        "upcoming": [d for d in found if d.day is None or d.day >= today],
        "recent": [] if printing else [d for d in reversed(found) if d.day is not None and d.day < today],
        "csv_url": report_csv_url(enterprise.slug),
    }
    return render(request, "manage/producer/deliveries.html", context)
