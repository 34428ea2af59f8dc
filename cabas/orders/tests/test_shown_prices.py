"""The unit price a buyer reads is the same on the shelf, in the cart, at the checkout, on the order
page and in the confirmation email (per-item fees included), and every total shown is the sum of the
rows shown above it. « When » comes from the cycle's pickup date, never from a method's usual day."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.cycles.models import Fee
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.pricing import placed_order_bill
from cabas.orders.tests.shop_setup import friday_pickup_saturday_method, open_shop

pytestmark = pytest.mark.django_db

PRICES_NOTE = "Prix TTC, frais par article inclus"


def _add(client, data, variant, quantity):
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": str(quantity)},
    )


def _checkout(client, data, **extra):
    values = {
        "cycle": data.cycle.uuid,
        "email": "claire@exemple.fr",
        "full_name": "Claire Martin",
        "shipping_method": data.pickup.uuid,
        "payment_method": data.cheque.uuid,
        "idempotency_key": "cle-1",
        "confirm": "1",
        **extra,
    }
    return client.post(reverse("shop:checkout", args=[data.shop.slug]), values)


def test_the_same_unit_price_from_the_shelf_to_the_confirmation_email(
    client, django_capture_on_commit_callbacks
):
    data = open_shop()  # tomatoes 3,20 € + 0,20 € of packing per item: 3,40 € on the shelf
    data.fee.amount = Decimal("0.35")
    data.fee.save()
    per_order = Fee.objects.create(
        enterprise=data.shop,
        name="Gestion",
        fee_type="admin",
        calculator="flat_per_order",
        amount=Decimal("1"),
    )
    data.cycle.coordinator_fees.add(per_order)
    tomato, egg = data.variants
    shelf = client.get(reverse("shop:front", args=[data.shop.slug])).content.decode()
    assert "3,55\u00a0€" in shelf and PRICES_NOTE in shelf

    _add(client, data, tomato, 3)
    _add(client, data, egg, 1)
    cart = client.get(reverse("shop:cart", args=[data.shop.slug])).content.decode()
    checkout = client.get(reverse("shop:checkout", args=[data.shop.slug])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _checkout(client, data)
    order = Order.objects.get(status="placed")
    assert order.total == Decimal("3") * Decimal("3.55") + Decimal("2.85") + Decimal("1")
    page = client.get(response["Location"]).content.decode()
    (email,) = mail.outbox
    html_email = email.alternatives[0][0]

    for shown in (cart, checkout, page):
        assert '<td class="num" data-label="Prix unitaire">3,55\u00a0€</td>' in shown  # the unit price column
        assert '<td class="num line-total" data-label="Total">10,65\u00a0€</td>' in shown  # 3 × 3,55
        assert "<dt>Produits</dt><dd>13,50\u00a0€</dd>" in shown  # 10,65 + 2,85
        assert "Préparation des paniers" not in shown.split('class="totals"')[1]  # in the prices
        assert "Gestion" in shown and PRICES_NOTE in shown
    for shown in (cart, page):  # + the per-order fee, its own row (the checkout adds the shipping chosen)
        assert "<dt>Total</dt><dd>14,50\u00a0€</dd>" in shown
    assert "3 × Tomates" in email.body and "3,55\u00a0€) — 10,65\u00a0€" in email.body
    assert "Produits : 13,50\u00a0€" in email.body and "- Gestion" in email.body and PRICES_NOTE in email.body
    assert "3,55\u00a0€" in html_email and "13,50\u00a0€" in html_email and PRICES_NOTE in html_email

    # The seller's page of the order reads the same.
    from cabas.enterprises.models import Role
    from tests.factories import RoleFactory, UserFactory

    manager = UserFactory()
    RoleFactory(user=manager, enterprise=data.shop, role=Role.Level.MANAGER)
    client.force_login(manager)
    seller = client.get(reverse("orders:order", args=[data.shop.slug, order.uuid])).content.decode()
    assert '<td class="num" data-label="Prix unitaire">3,55\u00a0€</td>' in seller
    assert "<dt>Total</dt><dd>14,50\u00a0€</dd>" in seller


def test_a_fee_changed_after_the_order_stays_a_row_of_its_own_and_the_sums_hold():
    data = open_shop()
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=2)
    order = order_place(
        cart=cart,
        email="a@exemple.fr",
        full_name="A",
        shipping_method=data.pickup,
        payment_method=data.cheque,
        idempotency_key="k",
    )
    data.fee.amount = Decimal("0.50")  # changed since: the order keeps what it was charged
    data.fee.save()
    bill = placed_order_bill(Order.objects.get(pk=order.pk))
    (line,) = bill.lines
    assert line.shop_unit_price == Decimal("3.20")  # the fee is not priced again into the line
    assert [(f.name, f.amount) for f in bill.fee_lines] == [("Préparation des paniers", Decimal("0.40"))]
    assert bill.products_total + sum(f.amount for f in bill.fee_lines) == bill.total == Decimal("6.80")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tomatoes=st.integers(min_value=0, max_value=7),
    eggs=st.integers(min_value=0, max_value=4),
    per_item=st.decimals(min_value=Decimal("0"), max_value=Decimal("2"), places=2),
    percent=st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=1),
    per_order=st.decimals(min_value=Decimal("0"), max_value=Decimal("5"), places=2),
    delivered=st.booleans(),
    reduction=st.decimals(min_value=Decimal("0"), max_value=Decimal("3"), places=2),
)
def test_the_rows_of_an_order_page_add_up_to_its_total(
    tomatoes, eggs, per_item, percent, per_order, delivered, reduction
):
    """For any quantities, per-item, percentage and per-order fees, shipping fee and goodwill
    reduction: each line is quantity × its unit price, and Σ line totals + Σ order-level rows is
    the order's total, to the cent."""
    if tomatoes + eggs == 0:
        tomatoes = 1
    with transaction.atomic():
        data = open_shop(fee_amount=per_item)
        data.delivery.minimum_order = None
        data.delivery.save()
        share = Fee.objects.create(
            enterprise=data.shop, name="Commission", fee_type="sales", calculator="percent", amount=percent
        )
        order_fee = Fee.objects.create(
            enterprise=data.shop,
            name="Gestion",
            fee_type="admin",
            calculator="flat_per_order",
            amount=per_order,
        )
        data.cycle.coordinator_fees.add(share, order_fee)
        cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
        tomato, egg = data.variants
        for variant, quantity in ((tomato, tomatoes), (egg, eggs)):
            if quantity:
                cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
        order = order_place(
            cart=cart,
            email="a@exemple.fr",
            full_name="A",
            address="1 rue du Port",
            postcode="69001",
            city="Lyon",
            shipping_method=data.delivery if delivered else data.pickup,
            payment_method=data.cheque,
            idempotency_key="k",
        )
        if reduction:
            order.fee_lines.create(
                enterprise=data.shop, name="Geste", fee_type="goodwill", amount=-reduction, tax_rate=0
            )
            order.total -= reduction
            order.fees_total -= reduction
            order.save()
        bill = placed_order_bill(Order.objects.get(pk=order.pk))
        for line in bill.lines:
            assert line.shop_total == line.quantity * line.shop_unit_price
        assert bill.products_total == sum(line.shop_total for line in bill.lines)
        assert bill.products_total + sum(f.amount for f in bill.fee_lines) == bill.total == order.total
        transaction.set_rollback(True)


