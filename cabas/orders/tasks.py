"""Background tasks of orders: the confirmation email sent once an order is placed."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from cabas.accounts.tasks import send_templated_email
from cabas.lib.money import format_eur


def _when(value) -> str:
    if value is None:
        return ""
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def confirmation_context(order) -> dict:
    """What the confirmation email shows, as plain data (lines, fee lines, totals, pickup, payment)."""
    method = order.shipping_method
    payment = order.payment_method
    lines = [
        {
            "name": " ".join(p for p in [line.product_name, line.variant_name] if p),
            "size": line.size,
            "quantity": line.quantity,
            "unit_price": format_eur(line.unit_price),
            "total": format_eur(line.total),
        }
        for line in order.lines.all()
    ]
    fee_lines = [
        {"name": fee.name, "enterprise": fee.enterprise.name, "amount": format_eur(fee.amount)}
        for fee in order.fee_lines.select_related("enterprise")
    ]
    pickup = {}
    if method is not None:
        pickup = {
            "name": method.name,
            "delivery": method.kind == "delivery",
            "address": ", ".join(
                p for p in [method.address, f"{method.postcode} {method.city}".strip()] if p
            ),
            "instructions": method.instructions,
        }
    return {
        "number": order.number,
        "seller": order.seller.name,
        "full_name": order.full_name,
        "lines": lines,
        "fee_lines": fee_lines,
        "items_total": format_eur(order.items_total),
        "fees_total": format_eur(order.fees_total),
        "total": format_eur(order.total),
        "vat_total": format_eur(order.vat_total),
        "pickup": pickup,
        "pickup_at": _when(order.pickup_at),
        "delivery_address": ", ".join(
            p for p in [order.address, f"{order.postcode} {order.city}".strip()] if p
        ),
        "payment": payment.name if payment else "",
        "payment_instructions": payment.instructions if payment else "",
        "note": order.note,
        "url": settings.SITE_URL + reverse("shop:order", args=[order.uuid]),
    }


@task()
def order_confirmation_send(*, order_uuid: str) -> int:
    """Email the buyer the confirmation of a placed order (French, text + HTML)."""
    from cabas.orders.models import Order

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
    return send_templated_email.call(
        template_prefix="emails/orders/confirmation",
        context=context,
        to=[order.email],
        reply_to=[order.seller.email] if order.seller.email else None,
        from_name=order.seller.name,
        language=language,
    )
