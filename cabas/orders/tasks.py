"""Background tasks of orders: the confirmation email sent once an order is placed (with what the
apps hooked into `cabas.orders.registry` add: for a bank transfer, the account, the reference and
the EPC QR code as an image embedded in the email), the links of a guest's recent orders, emailed
again on request (« Retrouver ma commande »), and what to bring, emailed to the producers of the
cycles that closed (`cycles_notify_producers`).

A guest order's emails link to its signed page (`cabas.orders.links`): it opens in any browser."""

from collections.abc import Callable
from decimal import Decimal
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tasks import task

from cabas.accounts.emails import enqueue_templated_email
from cabas.accounts.tasks import send_templated_email
from cabas.cycles.pickup import pickup_when, pickup_where
from cabas.enterprises.models import Enterprise
from cabas.lib.money import format_eur
from cabas.orders import pick_list, registry
from cabas.orders.links import order_url
from cabas.orders.models import Order
from cabas.orders.pricing import line_unit_price_display, placed_order_bill

GUEST_LINKS_MAX = 10  # the last orders of an address whose links are emailed again


def confirmation_context(order) -> dict:
    """What the confirmation email shows, as plain data (lines, fee lines, totals, pickup, payment)."""
    method = order.shipping_method
    payment = order.payment_method
    bill = placed_order_bill(order)
    lines = [
        {
            "name": line.name,
            "size": line.size,
            "quantity": line.quantity,
            "unit_price": line_unit_price_display(line),
            "total": format_eur(line.shop_total),
            "weight_note": line.weight_note,
        }
        for line in bill.lines
    ]
    fee_lines = [
        {"name": fee.name, "enterprise": fee.enterprise.name, "amount": format_eur(fee.amount)}
        for fee in bill.fee_lines
    ]
    pickup = {}
    if method is not None:
        pickup = {
            "name": method.name,
            "delivery": method.kind == "delivery",
            "address": pickup_where(method),
            "instructions": method.instructions,
        }
    return {
        "number": order.number,
        "seller": order.seller.name,
        "full_name": order.full_name,
        "lines": lines,
        "fee_lines": fee_lines,
        "products_total": format_eur(bill.products_total),
        "total": format_eur(order.total),
        "vat_total": format_eur(order.vat_total),
        "pickup": pickup,
        "pickup_at": pickup_when(order.pickup_at, method),
        "delivery_address": ", ".join(
            p for p in [order.address, f"{order.postcode} {order.city}".strip()] if p
        ),
        "payment": payment.name if payment else "",
        "payment_instructions": payment.instructions if payment else "",
        "note": order.note,
        "url": order_url(order),
        "guest": order.user_id is None,
        "estimated": bill.estimated,
    }


