"""Twenty buyers, ten tomatoes: exactly ten are sold, never more, and nobody waits forever.

Each thread has its own database connection (Django gives one per thread) and places its own cart
at the same moment. On PostgreSQL (CI, the acceptance) the row locks queue the checkouts. SQLite
serialises writers with one database-wide lock; its in-memory test database (shared cache) answers
"table is locked" at once instead of waiting for that lock as a database file does, so on SQLite
the threads take the writer lock in Python instead.
"""

import contextlib
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from cabas.catalogue.models import Variant
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import InsufficientStock
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop

BUYERS = 20
STOCK = 10


_SQLITE_WRITER = threading.Lock()


def _writer_lock():
    return _SQLITE_WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


def _buy(cart_pk, data, barrier, outcomes, index):
    try:
        cart = Order.objects.get(pk=cart_pk)
        barrier.wait(timeout=30)
        try:
            with _writer_lock():
                order_place(
                    cart=cart,
                    email=f"client{index}@exemple.fr",
                    full_name=f"Client {index}",
                    shipping_method=data.pickup,
                    payment_method=data.cheque,
                    idempotency_key=f"key-{index}",
                )
        except InsufficientStock as exc:
            assert exc.changes[0].available == 0  # noqa: S101
            outcomes.append("plus de stock")
        else:
            outcomes.append("placed")
    except Exception as exc:  # noqa: BLE001 — any other outcome fails the test below
        outcomes.append(f"error: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_it_sells_exactly_the_stock_to_concurrent_buyers():
    data = open_shop()
    tomato = data.variants[0]
    Variant.objects.filter(pk=tomato.pk).update(on_hand=STOCK)
    carts = []
    for _ in range(BUYERS):
        cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
        cart_set_quantity(cart=cart, variant=tomato, quantity=1)
        carts.append(cart.pk)
    barrier = threading.Barrier(BUYERS)
    outcomes = []
    threads = [
        threading.Thread(target=_buy, args=(pk, data, barrier, outcomes, i)) for i, pk in enumerate(carts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout never finished (deadlock?)"
    assert Counter(outcomes) == {"placed": STOCK, "plus de stock": BUYERS - STOCK}, outcomes
    tomato.refresh_from_db()
    assert tomato.on_hand == 0
    placed = Order.objects.filter(status="placed")
    assert placed.count() == STOCK
    assert sum(Line.objects.filter(order__in=placed).values_list("quantity", flat=True)) == STOCK
    assert len(set(placed.values_list("number", flat=True))) == STOCK
    assert connection.vendor in ("postgresql", "sqlite")
