"""Allowances under concurrency: eight checkouts by one member at the same moment never spend more
than the allowance, and two monthly jobs at the same moment credit each member once.

As in cabas/orders/tests/test_concurrency.py, each thread has its own connection; on PostgreSQL (CI)
the row locks and the unique (fund, month) index do the work, on SQLite the threads take the
database's single writer lock in Python.
"""

import contextlib
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections

from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.payments.accounts import ledger
from cabas.payments.models import AccountEntry, Payment
from cabas.solidarity import services_allowances
from cabas.solidarity.exceptions import AllowanceRefused
from cabas.solidarity.models import AllowanceGrant
from cabas.solidarity.tests.helpers import cart_of, fund_setup

_SQLITE_WRITER = threading.Lock()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """A transactional test ends with a flush that also empties the reference tables (tax rates,
    categories) filled by data migrations: put them back."""
    from cabas.catalogue.reference import reference_data_seed

    reference_data_seed()


def _writer_lock():
    return _SQLITE_WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


def _run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished (deadlock?)"


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_never_spend_more_than_the_allowance():
    setup = fund_setup()  # 50 € a month
    services_allowances.allowances_grant()
    data = setup.shop
    data.variants[1].on_hand = 100
    data.variants[1].save()
    # Eight carts of 3 boxes of eggs: 3 × (2,50 + 0,20) = 8,10 € each; six cost 48,60 €, seven 56,70 €.
    carts = [cart_of(data, setup.member, quantities=(0, 3)).pk for _ in range(8)]
    barrier = threading.Barrier(len(carts))
    outcomes = []

    def buy(pk, index):
        try:
            cart = Order.objects.get(pk=pk)
            barrier.wait(timeout=30)
            with _writer_lock():
                order_place(
                    cart=cart,
                    email="amina@exemple.fr",
                    full_name="Amina Diallo",
                    shipping_method=data.pickup,
                    payment_method=setup.allowance,
                    idempotency_key=f"key-{index}",
                    user=setup.member,
                )
            outcomes.append("placed")
        except AllowanceRefused as refused:
            outcomes.append("refused" if "Solde insuffisant" in refused.message else refused.message)
        except Exception as exc:  # noqa: BLE001 — any other outcome fails the test below
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    _run([threading.Thread(target=buy, args=(pk, i)) for i, pk in enumerate(carts)])
    assert Counter(outcomes) == {"placed": 6, "refused": 2}, outcomes
    assert ledger.account_balance(setup.account) == Decimal("1.40")  # 50 − 6 × 8,10
    balances = list(
        AccountEntry.objects.filter(customer=setup.account).values_list("balance_after", flat=True)
    )
    assert min(balances) >= 0
    assert Payment.objects.filter(kind="allowance").count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_monthly_jobs_at_the_same_moment_credit_each_member_once():
    setup = fund_setup()
    barrier = threading.Barrier(4)
    outcomes = []

    def grant():
        try:
            barrier.wait(timeout=30)
            with _writer_lock():
                (result,) = services_allowances.allowances_grant()
            outcomes.append("granted" if result.created else "already")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    _run([threading.Thread(target=grant) for _ in range(4)])
    assert Counter(outcomes) == {"granted": 1, "already": 3}, outcomes
    assert AllowanceGrant.objects.count() == 1
    assert ledger.account_balance(setup.account) == Decimal("50.00")
