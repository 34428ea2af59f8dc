"""The seller fixing a placed order (`cabas.orders.adjust.order_adjust`): final weights, quantities,
added, removed and substituted lines, with the totals, fees, VAT, stock, history, email and payment
following."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.catalogue.models import Variant
from cabas.cycles.pricing import order_totals
from cabas.enterprises.models import Role
from cabas.lib.money import round_money, split_vat
from cabas.orders.adjust import Adjustment, order_adjust, parse_weight
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import InsufficientStock, InvalidQuantity, NotOffered, OrderNotEditable
from cabas.orders.models import Line, Order, OrderEvent
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.records.services import order_paid, order_payment_state, payment_record
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _shop():
    """The shop of `open_shop` (0,20 € packing fee per item) with cheese sold by weight: 24 €/kg, a
    piece of about 250 g (estimated 6,00 €), 5 in stock."""
    data = open_shop()
    data.cheese = data.add_variant(
        product__name="Tomme",
        unit="g",
        quantity=Decimal("250"),
        price=Decimal("24.00"),
        variable_weight=True,
        on_hand=5,
    )
    return data


def _place(data, quantities, *, method=None):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    for variant, quantity in quantities:
        cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    return order_place(
        cart=cart,
        email="claire@exemple.fr",
        full_name="Claire Martin",
        phone="06 12 34 56 78",
        shipping_method=data.pickup,
        payment_method=method or data.cheque,
        idempotency_key=f"k{Order.objects.count()}",
    )


def _close(data):
    data.cycle.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    data.cycle.opens_at = data.cycle.closes_at - datetime.timedelta(days=2)
    data.cycle.save()


def _plain(text):
    """`text` (or texts) with non-breaking spaces as plain spaces."""
    if isinstance(text, list):
        return [_plain(t) for t in text]
    return text.replace("\xa0", " ")


def _stock(variant):
    return Variant.objects.get(pk=variant.pk).on_hand


def _check_totals(order):
    """The order's totals are its lines and fee lines, as shown."""
    order.refresh_from_db()
    lines, fee_lines = list(order.lines.all()), list(order.fee_lines.all())
    assert order.items_total == sum(line.total for line in lines)
    assert order.total == order.items_total + sum(f.amount for f in fee_lines)
    assert order.fees_total == sum(f.amount for f in fee_lines)
    assert order.vat_total == order_totals(lines, fee_lines).vat_total
    return order


def test_a_final_weight_prices_the_line_by_the_kilo_and_the_fees_follow(django_capture_on_commit_callbacks):
    data = _shop()
    order = _place(data, [(data.cheese, 2), (data.variants[0], 1)])
    cheese = order.lines.get(variant=data.cheese)
    assert cheese.estimated and cheese.total == Decimal("12.00") and cheese.weight_price == Decimal("24.00")
    assert order.total == Decimal("12.00") + Decimal("3.20") + Decimal("0.60")  # 3 items × 0,20 €
    _close(data)
    stock = _stock(data.cheese)

    with django_capture_on_commit_callbacks(execute=True):
        result = order_adjust(
            order=order, adjustment=Adjustment(weights={str(data.cheese.uuid): parse_weight("0,612")})
        )

    cheese.refresh_from_db()
    assert cheese.final_weight == Decimal("0.612") and not cheese.estimated
    assert cheese.total == round_money(Decimal("24.00") * Decimal("0.612")) == Decimal("14.69")
    order = _check_totals(order)
    # A flat per-item fee stays per piece: 3 items.
    assert order.fees_total == Decimal("0.60")
    assert order.total == Decimal("14.69") + Decimal("3.20") + Decimal("0.60")
    assert result.before == Decimal("15.80") and result.after == order.total
    assert _stock(data.cheese) == stock  # the pieces did not change
    event = OrderEvent.objects.get(order=order, kind="adjusted")
    assert "Tomme pesé : 0,612 kg à 24,00 € le kg, soit 14,69 €." in _plain(event.detail["changes"])
    email = mail.outbox[-1]
    email.body = _plain(email.body)
    assert email.to == ["claire@exemple.fr"] and "modifiée" in email.subject
    assert "Tomme pesé : 0,612 kg" in email.body
    assert "Nouveau total : 18,49 € (au lieu de 15,80 €)" in email.body
    assert "Soit 2,69 € de plus." in email.body
    assert "Montant à régler : 18,49 €." in email.body  # nothing paid yet


