import pytest

from cabas.orders.cart import cart_set_quantity
from cabas.orders.changes import order_collected
from cabas.orders.exceptions import OrderError, OrderNotCollectable
from cabas.orders.models import Order, OrderEvent
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _placed(data, key="k1"):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=2)
    return order_place(
        cart=cart,
        email="claire@exemple.fr",
        full_name="Claire Martin",
        phone="06 12 34 56 78",
        shipping_method=data.pickup,
        payment_method=data.cheque,
        idempotency_key=key,
    )


def _status_events(order):
    return list(
        OrderEvent.objects.filter(order=order, kind="status")
        .order_by("id")
        .values_list("from_status", "to_status", "user_id")
    )


def test_it_marks_a_placed_order_collected_and_records_who_did_it():
    data = open_shop()
    order = _placed(data)
    volunteer = UserFactory()
    before = _status_events(order)

    result = order_collected(order=order, user=volunteer)

    order.refresh_from_db()
    assert result.status == order.status == Order.Status.FULFILLED
    assert order.get_status_display() == "Remise"
    assert _status_events(order) == [*before, ("placed", "fulfilled", volunteer.pk)]


def test_it_undoes_a_mistaken_collection_back_to_placed():
    data = open_shop()
    order = _placed(data)
    order_collected(order=order)

    order_collected(order=order, collected=False)

    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert _status_events(order)[-2:] == [("placed", "fulfilled", None), ("fulfilled", "placed", None)]


def test_it_changes_and_records_nothing_when_asked_twice_the_same_thing():
    data = open_shop()
    order = _placed(data)
    order_collected(order=order)
    events = OrderEvent.objects.filter(order=order).count()
    updated_at = Order.objects.get(pk=order.pk).updated_at

    order_collected(order=order)

    assert OrderEvent.objects.filter(order=order).count() == events
    assert Order.objects.get(pk=order.pk).updated_at == updated_at
    order_collected(order=order, collected=False)
    order_collected(order=order, collected=False)
    assert OrderEvent.objects.filter(order=order).count() == events + 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED


def test_it_reads_the_state_from_the_database_not_from_a_stale_instance():
    data = open_shop()
    order = _placed(data)
    stale = Order.objects.get(pk=order.pk)
    order_collected(order=order)

    order_collected(order=stale)  # still "placed" in memory: already collected in the database

    assert OrderEvent.objects.filter(order=order, to_status="fulfilled").count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Order.Status.CANCELLED, "Cette commande est annulée : elle ne peut pas être remise."),
        (
            Order.Status.AWAITING,
            "Cette commande attend encore son paiement par carte : elle ne peut pas être remise.",
        ),
        (Order.Status.CART, "Seule une commande passée peut être remise (ou sa remise annulée)."),
    ],
)
@pytest.mark.parametrize("collected", [True, False])
def test_it_refuses_an_order_that_is_not_placed_with_a_french_message(status, message, collected):
    data = open_shop()
    order = _placed(data)
    Order.objects.filter(pk=order.pk).update(status=status)
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(OrderNotCollectable) as error:
        order_collected(order=order, collected=collected)

    assert isinstance(error.value, OrderError)
    assert error.value.message == message
    assert Order.objects.get(pk=order.pk).status == status
    assert OrderEvent.objects.filter(order=order).count() == events
