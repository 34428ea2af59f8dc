"""Weights entered at the distribution table, on the card of an order with products sold by weight."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from cabas.fulfilment.tests.test_distribution_evening import (
    HTMX,
    QUERIES,
    _card,
    _day,
    _day_url,
    _shop,
    _volunteer_client,
)
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Line, Order, OrderEvent
from cabas.orders.placing import order_place
from cabas.payments.records.services import payment_record

pytestmark = pytest.mark.django_db


def _with_cheese(data):
    data.cheese = data.add_variant(
        product__name="Tomme",
        unit="g",
        quantity=Decimal("250"),
        price=Decimal("24.00"),
        variable_weight=True,
        on_hand=100,
    )
    return data


def _place(data, i, *, cheese=2, tomatoes=1):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.cheese, quantity=cheese)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=tomatoes)
    return order_place(
        cart=cart,
        email=f"client{i}@exemple.fr",
        full_name=f"Client {i}",
        phone="",
        shipping_method=data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"w{i}",
    )


def _weigh_url(data, order):
    return reverse("fulfilment:weigh", args=[data.shop.slug, _day(data).isoformat(), order.uuid])


def _field(order):
    return f"w-{order.lines.get(product_name='Tomme').pk}"


def test_a_volunteer_enters_a_weight_and_the_card_shows_the_new_total_and_what_is_left(
    client, django_capture_on_commit_callbacks
):
    data = _with_cheese(_shop())
    order = _place(data, 0)
    payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)  # the estimate, paid
    volunteer = _volunteer_client(client, data)
    card = _card(client.get(_day_url(data)).content.decode(), order)
    assert "Poids pesé de Tomme (kg)" in card and "prix estimé, 24,00\u00a0€ le kg" in card

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_weigh_url(data, order), {_field(order): "0,61"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    line = Line.objects.get(order=order, product_name="Tomme")
    assert line.final_weight == Decimal("0.610") and line.total == Decimal("14.64")
    order.refresh_from_db()
    assert order.total == Decimal("14.64") + Decimal("3.20") + Decimal("0.60")
    assert "Pesée enregistrée : nouveau total 18,44\u00a0€." in html
    assert "pesé : 0,61 kg à 24,00\u00a0€ le kg" in html
    assert "Reste à payer : 2,64\u00a0€" in html  # 18,44 − 15,80 paid
    assert 'value="2,64"' in html  # the cash form asks for the rest
    event = OrderEvent.objects.get(order=order, kind="adjusted")
    assert event.user == volunteer
    assert "Vous avez déjà réglé 15,80\u00a0€ : il reste 2,64\u00a0€ à payer." in mail.outbox[-1].body


def test_a_weight_that_cannot_be_read_is_refused_on_the_card_and_nothing_changes(client):
    data = _with_cheese(_shop())
    order = _place(data, 0)
    _volunteer_client(client, data)

    response = client.post(_weigh_url(data, order), {_field(order): "un kilo"}, **HTMX)

    html = response.content.decode()
    assert "Le poids doit être un nombre" in html and 'role="alert"' in html
    assert Line.objects.get(order=order, product_name="Tomme").final_weight is None
    assert not OrderEvent.objects.filter(kind="adjusted").exists()


def test_without_javascript_it_comes_back_to_the_card_with_a_message(client):
    data = _with_cheese(_shop())
    order = _place(data, 0)
    _volunteer_client(client, data)

    response = client.post(_weigh_url(data, order), {_field(order): "0.5"})

    assert response.status_code == 302 and response["Location"].endswith(f"#order-{order.uuid}")
    page = client.get(response["Location"]).content.decode()
    assert "Pesée enregistrée" in page and 'value="0,5"' in page


def test_another_sellers_order_is_not_found_and_a_cancelled_one_is_refused(client):
    data = _with_cheese(_shop())
    other = _with_cheese(_shop("autre-ferme"))
    foreign = _place(other, 9)
    _volunteer_client(client, data)
    assert client.post(_weigh_url(data, foreign), {_field(foreign): "1"}).status_code == 404

    order = _place(data, 0)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    html = client.post(_weigh_url(data, order), {_field(order): "1"}, **HTMX).content.decode()
    assert "annulée" in html
    assert Line.objects.get(order=order, product_name="Tomme").final_weight is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_day_page_with_weights_to_enter_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count
):
    data = _with_cheese(_shop())
    for i in range(count):
        _place(data, i)
    _volunteer_client(client, data)
    with django_assert_max_num_queries(QUERIES):
        html = client.get(_day_url(data)).content.decode()
    assert html.count("Enregistrer la pesée") == count
