"""What every input of the API accepts: text without control characters, whole numbers and decimals
written with ASCII digits, decimals as strings, booleans and dates as JSON says them."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from cabas.accounts.models import ApiToken
from cabas.api import schemas
from cabas.catalogue.models import Product
from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import Mandate, Payment
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

IBAN = "FR7630006000011234567890189"


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def shop(db):
    data = open_shop()
    data.owner = RoleFactory(enterprise=data.shop, role="owner", user__email="gerant@exemple.fr").user
    data.headers = bearer(data.owner)
    return data


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def new_product(**fields):
    variant = {"unit": "g", "quantity": "500", "price": "3.20", "on_hand": 5, **fields.pop("variant", {})}
    return {"name": "Carottes", "category": "legumes", "variants": [variant], **fields}


def assert_refused(response, field, message=None):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == f"Paramètres invalides : {field}."
    [error] = [e for e in body["errors"] if e["field"] == field]
    if message is not None:
        assert error["message"] == message


CONTROL = "Les caractères de contrôle (retour à la ligne, tabulation, U+0000…) ne sont pas acceptés ici."
CONTROL_MULTILINE = (
    "Les caractères de contrôle (U+0000…) ne sont pas acceptés ; retours à la ligne et tabulations le sont."
)


# --- Text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["\u0000x", "x\u0007", "Ca\rrottes", "x\u009f", "x\n"])
def test_it_refuses_control_characters_in_a_name(client, shop, name):
    response = post(
        client, f"/api/v1/enterprises/{shop.shop.slug}/products", new_product(name=name), shop.headers
    )

    assert_refused(response, "name", CONTROL)
    assert not Product.objects.filter(name__contains="x").exists()


def test_it_refuses_a_lone_surrogate(client, shop):
    body = '{"name": "\\ud800", "category": "legumes", "variants": [{"quantity": "1", "price": "1.00"}]}'
    response = client.post(
        f"/api/v1/enterprises/{shop.shop.slug}/products",
        body,
        content_type="application/json",
        **shop.headers,
    )

    assert_refused(response, "name")


def test_it_keeps_line_breaks_in_multi_line_text_but_not_nul(client, shop):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(description="Ligne 1\nLigne 2\tfin"), shop.headers)
    assert response.status_code == 201
    assert response.json()["description"] == "Ligne 1\nLigne 2\tfin"

    response = post(client, url, new_product(description="a\u0000b"), shop.headers)
    assert_refused(response, "description", CONTROL_MULTILINE)


@pytest.mark.parametrize(
    "field",
    ["sku", "unit_name", "name"],
)
def test_it_refuses_control_characters_in_variant_text(client, shop, field):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(variant={field: "a\u0000"}), shop.headers)

    assert_refused(response, f"variants.0.{field}", CONTROL)


def test_it_refuses_a_blank_name(client, shop):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(name=" \u00a0 "), shop.headers)

    assert_refused(response, "name", "Ce champ ne peut pas être vide.")


def test_it_refuses_control_characters_in_query_and_path_parameters(client, shop):
    response = client.get("/api/v1/enterprises", {"q": "a\u0000"})
    assert_refused(response, "q", CONTROL)

    response = client.get(f"/api/v1/enterprises/{shop.shop.slug}/products", {"category": "\u0000"})
    assert_refused(response, "category", CONTROL)

    response = client.get("/api/v1/enterprises/a%00b")
    assert_refused(response, "slug", CONTROL)

    response = client.get("/api/v1/orders/a%00b", **shop.headers)
    assert_refused(response, "number", CONTROL)


def test_it_refuses_control_characters_in_an_order_and_its_key(client, shop):
    buyer_headers = shop.headers
    body = {
        "lines": [{"variant": str(shop.variants[0].uuid), "quantity": 1}],
        "shipping_method": str(shop.pickup.uuid),
        "payment_method": str(shop.cheque.uuid),
        "note": "à la grange\u0000",
    }
    url = f"/api/v1/shops/{shop.shop.slug}/orders"

    assert_refused(post(client, url, body, buyer_headers), "note")
    body["note"] = "à la grange"
    body["full_name"] = "Claire\nMartin"
    assert_refused(post(client, url, body, buyer_headers), "full_name", CONTROL)
    del body["full_name"]
    response = post(client, url, body, {**buyer_headers, "HTTP_IDEMPOTENCY_KEY": "cle\u0001"})
    assert_refused(response, "Idempotency-Key")
    assert not Order.objects.exclude(status=Order.Status.CART).exists()


def test_it_refuses_control_characters_in_a_mandate(client, shop):
    customer = Customer.objects.create(enterprise=shop.shop, email="claire@exemple.fr", first_name="Claire")
    body = {
        "customer": str(customer.uuid),
        "debtor_name": "Claire\u0000",
        "iban": IBAN,
        "signed_on": "2026-01-15",
    }

    response = post(client, f"/api/v1/enterprises/{shop.shop.slug}/mandates", body, shop.headers)

    assert_refused(response, "debtor_name", CONTROL)
    assert not Mandate.objects.exists()


# --- Whole numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["١٢", "1_000", "12", " 12", True, 1.5, "0x10"])
def test_it_accepts_only_json_integers_for_a_stock(client, shop, value):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(variant={"on_hand": value}), shop.headers)

    assert_refused(response, "variants.0.on_hand", "Un nombre entier est attendu.")


@pytest.mark.parametrize("value", ["١", "1_0", "2", True])
def test_it_accepts_only_json_integers_for_an_order_quantity(client, shop, value):
    body = {
        "lines": [{"variant": str(shop.variants[0].uuid), "quantity": value}],
        "shipping_method": str(shop.pickup.uuid),
        "payment_method": str(shop.cheque.uuid),
    }

    response = post(client, f"/api/v1/shops/{shop.shop.slug}/orders", body, shop.headers)

    assert_refused(response, "lines.0.quantity", "Un nombre entier est attendu.")


# --- Decimals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "price", ["١٢", "1_000", "1e3", " 3.20", "3,20", "+3", "NaN", "Infinity", "-0", "3.", "03.20"]
)
def test_it_accepts_only_ascii_decimal_strings_for_a_price(client, shop, price):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(variant={"price": price}), shop.headers)

    assert_refused(response, "variants.0.price")


@pytest.mark.parametrize("price", [3, 3.2])
def test_it_refuses_a_json_number_for_a_price(client, shop, price):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(variant={"price": price}), shop.headers)

    assert_refused(
        response,
        "variants.0.price",
        "Envoyez les montants et quantités en texte (ex. « 3.20 ») : un nombre à virgule flottante "
        "n'est pas exact au centime.",
    )


@pytest.mark.parametrize("amount", ["١٢", "1_000", "0", "0.00", "-5", "4.555"])
def test_it_refuses_a_payment_amount_that_is_not_a_positive_ascii_decimal(client, shop, amount):
    order = placed_order(shop)

    response = post(
        client, f"/api/v1/orders/{order.number}/payments", {"kind": "cash", "amount": amount}, shop.headers
    )

    assert_refused(response, "amount")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("value", [1, "1", "true ", "yes"])
def test_it_accepts_only_json_booleans_in_a_body(client, shop, value):
    url = f"/api/v1/enterprises/{shop.shop.slug}/products"

    response = post(client, url, new_product(variant={"on_demand": value}), shop.headers)

    assert_refused(response, "variants.0.on_demand")


@pytest.mark.parametrize("value", [1700000000, "2026-01-15T00:00:00", "15/01/2026", "２０２６-01-15"])
def test_it_accepts_only_iso_dates_in_a_body(client, shop, value):
    customer = Customer.objects.create(enterprise=shop.shop, email="claire@exemple.fr", first_name="Claire")
    body = {"customer": str(customer.uuid), "debtor_name": "Claire", "iban": IBAN, "signed_on": value}

    response = post(client, f"/api/v1/enterprises/{shop.shop.slug}/mandates", body, shop.headers)

    assert_refused(response, "signed_on")


@pytest.mark.parametrize("value", ["1", "yes", "True"])
def test_it_accepts_only_true_or_false_in_a_query(client, shop, value):
    response = client.get(
        f"/api/v1/enterprises/{shop.shop.slug}/products", {"archived": value}, **shop.headers
    )

    assert_refused(response, "archived")


@pytest.mark.parametrize("km", ["١٢", "1_0", " 5", "nan", "inf"])
def test_it_accepts_only_ascii_numbers_for_a_radius(client, db, km):
    response = client.get("/api/v1/enterprises", {"near": "45.76,4.83", "km": km})

    assert_refused(response, "km")


# --- The types agree with the patterns the OpenAPI document gives -------------------------------


DECIMALS = {
    "Money": schemas.Money,
    "PositiveMoney": schemas.PositiveMoney,
    "Quantity": schemas.Quantity,
    "Rate": schemas.Rate,
}


@pytest.mark.parametrize("name", sorted(DECIMALS))
@given(
    value=st.from_regex(r"\A-?[0-9]{0,13}(\.[0-9]{0,4})?\Z") | st.text(alphabet="0123456789.-+e ", max_size=8)
)
def test_it_accepts_exactly_the_decimals_its_pattern_describes(name, value):
    adapter = TypeAdapter(DECIMALS[name])
    pattern = adapter.json_schema()["pattern"]
    import re

    try:
        adapter.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False

    assert accepted == bool(re.fullmatch(pattern.strip("^$"), value)), (value, pattern)


@pytest.mark.parametrize("multiline", [False, True])
@given(value=st.text(max_size=6))
def test_it_accepts_exactly_the_text_its_pattern_describes(multiline, value):
    adapter = TypeAdapter(schemas.text(10, multiline=multiline, blank=False))
    pattern = adapter.json_schema()["pattern"]
    import re

    try:
        adapter.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    is_surrogate = any("\ud800" <= c <= "\udfff" for c in value)

    assert accepted == (bool(re.fullmatch(pattern.strip("^$"), value)) and not is_surrogate), (value, pattern)
