"""The payments foundation: recording payments, the derived order state, the ledger's balance."""

from decimal import Decimal

import pytest
from stdnum import iso11649

from cabas.orders.models import Customer
from cabas.payments.accounts import ledger
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry, PaymentState
from cabas.payments.records import services as services_payments
from cabas.payments.references import display, order_reference, references_in
from cabas.payments.tests.placed import placed_order

pytestmark = pytest.mark.django_db


def test_it_derives_the_order_payment_state_from_payments():
    order = placed_order()
    assert order.total == Decimal("9.50")  # 2 × 3,20 + 2,50 + 3 × 0,20 of packing
    assert services_payments.order_payment_state(order) == PaymentState.UNPAID
    services_payments.payment_record(seller=order.seller, order=order, kind="cheque", amount="5,00")
    assert services_payments.order_payment_state(order) == PaymentState.PARTIAL
    services_payments.payment_record(seller=order.seller, order=order, kind="cash", amount="4.50")
    assert services_payments.order_payment_state(order) == PaymentState.PAID
    services_payments.payment_record(seller=order.seller, order=order, kind="cash", amount="1")
    assert services_payments.order_payment_state(order) == PaymentState.OVERPAID
    annotated = services_payments.with_paid(type(order).objects.filter(pk=order.pk)).get()
    assert annotated.paid == Decimal("10.50")


def test_it_refuses_bad_amounts_and_foreign_orders_and_records_nothing(enterprise):
    order = placed_order()
    for amount in ["", "douze", "0", "0,00"]:
        with pytest.raises(PaymentError):
            services_payments.payment_record(seller=order.seller, order=order, kind="cash", amount=amount)
    with pytest.raises(PaymentError):
        services_payments.payment_record(seller=enterprise, order=order, kind="cash", amount="2")
    assert not order.payments.exists()


def test_it_records_a_payment_once_per_idempotency_key():
    order = placed_order()
    first = services_payments.payment_record(
        seller=order.seller, order=order, kind="card", amount="9.50", idempotency_key="evt-1"
    )
    again = services_payments.payment_record(
        seller=order.seller, order=order, kind="card", amount="9.50", idempotency_key="evt-1"
    )
    assert first.pk == again.pk and order.payments.count() == 1


def test_an_order_placed_by_transfer_gets_a_valid_reference_found_back_in_a_bank_label():
    data_order = placed_order()
    assert data_order.payment_reference == ""  # cheque
    from cabas.orders.tests.shop_setup import open_shop

    data = open_shop(shop=data_order.seller)
    order = placed_order(data, method=data.transfer, key="k2", email="paul@exemple.fr")
    assert order.payment_reference == order_reference(order.number)
    assert iso11649.is_valid(order.payment_reference)
    label = f"VIR SEPA RECU /DE M PAUL DURAND /MOTIF {display(order.payment_reference)} MERCI"
    assert order.payment_reference in references_in(label)


def test_the_ledger_balance_is_the_sum_of_entries_and_a_floor_stops_a_debit(enterprise):
    customer = Customer.objects.create(enterprise=enterprise, email="lea@exemple.fr")
    ledger.account_post(customer=customer, kind="top_up", amount=Decimal("20"))
    ledger.account_post(customer=customer, kind="order", amount=Decimal("-12.30"))
    with pytest.raises(ledger.InsufficientBalance) as refused:
        ledger.account_post(customer=customer, kind="order", amount=Decimal("-8"), floor=Decimal("0"))
    assert "7,70" in str(refused.value)
    assert ledger.account_balance(customer) == Decimal("7.70")
    assert [e.balance_after for e in AccountEntry.objects.filter(customer=customer)] == [
        Decimal("20.00"),
        Decimal("7.70"),
    ]


def test_ledger_entries_cannot_be_changed_or_deleted(enterprise):
    customer = Customer.objects.create(enterprise=enterprise, email="lea@exemple.fr")
    entry = ledger.account_post(customer=customer, kind="top_up", amount=Decimal("5"))
    entry.amount = Decimal("500")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AccountEntry.objects.filter(customer=customer).update(amount=0)
    with pytest.raises(TypeError):
        AccountEntry.objects.filter(customer=customer).delete()
    assert ledger.account_balance(customer) == Decimal("5.00")
