"""Eight managers refund the same 9,50 € cheque at the same moment, 3 € each to the customer's
account: exactly three refunds pass, the account holds 9 € and no more than what was received is
ever given back.

Each thread has its own database connection. On PostgreSQL the payment's row lock queues the
refunds; SQLite's in-memory test database answers "table is locked" at once instead of waiting, so
there the threads take the writer lock in Python (as in cabas/orders/tests/test_concurrency.py).
"""

import contextlib
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections

from cabas.payments.accounts import ledger
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import Payment
from cabas.payments.records.refunds import payment_refund
from cabas.payments.records.services import order_paid, payment_record
from cabas.payments.tests.placed import placed_order

MANAGERS = 8
_SQLITE_WRITER = threading.Lock()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """A transactional test ends with a flush that also empties the reference tables (tax rates)
    filled by data migrations: put them back for this one."""
    from cabas.catalogue.reference import reference_data_seed

    reference_data_seed()


def _writer_lock():
    return _SQLITE_WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


def _refund(payment_pk, barrier, outcomes, index):
    try:
        payment = Payment.objects.get(pk=payment_pk)
        barrier.wait(timeout=30)
        try:
            with _writer_lock():
                payment_refund(payment=payment, amount="3", to="credit", idempotency_key=f"r{index}")
        except PaymentError:
            outcomes.append("refused")
        else:
            outcomes.append("refunded")
    except Exception as exc:  # noqa: BLE001 — any other outcome fails the test below
        outcomes.append(f"error: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_give_back_more_than_was_received():
    order = placed_order()
    payment = payment_record(seller=order.seller, order=order, kind="cheque", amount="9.50")
    barrier = threading.Barrier(MANAGERS)
    outcomes = []
    threads = [
        threading.Thread(target=_refund, args=(payment.pk, barrier, outcomes, i)) for i in range(MANAGERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a refund never finished (deadlock?)"
    assert Counter(outcomes) == {"refunded": 3, "refused": MANAGERS - 3}, outcomes
    assert order_paid(order) == Decimal("0.50")
    assert ledger.account_balance(order.customer) == Decimal("9.00")
    assert payment.refunds.count() == 3