def test_a_percentage_fee_follows_the_weight_and_the_vat_is_split_again():
    data = _shop()
    data.fee.calculator, data.fee.amount = "percent", Decimal("10")
    data.fee.save()
    order = _place(data, [(data.cheese, 1)])
    assert order.fees_total == Decimal("0.60")  # 10 % of 6,00 €

    order_adjust(order=order, adjustment=Adjustment(weights={str(data.cheese.uuid): Decimal("0.300")}))

    order = _check_totals(order)
    assert order.items_total == Decimal("7.20")
    assert order.fees_total == Decimal("0.72")  # 10 % of 7,20 €
    line = order.lines.get()
    fee = order.fee_lines.get()
    expected_vat = split_vat(line.total, line.tax_rate)[1] + split_vat(fee.amount, fee.tax_rate)[1]
    assert order.vat_total == expected_vat


def test_clearing_a_weight_goes_back_to_the_estimate():
    data = _shop()
    order = _place(data, [(data.cheese, 2)])
    estimate = order.total
    order_adjust(order=order, adjustment=Adjustment(weights={str(data.cheese.uuid): Decimal("0.4")}))

    result = order_adjust(order=order, adjustment=Adjustment(weights={str(data.cheese.uuid): None}))

    assert result.after == estimate
    assert order.lines.get().estimated


def test_a_weight_for_a_product_not_sold_by_weight_or_a_bad_weight_is_refused():
    data = _shop()
    order = _place(data, [(data.cheese, 1), (data.variants[0], 1)])
    total = order.total
    with pytest.raises(InvalidQuantity, match="n'est pas vendu au poids"):
        order_adjust(order=order, adjustment=Adjustment(weights={str(data.variants[0].uuid): Decimal("1")}))
    for typed, message in [
        ("abc", "doit être un nombre"),
        ("0", "supérieur à zéro"),
        ("-1", "supérieur à zéro"),
    ]:
        with pytest.raises(InvalidQuantity, match=message):
            parse_weight(typed)
    assert parse_weight(" ") is None and parse_weight("1,25 kg") == Decimal("1.250")
    order.refresh_from_db()
    assert order.total == total and not OrderEvent.objects.filter(kind="adjusted").exists()


def test_a_substitution_moves_the_stock_and_keeps_the_quantity(django_capture_on_commit_callbacks):
    data = _shop()
    tomatoes, eggs = data.variants[0], data.variants[1]
    order = _place(data, [(tomatoes, 3)])
    _close(data)
    before = (_stock(tomatoes), _stock(eggs))

    with django_capture_on_commit_callbacks(execute=True):
        result = order_adjust(
            order=order,
            adjustment=Adjustment(substitutions={str(tomatoes.uuid): str(eggs.uuid)}),
            note="Plus de tomates, désolé !",
        )

    lines = list(order.lines.all())
    assert [(line.product_name, line.quantity) for line in lines] == [("Œufs", 3)]
    assert (_stock(tomatoes), _stock(eggs)) == (before[0] + 3, before[1] - 3)
    order = _check_totals(order)
    assert order.items_total == Decimal("7.50")
    assert result.changes == ["Tomates remplacé par Œufs (3)."]
    assert "Plus de tomates, désolé !" in mail.outbox[-1].body
    assert "Soit 2,10 € de moins." in _plain(mail.outbox[-1].body)


