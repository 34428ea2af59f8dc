"""Payments of an order in the back-office: its history and derived state (shown on the order's
page), a payment recorded by hand, a refund. Managers and owners only.

Both forms post here; on success the order's page is shown again (redirect), on an error it is
rendered with the form and its French message, and nothing is recorded.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib import money
from cabas.orders.views_manage_orders import order_for_manager, render_order_detail
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import order_owed
from cabas.payments.models import Payment, PaymentMethod, PaymentState
from cabas.payments.records.forms import RECORD_KINDS, PaymentRecordForm, PaymentRefundForm
from cabas.payments.records.refunds import (
    REFUND_COUNTS,
    payment_refund,
    payment_refundable,
    refund_destinations,
)
from cabas.payments.records.services import order_payment_state, payment_record
from cabas.payments.references import display
from cabas.payments.selectors import payment_method_for


def _refund_prefix(payment: Payment) -> str:
    return f"refund-{payment.uuid.hex[:12]}"


def _record_initial(order, due: Decimal) -> dict:
    initial = {}
    if order.payment_method is not None and order.payment_method.kind in RECORD_KINDS:
        initial["kind"] = order.payment_method.kind
    if due > 0:
        initial["amount"] = due
    return initial


def payments_context(order, *, record_form=None, refund_form=None, refund_payment=None) -> dict:
    """The order page's payments part: the history (oldest first), what was received, the derived
    state, what is left to pay (or to give back), the record form and a refund form per payment
    that can still give money back. One query."""
    payments = list(
        order.payments.select_related("method", "recorded_by").order_by("received_on", "created_at", "pk")
    )
    refunded: dict[int, Decimal] = {}
    for payment in payments:
        if payment.refund_of_id is not None and payment.state in REFUND_COUNTS:
            refunded[payment.refund_of_id] = refunded.get(payment.refund_of_id, money.ZERO) - payment.amount
    paid = sum((p.amount for p in payments if p.state == Payment.State.SUCCEEDED), money.ZERO)
    due = money.round_money(order_owed(order) - paid)
    for payment in payments:
        payment.refundable = payment_refundable(payment, refunded.get(payment.pk, money.ZERO))
        payment.refund_form = None
        if payment.refundable > 0:
            if refund_payment is not None and refund_payment.pk == payment.pk:
                payment.refund_form = refund_form
            else:
                payment.refund_form = PaymentRefundForm(
                    destinations=refund_destinations(payment),
                    prefix=_refund_prefix(payment),
                    initial={"amount": min(payment.refundable, -due) if due < 0 else payment.refundable},
                )
    state = order_payment_state(order, paid)
    return {
        "payments": payments,
        "paid": paid,
        "payment_state": state,
        "payment_state_label": PaymentState(state).label,
        "due": due,
        "to_give_back": -due if due < 0 else money.ZERO,
        "payment_reference_display": display(order.payment_reference),
        "record_form": record_form or PaymentRecordForm(initial=_record_initial(order, due)),
    }


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def payment_record_view(request, enterprise, uuid):
    order = order_for_manager(enterprise, uuid)
    form = PaymentRecordForm(request.POST)
    if order.status == "awaiting":  # its card payment is under way: recording another could pay it twice
        form.is_valid()
        form.add_error(
            None, _("Cette commande attend son paiement par carte : attendez qu'il aboutisse ou expire.")
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                seller=enterprise,
                kind=data["kind"],
                amount=data["amount"],
                order=order,
                method=payment_method_for(order, data["kind"]),
                received_on=data["received_on"],
                cheque_number=data["cheque_number"] if data["kind"] == PaymentMethod.Kind.CHEQUE else "",
                note=data["note"],
                idempotency_key="manual-" + data["idempotency_key"],
                user=request.user,
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Paiement de %(amount)s enregistré (%(kind)s).")
                % {"amount": money.format_eur(payment.amount), "kind": payment.get_kind_display()},
            )
            return redirect("orders:order", enterprise.slug, order.uuid)
    return render_order_detail(request, enterprise, order, record_form=form)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def payment_refund_view(request, enterprise, uuid, payment):
    order = order_for_manager(enterprise, uuid)
    try:
        original = order.payments.get(uuid=payment)
    except Payment.DoesNotExist:
        raise Http404
    form = PaymentRefundForm(
        request.POST, destinations=refund_destinations(original), prefix=_refund_prefix(original)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            refund = payment_refund(
                payment=original,
                amount=data["amount"],
                to=data["to"],
                user=request.user,
                note=data["note"],
                idempotency_key="refund-" + data["idempotency_key"],
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Remboursement de %(amount)s enregistré (%(kind)s).")
                % {"amount": money.format_eur(-refund.amount), "kind": refund.get_kind_display()},
            )
            goodwill = -sum((line.amount for line in refund.goodwill_lines.all()), money.ZERO)
            if goodwill:
                order.refresh_from_db(fields=["total"])
                messages.info(
                    request,
                    _("Geste commercial de %(amount)s : le total de la commande passe à %(total)s.")
                    % {"amount": money.format_eur(goodwill), "total": money.format_eur(order.total)},
                )
            return redirect("orders:order", enterprise.slug, order.uuid)
    return render_order_detail(request, enterprise, order, refund_form=form, refund_payment=original)