def _send_with_attachments(*, order, context: dict, attachments: list, language: str) -> int:
    """Send the confirmation with `attachments` (e.g. a transfer's EPC QR code as a PNG) that the
    HTML part shows inline (multipart/related, by Content-ID): mail clients show them without
    loading anything."""
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    prefix = "emails/orders/confirmation"
    with translation.override(language):
        subject = " ".join(render_to_string(f"{prefix}.subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((order.seller.name, address)) if address else settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[order.email],
        reply_to=[order.seller.email] if order.seller.email else [],
    )
    message.attach_alternative(html, "text/html")
    message.mixed_subtype = "related"
    for attachment in attachments:
        message.attach(attachment)
    return message.send()


@task()
def order_confirmation_send(*, order_uuid: str) -> int:
    """Email the buyer the confirmation of a placed order (French, text + HTML)."""
    order = (
        Order.objects.select_related("seller", "shipping_method", "payment_method", "user")
        .filter(uuid=order_uuid)
        .first()
    )
    if order is None or not order.email:
        return 0
    language = getattr(order.user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = confirmation_context(order)
        part = registry.confirmation_email_parts(order)  # e.g. how to pay by transfer, its QR code
    context.update(part.context)
    if part.attachments:
        return _send_with_attachments(
            order=order, context=context, attachments=part.attachments, language=language
        )
    return send_templated_email.call(
        template_prefix="emails/orders/confirmation",
        context=context,
        language=language,
        **_from_seller(order),
    )


@task()
def order_links_send(*, seller_id: int, email: str, language: str | None = None) -> int:
    """Email `email` the signed links of its last guest orders at the seller (not cancelled, at
    most GUEST_LINKS_MAX); nothing when it has none. French, text + HTML, from the seller's name."""
    seller = Enterprise.objects.filter(pk=seller_id).first()
    orders = list(
        Order.objects.filter(seller_id=seller_id, user__isnull=True, email__iexact=email.strip())
        .exclude(status__in=[Order.Status.CART, Order.Status.CANCELLED])
        .order_by("-placed_at", "-pk")[:GUEST_LINKS_MAX]
    )
    if seller is None or not orders:
        return 0
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "seller": seller.name,
            "orders": [
                {
                    "number": order.number,
                    "placed_on": formats.date_format(timezone.localtime(order.placed_at), "DATE_FORMAT")
                    if order.placed_at
                    else "",
                    "total": format_eur(order.total),
                    "status": order.get_status_display(),
                    "url": order_url(order),
                }
                for order in orders
            ],
        }
    return send_templated_email.call(
        template_prefix="emails/orders/links",
        context=context,
        to=[orders[0].email],  # the address as the guest gave it with their last order
        reply_to=[seller.email] if seller.email else None,
        from_name=seller.name,
        language=language,
    )


@task()
def cycles_notify_producers() -> int:
    """Email the producers of the cycles that closed what to bring (`cabas.orders.pick_list`);
    returns how many emails were queued."""
    return pick_list.cycles_notify_producers()


@task()
def order_adjusted_send(
    *, order_uuid: str, changes: list[str], before: str, note: str = "", by_buyer: bool = False
) -> int:
    """Email the buyer that their order changed (by its seller, or `by_buyer` themselves): what
    changed, the new total and the difference, and where its payment stands
    (`registry.adjustment_notes`)."""
    order = Order.objects.select_related("seller", "user").filter(uuid=order_uuid).first()
    if order is None or not order.email:
        return 0
    difference = order.total - Decimal(before)
    language, context = _buyer_context(
        order,
        lambda: {
            "changes": changes,
            "note": note,
            "before": format_eur(Decimal(before)),
            "total": format_eur(order.total),
            "more": format_eur(difference) if difference > 0 else "",
            "less": format_eur(-difference) if difference < 0 else "",
            "estimated": order.lines.filter(weight_price__isnull=False, final_weight__isnull=True).exists(),
            "payment_notes": registry.adjustment_notes(order),
            "by_buyer": by_buyer,
        },
    )
    return send_templated_email.call(
        template_prefix="emails/orders/adjusted", context=context, language=language, **_from_seller(order)
    )


def order_adjusted_enqueue(
    order, *, changes: list[str], before, note: str = "", by_buyer: bool = False
) -> None:
    """Email the buyer of `order` what its seller (or `by_buyer`, they) changed, once the current
    transaction commits."""
    transaction.on_commit(
        lambda: order_adjusted_send.enqueue(
            order_uuid=str(order.uuid),
            changes=list(changes),
            before=str(before),
            note=note,
            by_buyer=by_buyer,
        )
    )


def order_confirmation_enqueue(order) -> None:
    """Email the confirmation of `order` once the current transaction commits."""
    transaction.on_commit(lambda: order_confirmation_send.enqueue(order_uuid=str(order.uuid)))


def order_links_request(*, seller, email: str, language: str) -> None:
    """Email `email` the signed links of its recent guest orders at `seller` (after commit).

    The task looks the orders up and sends nothing when there are none: the request does the same
    work either way, so neither its answer nor its timing tells whether the address has orders."""
    transaction.on_commit(
        lambda: order_links_send.enqueue(seller_id=seller.pk, email=email, language=language)
    )


def order_cancellation_enqueue(order, reason: str = "", *, payment_notes: list[str] | None = None) -> None:
    """Email the buyer that `order` is cancelled, once the current transaction commits (French,
    text + HTML, from the seller's name): by the seller for `reason`, or, without a reason, by the
    buyer themselves, with what happens to what they paid (`payment_notes`)."""
    buyer_email_enqueue(
        order,
        "emails/orders/cancelled",
        lambda: {
            "reason": reason,
            "payment_notes": list(payment_notes or []),
            "total": format_eur(order.total),
            "placed_on": formats.date_format(timezone.localtime(order.placed_at), "DATE_FORMAT")
            if order.placed_at
            else "",
        },
    )


def buyer_email_enqueue(order, template_prefix: str, context: Callable[[], dict]) -> None:
    """Email `template_prefix` to the buyer of `order` once the current transaction commits, in the
    buyer's language, from the seller's name with the seller as reply-to (nothing without an
    address). The context has the order's number, seller, buyer's name and link, and what
    `context()` returns (called in the buyer's language)."""
    if not order.email:
        return
    language, data = _buyer_context(order, context)
    enqueue_templated_email(template_prefix, context=data, language=language, **_from_seller(order))


def _buyer_context(order, context: Callable[[], dict]) -> tuple[str, dict]:
    """The buyer's language, and in it an email's context about `order`: its number, seller, buyer's
    name and link, and what `context()` adds."""
    language = getattr(order.user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        data = {
            "number": order.number,
            "seller": order.seller.name,
            "full_name": order.full_name,
            "url": order_url(order),
            **context(),
        }
    return language, data


def _from_seller(order) -> dict:
    """To the buyer of `order`, from its seller's name, replies to the seller."""
    return {
        "to": [order.email],
        "reply_to": [order.seller.email] if order.seller.email else None,
        "from_name": order.seller.name,
    }