def test_a_substitution_short_of_stock_changes_nothing():
    data = _shop()
    tomatoes, eggs = data.variants[0], data.variants[1]
    order = _place(data, [(tomatoes, 5)])  # eggs: 4 left
    total, stock = order.total, _stock(tomatoes)

    with pytest.raises(InsufficientStock):
        order_adjust(order=order, adjustment=Adjustment(substitutions={str(tomatoes.uuid): str(eggs.uuid)}))

    order.refresh_from_db()
    assert order.total == total and _stock(tomatoes) == stock and _stock(eggs) == 4
    assert [line.variant_id for line in order.lines.all()] == [tomatoes.pk]


def test_quantities_added_and_removed_after_the_close():
    data = _shop()
    tomatoes, eggs = data.variants[0], data.variants[1]
    order = _place(data, [(tomatoes, 2), (data.cheese, 1)])
    _close(data)

    result = order_adjust(
        order=order,
        adjustment=Adjustment(
            quantities={str(tomatoes.uuid): 4, str(data.cheese.uuid): 0, str(eggs.uuid): 1}
        ),
    )

    assert sorted((line.product_name, line.quantity) for line in order.lines.all()) == [
        ("Tomates", 4),
        ("Œufs", 1),
    ]
    assert _stock(tomatoes) == 10 - 4 and _stock(eggs) == 3 and _stock(data.cheese) == 5
    order = _check_totals(order)
    assert order.fees_total == Decimal("1.00")  # 5 items
    assert result.changes == ["Tomates : 2 → 4.", "Retiré : Tomme.", "Ajouté : 1 × Œufs."]


def test_a_product_not_in_the_cycle_an_empty_order_or_a_cancelled_one_is_refused():
    data = _shop()
    order = _place(data, [(data.variants[0], 1)])
    elsewhere = open_shop(shop=EnterpriseFactory(), fee_amount=None).variants[0]
    with pytest.raises(NotOffered):
        order_adjust(order=order, adjustment=Adjustment(quantities={str(elsewhere.uuid): 1}))
    with pytest.raises(OrderNotEditable, match="vide"):
        order_adjust(order=order, adjustment=Adjustment(quantities={str(data.variants[0].uuid): 0}))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(OrderNotEditable, match="annulée"):
        order_adjust(
            order=order, adjustment=Adjustment(weights={}, quantities={str(data.variants[0].uuid): 2})
        )
    assert Line.objects.get(order=order).quantity == 1


def test_a_paid_order_weighed_lighter_shows_what_is_given_back(django_capture_on_commit_callbacks):
    data = _shop()
    order = _place(data, [(data.cheese, 2)])
    payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)
    assert order_payment_state(order) == "paid"

    with django_capture_on_commit_callbacks(execute=True):
        order_adjust(
            order=order,
            adjustment=Adjustment(weights={str(data.cheese.uuid): Decimal("0.450")}),
            user=UserFactory(),
        )

    order.refresh_from_db()
    assert order.total == Decimal("10.80") + Decimal("0.40")
    assert order_payment_state(order) == "overpaid"
    assert "Vous avez réglé 12,40 € : 1,20 € vous seront remboursés." in _plain(mail.outbox[-1].body)


def test_a_handed_over_order_weighed_heavier_has_the_rest_to_pay():
    data = _shop()
    order = _place(data, [(data.cheese, 1)])
    payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.FULFILLED)

    order_adjust(order=order, adjustment=Adjustment(weights={str(data.cheese.uuid): Decimal("0.300")}))

    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert order.total - order_paid(order) == Decimal("1.20")
    assert order_payment_state(order) == "partial"


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20"), places=3), min_size=1, max_size=3
    ),
    price=st.decimals(min_value=Decimal("0.10"), max_value=Decimal("99.99"), places=2),
)
def test_weighed_totals_are_the_sum_of_their_lines(weights, price):
    """For any weights and price per kg: each line is price × weight to the cent, and the order's
    totals are the sums of its lines and fee lines (the same arithmetic the order page shows)."""
    lines = []
    for index, weight in enumerate(weights):
        line = Line(quantity=index + 1, unit_price=Decimal("1.00"), tax_rate=Decimal("5.5"))
        line.weight_price, line.final_weight = price, weight
        lines.append(line)
    totals = order_totals(lines, [])
    assert totals.items_total == sum(round_money(price * w) for w in weights)
    assert totals.total == totals.items_total
    assert totals.vat_total == split_vat(totals.items_total, Decimal("5.5"))[1]  # split once per rate


