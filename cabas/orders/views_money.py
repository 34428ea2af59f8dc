"""The public « Où va votre argent » page of a cycle: the shares of its placed orders, and the
history of its prices decided together."""

from django.shortcuts import get_object_or_404, render

from cabas.cycles.models import OrderCycle
from cabas.cycles.negotiation import decided_history
from cabas.enterprises.models import Visibility
from cabas.orders.money import cycle_money


def cycle_money_page(request, uuid):
    """Where the money of a cycle's placed orders goes: producers, logistics, the hub, solidarity,
    the platform — amounts and percentages adding up to 100 % — and how its prices were decided.
    Reachable by its link from the shop, the cart and every order; a hidden coordinator's page is
    kept out of search engines."""
    cycle = get_object_or_404(OrderCycle.objects.select_related("coordinator"), uuid=uuid)
    context = {
        "cycle": cycle,
        "coordinator": cycle.coordinator,
        "money": cycle_money(cycle),
        "decisions": decided_history(cycle),
        "noindex": cycle.coordinator.visibility != Visibility.PUBLIC,
    }
    return render(request, "public/cycle_money.html", context)
