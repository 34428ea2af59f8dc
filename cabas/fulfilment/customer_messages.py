"""Messages to customers: a seller's manager writes to every customer of one of its cycles,
optionally only those of one distribution date and/or one pickup point or delivery zone (« livraison
retardée »…). `message_send` checks and records the message, then a task
(`cabas.fulfilment.tasks.customer_message_send`) emails each address once, with its order
numbers and where and when it collects them; the message stays in the cycle's history.

The customers are those of the seller's placed or collected orders (`REPORTED`): carts, orders
awaiting their card payment and cancelled orders are left out. One email per address, whatever
its number of orders or the case it was typed in.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.accounts.emails import enqueue_templated_email
from cabas.cycles.registry import HistoryEntry
from cabas.errors import DomainError
from cabas.fulfilment import tasks  # tasks.py refers to this module as a whole: no import cycle of names
from cabas.fulfilment.models import CustomerMessage
from cabas.fulfilment.reports.base import REPORTED, day_bounds
from cabas.orders.models import Order

logger = logging.getLogger(__name__)
Status = CustomerMessage.Status
SUBJECT_MAX = 150
BODY_MAX = 5000
TEMPLATE = "emails/fulfilment/customer_message"


class MessageError(DomainError):
    """A message that cannot be sent as written (French message); nothing was saved."""


def seller_orders(seller) -> QuerySet:
    """The seller's orders whose customers can be written to: placed or collected, with an address."""
    return Order.objects.filter(seller=seller, status__in=REPORTED).exclude(email="")


def message_orders(*, seller, cycle, day: datetime.date | None = None, shipping_method=None) -> QuerySet:
    """The orders of the customers a message with this target reaches."""
    orders = seller_orders(seller).filter(cycle=cycle)
    if day is not None:
        start, end = day_bounds(day)
        orders = orders.filter(pickup_at__gte=start, pickup_at__lt=end)
    if shipping_method is not None:
        orders = orders.filter(shipping_method=shipping_method)
    return orders


def recipients_count(**target) -> int:
    """How many addresses a message with this target (`message_orders`) reaches. One query."""
    return message_orders(**target).annotate(lowered=Lower("email")).values("lowered").distinct().count()


def _check(*, seller, cycle, subject: str, body: str) -> None:
    if not 1 <= len(subject) <= SUBJECT_MAX:
        raise MessageError(_("Écrivez un objet de 1 à %(max)d caractères.") % {"max": SUBJECT_MAX})
    if not 1 <= len(body) <= BODY_MAX:
        raise MessageError(_("Écrivez un message de 1 à %(max)d caractères.") % {"max": BODY_MAX})
    if cycle is None or not seller_orders(seller).filter(cycle=cycle).exists():
        raise MessageError(_("Choisissez un cycle où votre structure a des commandes."))


def message_send(
    *, seller, cycle, subject: str, body: str, user, day=None, shipping_method=None
) -> CustomerMessage:
    """Record a message to the customers of `seller` in `cycle` (only those collecting on `day`,
    through `shipping_method`, when given) and have a task email them once the transaction
    commits. Raises MessageError (nothing saved) on an empty or too long subject or body, a cycle
    the seller has no orders in, or a target with no customer."""
    subject, body = (subject or "").strip(), (body or "").strip()
    _check(seller=seller, cycle=cycle, subject=subject, body=body)
    target = {"seller": seller, "cycle": cycle, "day": day, "shipping_method": shipping_method}
    count = recipients_count(**target)
    if not count:
        raise MessageError(_("Aucun client ne correspond à ce choix : le message n'a pas été envoyé."))
    message = CustomerMessage.objects.create(
        **target, subject=subject, body=body, sent_by=user, recipients=count
    )
    transaction.on_commit(lambda: tasks.customer_message_send.enqueue(str(message.uuid)))
    return message


def _when(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _order_context(order: Order) -> dict:
    method = order.shipping_method
    place = ""
    if method is not None:
        where = ", ".join(p for p in [method.address, f"{method.postcode} {method.city}".strip()] if p)
        place = f"{method.name} ({where})" if where else method.name
    return {"number": order.number, "place": place, "pickup_at": _when(order.pickup_at)}


def _by_address(message: CustomerMessage) -> dict[str, list[Order]]:
    orders = (
        message_orders(
            seller=message.seller,
            cycle=message.cycle,
            day=message.day,
            shipping_method=message.shipping_method,
        )
        .select_related("shipping_method", "user")
        .order_by("pickup_at", "number", "pk")
    )
    found: dict[str, list[Order]] = defaultdict(list)
    for order in orders:
        found[order.email.strip().lower()].append(order)
    return found


def _email(message: CustomerMessage, orders: list[Order]) -> None:
    seller = message.seller
    first = orders[0]
    language = getattr(first.user, "language", None) or settings.LANGUAGE_CODE
    enqueue_templated_email(
        TEMPLATE,
        to=first.email,
        context={
            "subject": message.subject,
            "body": message.body,
            "seller": seller.name,
            "cycle": message.cycle.name,
            "full_name": first.full_name,
            "orders": [_order_context(order) for order in orders],
            "reply": bool(seller.email),
        },
        reply_to=[seller.email] if seller.email else None,
        from_name=seller.name,
        language=language,
    )


def message_deliver(message_uuid: str) -> int:
    """Queue one email per address of a recorded message (the task's work); returns how many.

    The message is claimed by one conditional UPDATE: a second run of the task finds it no longer
    queued and sends nothing. The emails leave once the claim and `sent_at` are committed."""
    message = CustomerMessage.objects.filter(uuid=message_uuid).select_related("seller", "cycle").first()
    if message is None:
        logger.warning("customer message %s is gone", message_uuid)
        return 0
    with transaction.atomic():
        claimed = CustomerMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
            status=Status.SENDING
        )
        if not claimed:
            return 0
        addresses = _by_address(message)
        for orders in addresses.values():
            _email(message, orders)
        CustomerMessage.objects.filter(pk=message.pk).update(
            status=Status.SENT, sent_at=timezone.now(), recipients=len(addresses)
        )
    return len(addresses)


def messages_for_list(seller) -> QuerySet:
    """The seller's messages, newest first, with what the list shows."""
    return CustomerMessage.objects.filter(seller=seller).select_related("cycle", "shipping_method", "sent_by")


def cycle_history_entries(*, cycle, enterprise) -> list[HistoryEntry]:
    """The messages sent to the customers of `cycle` (by any of its sellers), as entries of the
    cycle's history (`cabas.cycles.registry`). One query."""
    found = CustomerMessage.objects.filter(cycle=cycle).select_related("seller", "sent_by", "shipping_method")
    entries = []
    for message in found:
        user = message.sent_by
        who = (user.full_name or user.email) if user else _("compte supprimé")
        recipients = ngettext("%(count)d destinataire", "%(count)d destinataires", message.recipients) % {
            "count": message.recipients
        }
        entries.append(
            HistoryEntry(
                at=message.created_at,
                title=_("Message aux clients : « %(subject)s »") % {"subject": message.subject},
                by=f"{who} ({message.seller.name})",
                detail=f"{recipients} · {message.target}",
                text=message.body,
            )
        )
    return entries
