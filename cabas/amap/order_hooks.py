"""What the AMAP app adds to the order pages through cabas.orders.registry (registered in
AmapConfig.ready()).

A basket's order is paid through its subscription's plan (the cheques the AMAP tracks, or the
producer's SEPA debits), not order by order: its page says so (`amap_plan_note`) and, while no
payment was recorded on the order itself, what the payments part says of it is replaced — nothing
« reste à payer », no transfer to make, the state « Réglé par l'échéancier ». The payments app's
section comes first (INSTALLED_APPS order) and the sections' dicts are merged in that order, so
these keys win. In the back-office orders list, a filter « Contrat AMAP » (baskets or other
orders) also shows such an order's payment as « Réglé par l'échéancier ».
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.amap.models import Basket
from cabas.lib.money import ZERO
from cabas.orders import registry
from cabas.payments.records.services import order_paid

PLAN_STATE = "plan"


def _basket(order) -> Basket | None:
    if order.cycle_id is not None:  # a cycle's order is never a basket
        return None
    return Basket.objects.filter(order=order).select_related("subscription__contract__amap").first()


def order_page_section(request, order, *, manager: bool, **forms) -> dict:
    basket = _basket(order)
    if basket is None:
        return {}
    contract = basket.subscription.contract
    names = {"contract": contract.name, "amap": contract.amap.name}
    if manager:
        note = (
            _(
                "Réglé par l'échéancier du contrat « %(contract)s » : "
                "les règlements sont suivis par l'AMAP « %(amap)s »."
            )
            % names
        )
    else:
        note = _("Réglé par l'échéancier du contrat « %(contract)s » (voir votre espace adhérent).") % names
    context = {"amap_plan_note": note, "amap_contract": contract}
    if order_paid(order) == ZERO:
        context.update(
            transfer=None,
            due=ZERO,
            to_give_back=ZERO,
            payment_state=PLAN_STATE,
            payment_state_label=_("Réglé par l'échéancier"),
        )
    return context


def _plan_queryset(orders, value: str):
    orders = orders.annotate(amap_plan=Exists(Basket.objects.filter(order=OuterRef("pk"))))
    if value == "plan":
        return orders.filter(amap_plan=True)
    if value == "other":
        return orders.filter(amap_plan=False)
    return orders


def _plan_decorate(order) -> None:
    """A basket's order on which nothing was recorded shows « Réglé par l'échéancier » in the
    list's payment column (set by payments' filter, registered before)."""
    if getattr(order, "amap_plan", False) and not getattr(order, "paid", None):
        order.payment_state = PLAN_STATE
        order.payment_state_label = _("Réglé par l'échéancier")


PLAN_FILTER = registry.OrdersListFilter(
    param="amap",
    label=gettext_lazy("Contrat AMAP"),
    choices=lambda: [
        ("plan", gettext_lazy("Paniers d'un contrat AMAP")),
        ("other", gettext_lazy("Autres commandes")),
    ],
    queryset=_plan_queryset,
    decorate=_plan_decorate,
)


def register() -> None:
    registry.register_order_page_section(order_page_section)
    registry.register_orders_list_filter(PLAN_FILTER)
