"""The public « Où va votre argent » page of a cycle: the shares of its placed orders."""

from django.shortcuts import get_object_or_404, render

from cabas.cycles.models import OrderCycle
from cabas.enterprises.models import Visibility
from cabas.orders.money import cycle_money


def cycle_money_page(request, uuid):
    """Where the money of a cycle's placed orders goes: producers, logistics, the hub, solidarity,
    the platform — amounts and percentages adding up to 100 %."""
    cycle = get_object_or_404(
        OrderCycle.objects.select_related("coordinator"), uuid=uuid, coordinator__visibility=Visibility.PUBLIC
    )
    context = {"cycle": cycle, "coordinator": cycle.coordinator, "money": cycle_money(cycle)}
    return render(request, "public/cycle_money.html", context)
