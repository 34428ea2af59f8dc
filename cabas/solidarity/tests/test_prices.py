"""Solidarity prices: a customer tag gives a reduced price on chosen products, shown openly on the
order as a negative fee line of type "solidarity" naming who funds it."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.cycles.pricing import order_totals
from cabas.lib.money import HUNDRED, round_money
from cabas.orders.changes import order_edit
from cabas.orders.models import Customer, FeeLine, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.solidarity import services_prices
from cabas.solidarity.exceptions import SolidarityError
from cabas.solidarity.models import SolidarityPrice
from cabas.solidarity.tests.helpers import cart_of, place
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME = "Prix solidaire (financé par la caisse de solidarité)"


def _tagged_shop(percent="30", tags=("solidaire",)):
    """The open shop; 30 % off tomatoes (3,20 €) for its customers tagged "solidaire"; Léa, such a
    customer with an account."""
    data = open_shop()
    services_prices.solidarity_price_save(
        enterprise=data.shop,
        customer_tag="Solidaire",
        products=[data.variants[0].product],
        percent_off=Decimal(percent),
        funded_by="la caisse de solidarité",
    )
    lea = UserFactory(email="lea@exemple.fr")
    Customer.objects.create(enterprise=data.shop, email="lea@exemple.fr", user=lea, tags=list(tags))
    return data, lea


def test_a_tagged_customer_gets_the_reduction_as_an_open_negative_fee_line():
    data, lea = _tagged_shop()
    order = place(data, lea, data.cheque, email="lea@exemple.fr")
    line = FeeLine.objects.get(order=order, fee_type="solidarity")
    # 2 tomatoes: 3,20 € − 30 % = 0,96 € off each
    assert (line.name, line.amount, line.enterprise) == (NAME, Decimal("-1.92"), data.shop)
    assert order.items_total == Decimal("8.90")  # the lines keep the producer price
    assert order.total == Decimal("7.58")  # 9,50 − 1,92
    lines = sum((x.total for x in order.lines.all()), Decimal(0))
    fees = sum((f.amount for f in order.fee_lines.all()), Decimal(0))
    assert order.total == lines + fees


def test_a_guest_or_another_account_typing_a_tagged_email_pays_the_full_price():
    data, _lea = _tagged_shop()
    guest_order = place(data, None, data.cheque, email="lea@exemple.fr", key="k1")
    assert guest_order.total == Decimal("9.50")
    intruder = UserFactory(email="intrus@exemple.fr")
    other = place(data, intruder, data.cheque, email="lea@exemple.fr", key="k2")
    assert other.total == Decimal("9.50")
    assert not FeeLine.objects.filter(fee_type="solidarity").exists()


def test_customers_without_the_tag_and_inactive_rules_give_no_reduction():
    data, lea = _tagged_shop(tags=("pro",))
    assert place(data, lea, data.cheque, email="lea@exemple.fr").total == Decimal("9.50")
    customer = Customer.objects.get(email="lea@exemple.fr")
    customer.tags = ["solidaire"]
    customer.save()
    SolidarityPrice.objects.update(active=False)
    assert place(data, lea, data.cheque, email="lea@exemple.fr", key="k2").total == Decimal("9.50")


def test_the_largest_reduction_applies_once_when_two_tags_name_a_product():
    data, lea = _tagged_shop(tags=("solidaire", "etudiant"))
    services_prices.solidarity_price_save(
        enterprise=data.shop,
        customer_tag="etudiant",
        products=[data.variants[0].product, data.variants[1].product],
        percent_off=Decimal("10"),
        funded_by="la cotisation solidaire",
    )
    order = place(data, lea, data.cheque, email="lea@exemple.fr")
    lines = {f.name: f.amount for f in order.fee_lines.filter(fee_type="solidarity")}
    assert lines == {
        NAME: Decimal("-1.92"),  # tomatoes: 30 % beats 10 %
        "Prix solidaire (financé par la cotisation solidaire)": Decimal("-0.25"),  # eggs: 10 % of 2,50
    }
    assert order.total == Decimal("9.50") - Decimal("1.92") - Decimal("0.25")


def test_the_cart_and_checkout_show_the_reduction_and_the_placed_total_matches(client):
    data, lea = _tagged_shop()
    client.force_login(lea)
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "2"},
    )
    cart = client.get(reverse("shop:cart", args=[data.shop.slug])).content.decode()
    assert NAME in cart and "-1,92\u00a0€" in cart
    checkout = client.get(reverse("shop:checkout", args=[data.shop.slug])).content.decode()
    assert NAME in checkout and "-1,92\u00a0€" in checkout
    client.post(
        reverse("shop:checkout", args=[data.shop.slug]),
        {
            "cycle": data.cycle.uuid,
            "email": "lea@exemple.fr",
            "full_name": "Léa Martin",
            "shipping_method": data.pickup.uuid,
            "payment_method": data.cheque.uuid,
            "idempotency_key": "cle-1",
            "confirm": "1",
        },
    )
    order = Order.objects.get(status="placed")
    assert order.total == Decimal("4.88")
    page = client.get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert NAME in page and "4,88\u00a0€" in page


def test_editing_an_order_recomputes_the_reduction():
    data, lea = _tagged_shop()
    data.shop.orders_editable = True
    data.shop.save()
    order = place(data, lea, data.cheque, email="lea@exemple.fr")
    order = order_edit(order=order, quantities={str(data.variants[0].uuid): 3}, user=lea)
    line = order.fee_lines.get(fee_type="solidarity")
    assert line.amount == Decimal("-2.88")  # 3 × 0,96
    assert order.total == Decimal("3") * Decimal("3.40") + Decimal("2.70") - Decimal("2.88")


def test_a_tagged_cart_costs_one_query_more_and_an_untagged_one_none(django_assert_num_queries):
    data, lea = _tagged_shop()
    cart = cart_of(data, lea)
    lines = list(cart.lines.select_related("variant__product"))
    customer = Customer.objects.get(email="lea@exemple.fr")
    with django_assert_num_queries(1):
        fee_lines = services_prices.solidarity_fee_lines(
            seller=data.shop, customer=customer, user=lea, lines=lines
        )
    assert [f.amount for f in fee_lines] == [Decimal("-1.92")]
    customer.tags = []
    with django_assert_num_queries(0):
        assert (
            services_prices.solidarity_fee_lines(seller=data.shop, customer=customer, user=lea, lines=lines)
            == []
        )


# --- the property: totals stay exact ------------------------------------------------------------


@dataclass
class FakeLine:
    variant: object
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
rates = st.sampled_from([Decimal("0"), Decimal("5.5"), Decimal("10"), Decimal("20")])
funders = st.sampled_from(["la caisse de solidarité", "la cotisation solidaire"])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(prices, st.integers(1, 50), rates), min_size=1, max_size=8),
    rules=st.dictionaries(st.integers(0, 7), st.tuples(percents, funders), max_size=8),
    fees=st.lists(st.tuples(prices, rates), max_size=3),
)
def test_property_total_is_lines_plus_fee_lines_and_the_reduction_is_exact_to_the_cent(lines, rules, fees):
    fake = [
        FakeLine(SimpleNamespace(product_id=i), quantity, price, rate)
        for i, (price, quantity, rate) in enumerate(lines)
    ]
    other_fees = [SimpleNamespace(amount=amount, tax_rate=rate) for amount, rate in fees]
    reductions = services_prices.reduction_fee_lines(fake, rules, seller=None)
    fee_lines = [*other_fees, *reductions]
    totals = order_totals(fake, fee_lines)

    line_sum = sum((round_money(x.unit_price * x.quantity) for x in fake), Decimal(0))
    assert totals.items_total == line_sum
    assert totals.total == line_sum + sum((f.amount for f in fee_lines), Decimal(0))
    expected = sum(
        (
            round_money(x.unit_price * rules[i][0] / HUNDRED) * x.quantity
            for i, x in enumerate(fake)
            if i in rules
        ),
        Decimal(0),
    )
    assert -sum((r.amount for r in reductions), Decimal(0)) == expected
    assert all(
        r.amount < 0 and r.fee_type == "solidarity" and r.amount == round_money(r.amount) for r in reductions
    )
    assert totals.total >= sum((f.amount for f in other_fees), Decimal(0))  # never below the fees
    assert totals.vat_total == sum(totals.vat_by_rate.values(), Decimal(0))


# --- managing the rules ------------------------------------------------------------------------


def _prices_url(enterprise, name="solidarity:prices", *args):
    return reverse(name, args=[enterprise.slug, *args])


def test_a_manager_creates_edits_and_deletes_a_solidarity_price(client_for):
    data = open_shop()
    manager = RoleFactory(enterprise=data.shop, role="manager").user
    client = client_for(manager)
    tomatoes = data.variants[0].product
    form = client.get(_prices_url(data.shop, "solidarity:price_new")).content.decode()
    assert "Tomates" in form and "la caisse de solidarité" in form
    response = client.post(
        _prices_url(data.shop, "solidarity:price_new"),
        {
            "customer_tag": "Solidaire",
            "products": [str(tomatoes.uuid)],
            "percent_off": "33,5",
            "funded_by": "la caisse de solidarité",
            "active": "on",
        },
    )
    assert response.status_code == 302
    price = SolidarityPrice.objects.get()
    assert (price.customer_tag, price.percent_off, list(price.products.all())) == (
        "solidaire",
        Decimal("33.50"),
        [tomatoes],
    )
    listing = client.get(_prices_url(data.shop)).content.decode()
    assert "Le prix solidaire est enregistré." in listing and "−33,50 %" in listing and "Tomates" in listing
    client.post(
        _prices_url(data.shop, "solidarity:price_edit", price.uuid),
        {
            "customer_tag": "solidaire",
            "products": [str(tomatoes.uuid)],
            "percent_off": "50",
            "funded_by": "x",
        },
    )
    price.refresh_from_db()
    assert (price.percent_off, price.funded_by, price.active) == (Decimal("50.00"), "x", False)
    client.post(_prices_url(data.shop, "solidarity:price_delete", price.uuid))
    assert not SolidarityPrice.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"percent_off": "0"}, "Indiquez une réduction entre 0,01 et 100 %"),
        ({"percent_off": "120"}, "Indiquez une réduction entre 0,01 et 100 %"),
        ({"percent_off": "trente"}, "Indiquez une réduction entre 0,01 et 100 %"),
        ({"customer_tag": "!!"}, "Indiquez une étiquette faite de lettres ou de chiffres"),
        ({"products": []}, "Ce champ est obligatoire."),
        ({"products": ["00000000-0000-0000-0000-000000000000"]}, "Sélectionnez un choix valide"),
        ({"funded_by": ""}, "Ce champ est obligatoire."),
    ],
)
def test_a_bad_solidarity_price_shows_a_french_message_and_saves_nothing(client_for, values, message):
    data = open_shop()
    manager = RoleFactory(enterprise=data.shop, role="manager").user
    form = {
        "customer_tag": "solidaire",
        "products": [str(data.variants[0].product.uuid)],
        "percent_off": "30",
        "funded_by": "la caisse",
        **values,
    }
    response = client_for(manager).post(_prices_url(data.shop, "solidarity:price_new"), form)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SolidarityPrice.objects.exists()


def test_another_sellers_rule_or_products_are_out_of_reach(client_for):
    data = open_shop()
    price = services_prices.solidarity_price_save(
        enterprise=data.shop,
        customer_tag="solidaire",
        products=[data.variants[0].product],
        percent_off=Decimal("30"),
        funded_by="la caisse",
    )
    role = RoleFactory(role="manager")  # the manager of another enterprise
    client = client_for(role.user)
    slug = role.enterprise.slug
    response = client.get(reverse("solidarity:price_edit", args=[slug, price.uuid]))
    assert response.status_code == 404
    # a product of another producer cannot be chosen
    response = client.post(
        reverse("solidarity:price_new", args=[slug]),
        {
            "customer_tag": "x",
            "products": [str(data.variants[0].product.uuid)],
            "percent_off": "5",
            "funded_by": "y",
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert SolidarityPrice.objects.count() == 1


def test_the_service_refuses_bad_rules_without_saving(enterprise):
    with pytest.raises(SolidarityError):
        services_prices.solidarity_price_save(
            enterprise=enterprise, customer_tag="x", products=[], percent_off=Decimal("10"), funded_by="y"
        )
    assert not SolidarityPrice.objects.exists()
