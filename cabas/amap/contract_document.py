"""A contract as a PDF to print and sign: the AMAP, the producer, the member (when known), the
products with their quantities and price per distribution, the distribution dates, the price of the
season, the payment plan, the terms and the signature boxes. Blank lines to fill in by hand where the
member has not subscribed yet. Printed with WeasyPrint like the reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cabas.amap.models import Contract, Subscription
from cabas.lib.money import round_money

PDF_TEMPLATE = "amap/member/contract_pdf.html"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DocumentLine:
    name: str
    price: Decimal
    quantity: int | None  # None: left blank, to fill in
    total: Decimal | None


def document_lines(contract: Contract, subscription: Subscription | None) -> list[DocumentLine]:
    chosen = {i.product_id: i.quantity for i in subscription.items.all()} if subscription else None
    lines = []
    for product in contract.products.all():
        qty = None if chosen is None else chosen.get(product.pk, 0)
        total = None if qty is None else round_money(product.price * qty)
        name = product.variant.product.name
        if product.variant.name:
            name = f"{name} — {product.variant.name}"
        lines.append(DocumentLine(name=name, price=product.price, quantity=qty, total=total))
    return lines


def contract_document_html(contract: Contract, *, member=None, subscription=None) -> str:
    lines = document_lines(contract, subscription)
    per_distribution = (
        sum((line.total for line in lines if line.total is not None), ZERO) if subscription else None
    )
    return render_to_string(
        PDF_TEMPLATE,
        {
            "contract": contract,
            "amap": contract.amap,
            "producer": contract.producer,
            "member": member,
            "subscription": subscription,
            "lines": lines,
            "per_distribution": per_distribution,
            "deliveries": contract.live_deliveries,
            "instalments": list(subscription.instalments.all()) if subscription else [],
            "blank_instalments": range(min(contract.max_instalments, 4)) if subscription is None else [],
            "payee": contract.payee or contract.producer.name,
            "printed_on": timezone.localdate(),
        },
    )


def contract_pdf(contract: Contract, *, member=None, subscription=None) -> bytes:
    html = contract_document_html(contract, member=member, subscription=subscription)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
