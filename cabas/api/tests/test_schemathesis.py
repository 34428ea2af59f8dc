"""Property-based tests of the whole API from its own OpenAPI document (schemathesis), against the
server pytest-django's live_server runs on the loopback, with an owner's token over realistic data:
no server error, every status, content type and body as documented, valid data accepted, invalid
data refused, undocumented methods refused, a missing token refused.

One test per operation: the examples phase, the coverage phase (the boundaries and each kind of
invalid value of every parameter, other methods, a missing token) and a bounded fuzzing phase, from a
fixed seed, so that a run is repeatable. Path parameters and identifiers in bodies are drawn, most of
the time, from the data the fixture creates (fixed uuids), so that operations answer more than 404.
"""

import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.utils import timezone

from cabas.accounts.models import ApiToken, hash_token
from cabas.amap.models import Shift, ShiftSignup
from cabas.api.urls import api
from cabas.catalogue.models import Product, Variant
from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts.ledger import account_post
from cabas.payments.models import PaymentMethod
from cabas.payments.records.services import payment_record
from cabas.payments.sepa.services import mandate_create
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

TOKEN = "cabas_schemathesis_0123456789abcdef"
IBAN = "FR7630006000011234567890189"
ORDER_NUMBER = "FDS-API-00001"
SLUG = "ferme-des-saules"


def fixed(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


PRODUCT, CUSTOMER, BUYER_CUSTOMER, CYCLE, TOMATOES, EGGS, PICKUP, DELIVERY, CHEQUE, TRANSFER = (
    fixed(n) for n in range(1, 11)
)


@pytest.fixture
def world(live_server):
    """A producer shop with an open cycle (tomatoes and eggs, pickup or delivery, cheque or
    transfer) run by an owner who also buys there: a placed order with a payment, the owner's
    customer account with an entry, another customer with a SEPA mandate, a shift the owner
    signed up for; the owner's token."""
    data = open_shop()
    assert data.shop.slug == SLUG
    owner = RoleFactory(enterprise=data.shop, role="owner", user__email="gerante@exemple.fr").user
    ApiToken.objects.create(user=owner, name="schemathesis", prefix=TOKEN[:12], key_hash=hash_token(TOKEN))
    for model, pk, uuid in [
        (OrderCycle, data.cycle.pk, CYCLE),
        (Variant, data.variants[0].pk, TOMATOES),
        (Variant, data.variants[1].pk, EGGS),
        (Product, data.variants[0].product_id, PRODUCT),
        (ShippingMethod, data.pickup.pk, PICKUP),
        (ShippingMethod, data.delivery.pk, DELIVERY),
        (PaymentMethod, data.cheque.pk, CHEQUE),
        (PaymentMethod, data.transfer.pk, TRANSFER),
    ]:
        model.objects.filter(pk=pk).update(uuid=uuid)
    order = placed_order(data, user=owner, email=owner.email)
    Order.objects.filter(pk=order.pk).update(number=ORDER_NUMBER)
    payment_record(seller=data.shop, order=order, kind="cheque", method=data.cheque, amount=Decimal("2.00"))
    buyer = Customer.objects.get(enterprise=data.shop, email=owner.email)
    Customer.objects.filter(pk=buyer.pk).update(uuid=BUYER_CUSTOMER)
    account_post(customer=buyer, kind="top_up", amount=Decimal("20.00"), note="avance")
    other = Customer.objects.create(
        enterprise=data.shop, email="karim@exemple.fr", first_name="Karim", uuid=CUSTOMER
    )
    mandate_create(
        seller=data.shop,
        customer=other,
        debtor_name="Karim Haddad",
        iban=IBAN,
        signed_on=datetime.date(2026, 1, 5),
    )
    shift = Shift.objects.create(
        enterprise=data.shop,
        role="Accueil",
        date=timezone.localdate() + datetime.timedelta(days=3),
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(12, 0),
    )
    ShiftSignup.objects.create(shift=shift, user=owner)


def drawn(values: list[str], probability: float = 0.8) -> tuple[dict, float]:
    return {"values": values}, probability


DRAWN = {
    "path.slug": drawn([SLUG]),
    "path.seller": drawn([SLUG]),
    "path.number": drawn([ORDER_NUMBER]),
    "path.cycle": drawn([CYCLE]),
    "query.producer": drawn([SLUG], 0.5),
    "query.category": drawn(["legumes", "tomates"], 0.5),
    "body.cycle": drawn([CYCLE], 0.5),
    "body.lines[*].variant": drawn([TOMATOES, EGGS]),
    "body.shipping_method": drawn([PICKUP, DELIVERY]),
    "body.payment_method": drawn([CHEQUE, TRANSFER]),
    "body.customer": drawn([CUSTOMER, BUYER_CUSTOMER]),
    "body.category": drawn(["legumes", "tomates", "fromages-affines"]),
    "body.labels[*]": drawn(["ab", "hve"]),
    "body.variants[*].tax_rate": drawn(["5.5", "20"], 0.5),
    "body.iban": drawn([IBAN, "FR76 3000 6000 0112 3456 7890 189"]),
    "body.bic": drawn(["AGRIFRPP", ""]),
    "body.signed_on": drawn(["2026-01-05"]),
}
# {uuid} names a product in /products/{uuid}, a customer in /customers/{uuid}/account.
UUIDS = {
    "/api/v1/products/{uuid}": [PRODUCT],
    "/api/v1/enterprises/{slug}/customers/{uuid}/account": [BUYER_CUSTOMER],
}


def dictionary(key: str) -> str:
    return key.replace(".", "_").replace("/", "_")


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261207,
        "generation": {"max-examples": 20, "deterministic": True, "database": "none"},
        # Every built-in check (no server error; statuses, content types, bodies and headers as
        # documented; valid data accepted, invalid data refused; other methods answer 405; a
        # missing token 401...).
        "checks": {"enabled": True},
        "auth": {"openapi": {"TokenAuth": {"bearer": TOKEN}}},
        "dictionaries": {
            **{dictionary(key): values for key, (values, _) in DRAWN.items()},
            **{dictionary(path): {"values": values} for path, values in UUIDS.items()},
        },
        "parameters": {
            key: {"dictionary": dictionary(key), "probability": p} for key, (_, p) in DRAWN.items()
        },
        "operations": [
            *(
                {
                    "include-path": path,
                    "parameters": {"path.uuid": {"dictionary": dictionary(path), "probability": 0.8}},
                }
                for path in UUIDS
            ),
            {
                # What the document cannot say: which variant, method, category, label, rate or
                # customer exists, that a date is not in the future, that an IBAN's check digits
                # match, that the stock suffices... A write refused for such a reason answers 422
                # with the field and writes nothing, so data valid for the document may get 422.
                "include-method": ["POST", "PATCH"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                    }
                },
            },
        ],
    }
)

# The document as the server publishes it (built in-process: no server is needed to collect).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=CONFIG)


@pytest.mark.usefixtures("world")
@schema.parametrize()
def test_the_api_keeps_its_openapi_document(case, live_server):
    case.call_and_validate(base_url=live_server.url)
