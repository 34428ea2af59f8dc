"""What the seller does at once to the orders checked in its back-office list: mark them handed over,
cancel them (with a reason emailed to each buyer), send their confirmation again, or one of the
actions the apps hooked into `cabas.orders.registry` add (`register_orders_bulk_action`).

Only the seller's own orders are acted on (another seller's uuids are ignored), at most
`MAX_ORDERS` at once; each order is changed by its own service, in its own transaction: the orders
that cannot take the action are named in one French message, the others are done.
"""

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cabas.orders import changes
from cabas.orders.exceptions import OrderError
from cabas.orders.manage_list import listed_orders
from cabas.orders.models import Order
from cabas.orders.registry import ORDERS_BULK_ACTIONS

MAX_ORDERS = 500
REASON_MAX = 500

BUILT_IN = {
    "collected": gettext_lazy("Marquer remises"),
    "cancel": gettext_lazy("Annuler…"),
    "confirmation": gettext_lazy("Renvoyer la confirmation"),
}


def action_choices() -> list[tuple[str, str]]:
    """The select's actions: the built-in ones, then the registered ones."""
    registered = [(a.name, a.label) for a in ORDERS_BULK_ACTIONS if a.name not in BUILT_IN]
    return [("", gettext_lazy("Choisir…")), *BUILT_IN.items(), *registered]


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=action_choices,
        error_messages={
            "required": gettext_lazy("Choisissez une action."),
            "invalid_choice": gettext_lazy("Cette action n'existe pas."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Raison de l'annulation (envoyée aux clients)"),
        required=False,
        max_length=REASON_MAX,
    )

    def __init__(self, data, *, enterprise):
        super().__init__(data, auto_id="bulk-%s")
        self.enterprise = enterprise
        self.uuids = data.getlist("orders") if data is not None else []

    def clean(self):
        data = super().clean()
        if data.get("action") == "cancel" and not " ".join(data.get("reason", "").split()):
            self.add_error("reason", _("Indiquez la raison de l'annulation : elle est envoyée aux clients."))
        if not self.uuids:
            raise forms.ValidationError(_("Cochez au moins une commande."))
        if len(self.uuids) > MAX_ORDERS:
            raise forms.ValidationError(
                _("Choisissez au plus %(max)s commandes à la fois.") % {"max": MAX_ORDERS}
            )
        return data

    def orders(self) -> list[Order]:
        """The checked orders of the seller (by number), once the form is valid."""
        wanted = []
        for value in self.uuids:
            try:
                wanted.append(uuid.UUID(value))
            except ValueError:
                continue
        orders = listed_orders(self.enterprise).filter(uuid__in=wanted)
        return list(orders.select_related("seller", "user").order_by("number", "pk"))

    def errors_text(self) -> str:
        return " ".join(str(e) for field_errors in self.errors.values() for e in field_errors)


def _each(orders: list[Order], change: Callable[[Order], None]) -> tuple[int, list[str]]:
    """Apply `change` to each order: how many it did, and the numbers of those it refused."""
    done, refused = 0, []
    for order in orders:
        try:
            change(order)
        except OrderError:
            refused.append(order.number)
        else:
            done += 1
    return done, refused


def _collected(request, orders, form) -> tuple[str, list[str]]:
    done, refused = _each(orders, lambda order: changes.order_collected(order=order, user=request.user))
    message = ngettext("%(count)s commande marquée remise.", "%(count)s commandes marquées remises.", done)
    return message % {"count": done}, refused


def _cancel(request, orders, form) -> tuple[str, list[str]]:
    reason = form.cleaned_data["reason"]
    done, refused = _each(
        orders, lambda order: changes.order_cancel_by_seller(order=order, reason=reason, user=request.user)
    )
    message = ngettext(
        "%(count)s commande annulée, son client prévenu par e-mail.",
        "%(count)s commandes annulées, leurs clients prévenus par e-mail.",
        done,
    )
    return message % {"count": done}, refused


def _confirmation(request, orders, form) -> tuple[str, list[str]]:
    sendable = [o for o in orders if o.status in (Order.Status.PLACED, Order.Status.FULFILLED)]
    for order in sendable:
        changes.order_confirmation_resend(order=order, user=request.user)
    done = len(sendable)
    message = ngettext("%(count)s confirmation renvoyée.", "%(count)s confirmations renvoyées.", done)
    return message % {"count": done}, [o.number for o in orders if o not in sendable]


HANDLERS = {"collected": _collected, "cancel": _cancel, "confirmation": _confirmation}
REFUSED = {
    "collected": gettext_lazy("Non remises (annulées ou en attente de paiement) : %(numbers)s."),
    "cancel": gettext_lazy("Non annulées (déjà remises ou annulées) : %(numbers)s."),
    "confirmation": gettext_lazy(
        "Confirmation non renvoyée (commandes annulées ou non payées) : %(numbers)s."
    ),
}


def run(request, form: BulkForm, orders: list[Order]):
    """Do the form's action on `orders`; a registered action returns its own response, a built-in
    one None once its messages are added."""
    action = form.cleaned_data["action"]
    if action not in HANDLERS:
        registered = next(a for a in ORDERS_BULK_ACTIONS if a.name == action)
        return registered.handle(request, form.enterprise, orders)
    message, refused = HANDLERS[action](request, orders, form)
    if len(refused) < len(orders):
        messages.success(request, message)
    if refused:
        messages.warning(request, str(REFUSED[action]) % {"numbers": ", ".join(refused)})
    return None