# --- the seller's page ------------------------------------------------------------------------


def _manager(client, data):
    user = UserFactory()
    RoleFactory(user=user, enterprise=data.shop, role=Role.Level.MANAGER)
    client.force_login(user)
    return user


def test_the_manager_weighs_and_substitutes_from_the_orders_page(client, django_capture_on_commit_callbacks):
    data = _shop()
    tomatoes, eggs = data.variants[0], data.variants[1]
    order = _place(data, [(data.cheese, 2), (tomatoes, 1)])
    _close(data)
    _manager(client, data)
    url = reverse("orders:order_adjust", args=[data.shop.slug, order.uuid])

    page = client.get(url).content.decode()
    assert "Poids pesé (kg)" in page and f'name="w-{data.cheese.uuid}"' in page
    assert f'name="w-{tomatoes.uuid}"' not in page  # sold by the piece
    assert "Œufs" in page  # offered in the cycle: can replace a missing product

    post = {
        f"q-{data.cheese.uuid}": "2",
        f"w-{data.cheese.uuid}": "0,55",
        f"q-{tomatoes.uuid}": "1",
        f"s-{tomatoes.uuid}": str(eggs.uuid),
        "note": "Les tomates ont gelé.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, post)

    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Commande modifiée (2 changements) : le client est prévenu par e-mail." in detail
    assert "Tomates remplacé par Œufs (1)." in detail and "Les tomates ont gelé." in detail
    assert "pesé : 0,55 kg à 24,00\u00a0€ le kg" in detail
    # The weighed line's unit price is its price per kg: 24,00 € × 0,55 kg = its total, 13,20 €.
    assert '<td class="num" data-label="Prix unitaire">24,00\u00a0€ le kg</td>' in detail
    assert "13,20\u00a0€" in detail
    order = _check_totals(order)
    assert order.items_total == Decimal("13.20") + Decimal("2.50")
    assert "Les tomates ont gelé." in mail.outbox[-1].body


def test_a_bad_weight_on_the_page_says_why_and_changes_nothing(client):
    data = _shop()
    order = _place(data, [(data.cheese, 1)])
    _manager(client, data)
    url = reverse("orders:order_adjust", args=[data.shop.slug, order.uuid])

    response = client.post(url, {f"q-{data.cheese.uuid}": "1", f"w-{data.cheese.uuid}": "beaucoup"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Le poids doit être un nombre" in page and 'value="beaucoup"' in page
    order.refresh_from_db()
    assert order.lines.get().final_weight is None and not OrderEvent.objects.filter(kind="adjusted").exists()


def test_a_cancelled_order_has_no_edit_page(client):
    data = _shop()
    order = _place(data, [(data.cheese, 1)])
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    _manager(client, data)
    response = client.get(reverse("orders:order_adjust", args=[data.shop.slug, order.uuid]))
    assert response.status_code == 302
    assert "Modifier la commande" not in client.get(response["Location"]).content.decode()


def test_a_cancelled_order_no_longer_says_its_amount_is_an_estimate(client):
    data = _shop()
    order = _place(data, [(data.cheese, 1)])
    _manager(client, data)
    url = reverse("orders:order", args=[data.shop.slug, order.uuid])
    notice = "Montant estimé : certains produits sont vendus au poids"
    assert notice in client.get(url).content.decode()

    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    assert notice not in client.get(url).content.decode()
