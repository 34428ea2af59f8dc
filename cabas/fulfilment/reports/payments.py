"""Payment reports: what the enterprise received by kind and method of payment, and every payment
one by one. They follow the rules of `cabas.payments.reports.tables` (the payments app's own
reports): only received payments (`tables.SUCCEEDED`) count, a refund is a received payment of a
negative amount, a payment belongs to the period of its date (`received_on`). One query each."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.reports.base import DATE, INT, MONEY, TEXT, Column, Filters, Report, register
from cabas.lib import money
from cabas.payments.models import Payment, PaymentMethod
from cabas.payments.reports import tables

PAYMENT_FILTERS = ("from", "to")
CHUNK = 2000

KIND = Column("kind", _("Moyen"))
METHOD = Column("method", _("Moyen proposé"))


def received_payments(filters: Filters) -> QuerySet:
    """The payments `filters.enterprise` received (refunds included, negative) dated from
    `filters.date_from` to `filters.date_to` — the payments `tables.payments_by_method` counts."""
    lookups: dict = {"seller": filters.enterprise, "state": tables.SUCCEEDED}
    if filters.date_from:
        lookups["received_on__gte"] = filters.date_from
    if filters.date_to:
        lookups["received_on__lte"] = filters.date_to
    return Payment.objects.filter(**lookups)


def _kind_label(kind: str) -> str:
    return str(dict(PaymentMethod.Kind.choices).get(kind, kind))


@register
class PaymentsByType(Report):
    name = "payments-by-type"
    title = _("Paiements par moyen")
    group = "payments"
    period = "payments"
    description = _("Les paiements reçus et les remboursements sur la période, par moyen de paiement.")
    filters = PAYMENT_FILTERS
    columns = (
        KIND,
        METHOD,
        Column("count", _("Paiements"), INT, total=True),
        Column("received", _("Encaissé"), MONEY, total=True),
        Column("refunds_count", _("Remboursements"), INT, total=True),
        Column("refunded", _("Remboursé"), MONEY, total=True),
        Column("net", _("Net"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """One row per kind of payment and method (a payment recorded without a method has its
        own row), by kind then method name. One query (a few rows: sorted in Python by label)."""
        positive, negative = Q(amount__gt=0), Q(amount__lt=0)
        groups = (
            received_payments(filters)
            .order_by()
            .values("kind", "method_id", "method__name")
            .annotate(
                count=Count("pk", filter=positive),
                received=Sum("amount", filter=positive),
                refunds_count=Count("pk", filter=negative),
                refunded=Sum("amount", filter=negative),
            )
        )
        rows = []
        for group in groups:
            received = group["received"] or money.ZERO
            refunded = group["refunded"] or money.ZERO
            rows.append(
                {
                    "kind": _kind_label(group["kind"]),
                    "method": group["method__name"] or "",
                    "count": group["count"],
                    "received": received,
                    "refunds_count": group["refunds_count"],
                    "refunded": refunded,
                    "net": received + refunded,
                }
            )
        yield from sorted(rows, key=lambda r: (r["kind"], r["method"]))


@register
class PaymentsItemised(Report):
    name = "payments-itemised"
    title = _("Paiements détaillés")
    group = "payments"
    period = "payments"
    description = _("Chaque paiement reçu et chaque remboursement de la période, par date.")
    filters = PAYMENT_FILTERS
    columns = (
        Column("date", _("Date"), DATE),
        Column("number", _("Commande")),
        Column("customer", _("Client")),
        KIND,
        METHOD,
        Column("reference", _("Référence"), TEXT),
        Column("amount", _("Montant"), MONEY, total=True),
    )

    def rows(self, filters: Filters) -> Iterator[dict]:
        """One row per received payment or refund, by date then as recorded. The customer is the
        name on the order, else the customer's (a top-up of an account has no order); the reference
        is the provider's or bank's, else the cheque number. One query."""
        payments = (
            received_payments(filters)
            .order_by("received_on", "created_at", "pk")
            .values_list(
                "received_on",
                "order__number",
                "order__full_name",
                "customer__first_name",
                "customer__last_name",
                "customer__email",
                "kind",
                "method__name",
                "reference",
                "cheque_number",
                "amount",
            )
        )
        for values in payments.iterator(chunk_size=CHUNK):
            day, number, order_name, first, last, email, kind, method, reference, cheque, amount = values
            customer = order_name or " ".join(p for p in (first, last) if p) or email or ""
            yield {
                "date": day,
                "number": number or "",
                "customer": customer,
                "kind": _kind_label(kind),
                "method": method or "",
                "reference": reference or cheque,
                "amount": amount,
            }
