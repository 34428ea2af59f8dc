"""Hooks through which higher apps add to the order pages, the confirmation email and the
back-office orders list without orders importing them.

orders sits below payments in the stack (docs/architecture.md, "Layers"): it never imports
payments or any app above it. An app that has something to show about an order registers its
functions here, from its `AppConfig.ready()`:

- `register_order_page_section(function)`: `function(request, order, *, manager, **forms)`
  returns a dict added to the template context of an order's page: the buyer's page
  (`manager=False`) or the seller's back-office page (`manager=True`, where `forms` are the
  posted forms the view shows again with their errors).
- `register_confirmation_email_part(function)`: `function(order)` returns an `EmailPart` (or
  None): its `context` is added to the confirmation email's template context and its
  `attachments` (MIME parts with a Content-ID) are embedded in the email, which the HTML part
  can show inline (`cid:`).
- `register_orders_list_filter(list_filter)`: an `OrdersListFilter`, a select of the back-office
  orders list (its GET parameter, label and choices) with the queryset it annotates and filters,
  and what it sets on each listed order (and, with its `exported`, what the list's downloads write in
  its column).
- `register_orders_bulk_action(action)`: an `OrdersBulkAction`, offered in the list's « Actions
  groupées » select after the built-in ones (mark collected, cancel, send the confirmation again):
  `handle(request, enterprise, orders)` gets the checked orders (a list: the seller's own, carts
  never, at most the list's cap, whatever their status) and returns the response (a file to
  download, or a redirect to the list with a message).

And what happens to an order inside the transactions of `cabas.orders.placing` and
`cabas.orders.changes`:

- `register_order_event_handler(event, function)`: for `event` "placed", `function(*, order,
  method, user)` is called once the order is numbered and priced, not yet saved (`method`: the
  chosen payment method or None); it may return the status the order takes ("placed", or
  "awaiting" while it must still be paid online) or None, and may raise a domain error, which
  cancels the placing. The first status returned wins; none: the order is placed. For "edited"
  and "cancelled", `function(*, order, user)` brings what the order's payment took in line with
  the order just edited or cancelled (before it is saved).
- `register_edit_blocker(function)`: `function(order)` returns True when the order cannot be
  edited any more (e.g. its payment is fixed once made): it can only be cancelled.
- `register_totals_adjuster(function)`: `function(*, order, lines, fee_lines)`, after an edit,
  once the order's other fee lines are written, replaces the stored fee lines it owns and returns
  them (they count in the new totals); it may raise OrderNotEditable.
- `register_price_reducer(function)`: `function(*, seller, customer, user, lines)` returns the
  reductions a buyer gets on `lines` (e.g. reduced prices for some customers), as fee lines (a
  list of `FeeLineData`, negative amounts) appended to the order's other fee lines, whenever an
  order is priced (cart, placing, edit).

And in the email telling a buyer that the seller changed their order (`cabas.orders.adjust`):

- `register_adjustment_note(function)`: `function(order)` returns a French sentence (or "") on
  where the order's payment stands now (e.g. what is left to pay, or what will be given back).

And on the page where a buyer confirms cancelling their order:

- `register_cancellation_note(function)`: `function(order)` returns a French sentence (or "") on
  what cancelling will do to the order's payment (e.g. credit given back, card refunded).

Functions run in registration order (the order of INSTALLED_APPS).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from email.mime.base import MIMEBase
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

    from cabas.orders.models import Order

OrderPageSection = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class EmailPart:
    """What an app adds to the confirmation email: template context and inline attachments."""

    context: dict[str, Any]
    attachments: list[MIMEBase] = field(default_factory=list)


ConfirmationEmailPart = Callable[["Order"], EmailPart | None]


@dataclass(frozen=True)
class OrdersListFilter:
    """A filter of the back-office orders list.

    `param`: its GET parameter (also the select's id, `orders-<param>`); `label` and `choices`:
    what the select shows; `queryset(orders, value)`: the orders annotated for the list, and
    filtered when `value` is one of the choices ("" or an unknown value: all of them);
    `decorate(order)`: sets on a listed order what its row shows; `exported(order)`, when given, the
    value of a decorated order in the column `label` of the list's downloads (CSV, XLSX).
    """

    param: str
    label: Any
    choices: Callable[[], list[tuple[str, Any]]]
    queryset: Callable[["QuerySet", str], "QuerySet"]
    decorate: Callable[["Order"], None]
    exported: Callable[["Order"], Any] | None = None


@dataclass(frozen=True)
class OrdersBulkAction:
    """An action of the back-office orders list on the checked orders.

    `name`: the value posted (stable, English, unique); `label`: the select's French option;
    `handle(request, enterprise, orders)`: does it and returns the HttpResponse.
    """

    name: str
    label: Any
    handle: Callable[["HttpRequest", Any, list["Order"]], "HttpResponse"]


ORDER_EVENTS = ("placed", "edited", "cancelled")

ORDER_PAGE_SECTIONS: list[OrderPageSection] = []
CONFIRMATION_EMAIL_PARTS: list[ConfirmationEmailPart] = []
ORDERS_LIST_FILTERS: list[OrdersListFilter] = []
ORDERS_BULK_ACTIONS: list[OrdersBulkAction] = []
ORDER_EVENT_HANDLERS: dict[str, list[Callable[..., Any]]] = {event: [] for event in ORDER_EVENTS}
EDIT_BLOCKERS: list[Callable[["Order"], bool]] = []
TOTALS_ADJUSTERS: list[Callable[..., list]] = []
PRICE_REDUCERS: list[Callable[..., list]] = []


def register_order_page_section(function: OrderPageSection) -> OrderPageSection:
    """Add `function(request, order, *, manager, **forms)`'s dict to an order page's context."""
    ORDER_PAGE_SECTIONS.append(function)
    return function


def register_confirmation_email_part(function: ConfirmationEmailPart) -> ConfirmationEmailPart:
    """Add `function(order)`'s `EmailPart` (when not None) to the confirmation email."""
    CONFIRMATION_EMAIL_PARTS.append(function)
    return function


def register_orders_list_filter(list_filter: OrdersListFilter) -> OrdersListFilter:
    """Add `list_filter` to the back-office orders list; a parameter is registered once."""
    if any(existing.param == list_filter.param for existing in ORDERS_LIST_FILTERS):
        raise ValueError(f"Orders list filter {list_filter.param!r} is already registered.")
    ORDERS_LIST_FILTERS.append(list_filter)
    return list_filter


def register_orders_bulk_action(action: OrdersBulkAction) -> OrdersBulkAction:
    """Offer `action` on the checked orders of the back-office list; a name is registered once."""
    if any(existing.name == action.name for existing in ORDERS_BULK_ACTIONS):
        raise ValueError(f"Orders bulk action {action.name!r} is already registered.")
    ORDERS_BULK_ACTIONS.append(action)
    return action


def register_order_event_handler(event: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Call `function` when an order is "placed", "edited" or "cancelled" (see the module's doc)."""
    if event not in ORDER_EVENT_HANDLERS:
        raise ValueError(f"Unknown order event {event!r}: one of {', '.join(ORDER_EVENTS)}.")
    ORDER_EVENT_HANDLERS[event].append(function)
    return function


def register_edit_blocker(function: Callable[["Order"], bool]) -> Callable[["Order"], bool]:
    """Forbid editing an order when `function(order)` is True (it can still be cancelled)."""
    EDIT_BLOCKERS.append(function)
    return function


def register_totals_adjuster(function: Callable[..., list]) -> Callable[..., list]:
    """Add the fee lines `function(*, order, lines, fee_lines)` rewrites after an edit."""
    TOTALS_ADJUSTERS.append(function)
    return function


def register_price_reducer(function: Callable[..., list]) -> Callable[..., list]:
    """Append `function(*, seller, customer, user, lines)`'s reductions to a priced order."""
    PRICE_REDUCERS.append(function)
    return function


def order_placed(*, order: "Order", method, user=None) -> str | None:
    """Call the "placed" handlers; the first status one of them returns (None: none did)."""
    status = None
    for handler in ORDER_EVENT_HANDLERS["placed"]:
        result = handler(order=order, method=method, user=user)
        if status is None:
            status = result
    return status


def order_changed(event: str, *, order: "Order", user=None) -> None:
    """Call the handlers of `event` ("edited" or "cancelled")."""
    for handler in ORDER_EVENT_HANDLERS[event]:
        handler(order=order, user=user)


def order_edit_blocked(order: "Order") -> bool:
    """Whether a registered blocker forbids editing `order`."""
    return any(blocker(order) for blocker in EDIT_BLOCKERS)


def totals_adjustments(*, order: "Order", lines, fee_lines) -> list:
    """The fee lines the registered adjusters rewrote after an edit of `order`."""
    adjusted: list = []
    for adjuster in TOTALS_ADJUSTERS:
        adjusted += adjuster(order=order, lines=lines, fee_lines=fee_lines)
    return adjusted


def price_reductions(*, seller, customer, user, lines) -> list:
    """The reductions (fee lines) the registered reducers give on `lines`."""
    reductions: list = []
    for reducer in PRICE_REDUCERS:
        reductions += reducer(seller=seller, customer=customer, user=user, lines=lines)
    return reductions


def order_page_context(request: "HttpRequest", order: "Order", *, manager: bool, **forms) -> dict[str, Any]:
    """The merged dicts of the registered order page sections."""
    context: dict[str, Any] = {}
    for section in ORDER_PAGE_SECTIONS:
        context.update(section(request, order, manager=manager, **forms))
    return context


def confirmation_email_parts(order: "Order") -> EmailPart:
    """The registered confirmation email parts of `order`, merged into one."""
    context: dict[str, Any] = {}
    attachments: list[MIMEBase] = []
    for function in CONFIRMATION_EMAIL_PARTS:
        part = function(order)
        if part is not None:
            context.update(part.context)
            attachments.extend(part.attachments)
    return EmailPart(context=context, attachments=attachments)


# --- checkout hooks ------------------------------------------------------------------------------
#
# - `register_checkout_payment_methods(function)`: `function(request, enterprise, methods)` returns
#   the payment methods the checkout page offers among `methods` (the shop's active ones it may
#   drop, e.g. card while the seller cannot take it, or mark for the page, e.g. the buyer's credit
#   balance). Each registered function gets the previous one's result.
# - `register_after_place(function)`: `function(request, order)` returns the response to send the
#   buyer to just after `order` was placed (e.g. the card payment page), or None; the first
#   response wins, and without one the buyer lands on the order's page.

CheckoutPaymentMethods = Callable[["HttpRequest", Any, list], list]
AfterPlace = Callable[["HttpRequest", "Order"], "HttpResponse | None"]

CHECKOUT_PAYMENT_METHODS: list[CheckoutPaymentMethods] = []
AFTER_PLACE: list[AfterPlace] = []


def register_checkout_payment_methods(function: CheckoutPaymentMethods) -> CheckoutPaymentMethods:
    """Let `function(request, enterprise, methods)` narrow or mark the checkout's payment methods."""
    CHECKOUT_PAYMENT_METHODS.append(function)
    return function


def register_after_place(function: AfterPlace) -> AfterPlace:
    """Let `function(request, order)` choose where the buyer goes once `order` is placed."""
    AFTER_PLACE.append(function)
    return function


def checkout_payment_methods(request: "HttpRequest", enterprise, methods) -> list:
    """`methods` as the registered functions leave them for the checkout page."""
    methods = list(methods)
    for function in CHECKOUT_PAYMENT_METHODS:
        methods = list(function(request, enterprise, methods))
    return methods


def after_place_response(request: "HttpRequest", order: "Order") -> "HttpResponse | None":
    """The first response a registered function gives for the placed `order`, or None."""
    for function in AFTER_PLACE:
        response = function(request, order)
        if response is not None:
            return response
    return None


# --- end of checkout hooks -----------------------------------------------------------------------


ADJUSTMENT_NOTES: list[Callable[["Order"], str]] = []


def register_adjustment_note(function: Callable[["Order"], str]) -> Callable[["Order"], str]:
    ADJUSTMENT_NOTES.append(function)
    return function


def adjustment_notes(order: "Order") -> list[str]:
    """What the registered apps say about `order`'s payment after its seller changed it."""
    return [note for note in (function(order) for function in ADJUSTMENT_NOTES) if note]


CANCELLATION_NOTES: list[Callable[["Order"], str]] = []


def register_cancellation_note(function: Callable[["Order"], str]) -> Callable[["Order"], str]:
    CANCELLATION_NOTES.append(function)
    return function


def cancellation_notes(order: "Order") -> list[str]:
    """What the registered apps say cancelling `order` will do to its payment."""
    return [note for note in (function(order) for function in CANCELLATION_NOTES) if note]
