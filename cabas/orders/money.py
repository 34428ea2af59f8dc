"""« Où va votre argent »: the sums of a cycle's placed (or fulfilled) orders by share — producers,
logistics, the hub, solidarity, the platform — with whole percentages adding up to 100."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from cabas.cycles import pricing
from cabas.cycles.models import OrderCycle
from cabas.orders.models import FeeLine, Line, Order


@dataclass
class MoneyShare:
    key: str
    label: str
    help: str
    amount: Decimal
    percent: int = 0
    details: list = None


@dataclass
class CycleMoney:
    orders: int
    total: Decimal
    shares: list


def share_labels() -> dict[str, tuple[str, str]]:
    return {
        pricing.PRODUCERS: (_("Producteurs"), _("le prix des produits, versé aux producteurs")),
        pricing.LOGISTICS: (_("Logistique"), _("préparation des commandes et transport")),
        pricing.HUB: (_("Fonctionnement de la structure"), _("gestion et vente")),
        pricing.SOLIDARITY: (_("Solidarité"), _("fonds de solidarité")),
        pricing.PLATFORM: (_("Plateforme"), _("la coopérative qui fait fonctionner Cabas")),
    }


def cycle_money(cycle: OrderCycle) -> CycleMoney:
    """The sums of a cycle's placed (or fulfilled) orders by share: producers (Σ line totals) and
    each group of fees, with whole percentages adding up to 100 (three queries)."""
    placed = (Order.Status.PLACED, Order.Status.FULFILLED)
    orders = Order.objects.filter(cycle=cycle, status__in=placed)
    count = orders.aggregate(n=Count("id"))["n"]
    producers = Line.objects.filter(order__in=orders).aggregate(s=Sum("total"))["s"] or Decimal("0.00")
    fee_rows = (
        FeeLine.objects.filter(order__in=orders)
        .values("fee_type", "name", "enterprise__name")
        .annotate(amount=Sum("amount"))
        .order_by("fee_type", "-amount", "name")
    )
    labels = share_labels()
    shares = {
        key: MoneyShare(key, *labels[key], amount=Decimal("0.00"), details=[]) for key in pricing.SHARE_KEYS
    }
    shares[pricing.PRODUCERS].amount = producers
    for row in fee_rows:
        share = shares[pricing.share_of(row["fee_type"])]
        share.amount += row["amount"]
        share.details.append(
            {"name": row["name"], "enterprise": row["enterprise__name"], "amount": row["amount"]}
        )
    ordered = [shares[key] for key in pricing.SHARE_KEYS]
    for share, percent in zip(ordered, pricing.percentages([s.amount for s in ordered]), strict=True):
        share.percent = percent
    return CycleMoney(orders=count, total=sum((s.amount for s in ordered), Decimal("0.00")), shares=ordered)
