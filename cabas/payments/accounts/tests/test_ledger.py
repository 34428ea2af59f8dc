"""The customer account ledger: balance = Σ entries at every step whatever happens, the floor holds
under concurrent debits, and no code path changes or deletes an entry."""

import ast
import contextlib
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.orders.models import Customer
from cabas.payments.accounts import ledger
from cabas.payments.models import AccountEntry
from tests.factories import EnterpriseFactory

CABAS = Path(__file__).resolve().parents[2]

cents = st.integers(min_value=1, max_value=20_000).map(lambda c: Decimal(c) / 100)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("top_up"), cents),
        st.tuples(st.just("order"), cents),  # a debit, refused below the floor
        st.tuples(st.just("refund"), cents),
        st.tuples(st.just("correction"), cents.flatmap(lambda c: st.sampled_from([c, -c]))),
    ),
    max_size=25,
)
floors = st.sampled_from([Decimal("0.00"), Decimal("-20.00"), Decimal("10.00")])


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, floor=floors)
def test_the_balance_is_the_sum_of_the_entries_at_every_step(steps, floor):
    seller = EnterpriseFactory()
    customer = Customer.objects.create(enterprise=seller, email="claire@exemple.fr")
    expected = Decimal("0.00")
    for kind, amount in steps:
        signed = -amount if kind == "order" else amount
        if kind == "order" and expected + signed < floor:
            with pytest.raises(ledger.InsufficientBalance):
                ledger.account_post(customer=customer, kind=kind, amount=signed, floor=floor)
            continue
        entry = ledger.account_post(
            customer=customer, kind=kind, amount=signed, floor=floor if kind == "order" else None
        )
        expected += signed
        assert entry.balance_after == expected
        assert ledger.account_balance(customer) == expected
    entries = list(AccountEntry.objects.filter(customer=customer).order_by("id"))
    running = Decimal("0.00")
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running  # each entry: Σ amounts so far
        assert entry.kind != "order" or entry.balance_after >= floor  # no debit went below the floor
    assert ledger.account_balance(customer) == running == expected
    listed = ledger.with_balance(Customer.objects.filter(pk=customer.pk)).get()
    assert listed.balance == expected and listed.has_account == bool(entries)


# --- concurrent debits ------------------------------------------------------------------------

DEBITORS = 12
DEBIT = Decimal("15.00")
START = Decimal("100.00")  # room for 6 debits of 15 above the floor of 0, not 7

# SQLite's in-memory test database answers "table is locked" at once instead of waiting for the
# writer lock (see cabas/orders/tests/test_concurrency.py): there the debits take turns in Python.
_SQLITE_WRITER = threading.Lock()


def _writer_lock():
    return _SQLITE_WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


def _debit(customer_pk, barrier, outcomes):
    try:
        customer = Customer.objects.get(pk=customer_pk)
        barrier.wait(timeout=30)
        try:
            with _writer_lock():
                ledger.account_post(customer=customer, kind="order", amount=-DEBIT, floor=Decimal("0"))
        except ledger.InsufficientBalance:
            outcomes.append("refused")
        else:
            outcomes.append("debited")
    except Exception as exc:  # noqa: BLE001 — any other outcome fails the test below
        outcomes.append(f"error: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_take_the_account_below_its_floor():
    customer = Customer.objects.create(enterprise=EnterpriseFactory(), email="claire@exemple.fr")
    ledger.account_post(customer=customer, kind="top_up", amount=START)
    barrier = threading.Barrier(DEBITORS)
    outcomes = []
    threads = [
        threading.Thread(target=_debit, args=(customer.pk, barrier, outcomes)) for _ in range(DEBITORS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a debit never finished (deadlock?)"
    assert sorted(outcomes) == ["debited"] * 6 + ["refused"] * 6, outcomes
    entries = list(AccountEntry.objects.filter(customer=customer).order_by("id"))
    running = Decimal("0.00")
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running and entry.balance_after >= 0
    assert ledger.account_balance(customer) == Decimal("10.00") == running


# --- append-only ------------------------------------------------------------------------------

WRITES = {"update", "delete", "bulk_update", "update_or_create", "raw", "_raw_delete", "_update"}
LEDGER_NAMES = {"AccountEntry", "account_entries", "accountentry", "entries"}
RAW_SQL = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE)\b[^;]*payments_accountentry", re.IGNORECASE)


def _names_in(node) -> set[str]:
    """The names and attribute names a call's receiver is built from (`AccountEntry.objects.filter(...)`
    → {"AccountEntry", "objects", "filter"})."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _ledger_writes(source: str) -> list[int]:
    tree = ast.parse(source)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            receiver = node.func.value
            if _names_in(receiver) & LEDGER_NAMES and "Customer" not in _names_in(receiver):
                lines.append(node.lineno)
    return lines


def test_the_scan_finds_a_ledger_write_when_there_is_one():
    assert _ledger_writes("AccountEntry.objects.filter(pk=1).update(amount=0)") == [1]
    assert _ledger_writes("customer.account_entries.all().delete()") == [1]
    assert _ledger_writes("AccountEntry.objects.bulk_update(rows, ['amount'])") == [1]
    assert _ledger_writes("Customer.objects.filter(pk=1).update(payment_reference='x')") == []
    assert RAW_SQL.search('cursor.execute("DELETE FROM payments_accountentry WHERE id = 1")')


def test_no_code_path_updates_or_deletes_an_account_entry():
    offenders = []
    for path in sorted(CABAS.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue  # tests may try to write an entry, to check that the model refuses
        source = path.read_text(encoding="utf-8")
        if "AccountEntry" not in source and "account_entries" not in source and "accountentry" not in source:
            continue
        if path.name == "models.py" and path.parent.name == "payments":
            continue  # the model itself: its guards are tested below
        offenders += [f"{path.relative_to(CABAS.parent)}:{line}" for line in _ledger_writes(source)]
        offenders += [f"{path.relative_to(CABAS.parent)}: raw SQL" for _ in RAW_SQL.finditer(source)]
    assert not offenders, f"account entries are append-only: {offenders}"


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_an_entry():
    customer = Customer.objects.create(enterprise=EnterpriseFactory(), email="claire@exemple.fr")
    entry = ledger.account_post(customer=customer, kind="top_up", amount="10")
    entry.amount = Decimal("1000")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AccountEntry.objects.filter(pk=entry.pk).update(amount=0)
    with pytest.raises(TypeError):
        AccountEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError), transaction.atomic():
        AccountEntry.objects.bulk_update([entry], ["amount"])
    with pytest.raises(TypeError):
        customer.account_entries.all().update(amount=0)
    stored = AccountEntry.objects.get(pk=entry.pk)
    assert (stored.amount, stored.balance_after) == (Decimal("10.00"), Decimal("10.00"))