# --- when and where ---------------------------------------------------------------------------


def test_the_cycle_pickup_date_wins_over_the_method_usual_day(client, django_capture_on_commit_callbacks):
    data = open_shop()
    friday = friday_pickup_saturday_method(data)
    when = "vendredi " + formats.date_format(friday, "j F Y") + " à 17:00"
    shelf = client.get(reverse("shop:front", args=[data.shop.slug])).content.decode()
    _add(client, data, data.variants[0], 1)
    checkout = client.get(reverse("shop:checkout", args=[data.shop.slug])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _checkout(client, data)
    page = client.get(response["Location"]).content.decode()
    (email,) = mail.outbox
    for shown in (shelf, checkout, page, email.body, email.alternatives[0][0]):
        assert when in shown
        assert "samedi" not in shown and "09:00" not in shown and "12:00" not in shown
    assert "12 chemin des Vergers" in page and "12 chemin des Vergers" in email.body  # where: the method


def test_without_a_cycle_date_the_method_usual_day_and_hours_are_the_default():
    from cabas.cycles.pickup import pickup_when

    data = open_shop()
    data.pickup.weekday, data.pickup.opens_at, data.pickup.closes_at = 5, datetime.time(9), datetime.time(12)
    assert pickup_when(None, data.pickup) == "le samedi, de 09:00 à 12:00"
    saturday = timezone.make_aware(datetime.datetime(2026, 12, 12, 10, 0))
    assert pickup_when(saturday, data.pickup) == "samedi 12 décembre 2026, de 09:00 à 12:00"
    assert pickup_when(saturday.replace(hour=15), data.pickup) == "samedi 12 décembre 2026 à 15:00"
