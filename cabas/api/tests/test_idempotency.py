"""An Idempotency-Key repeats the answer to the same request, and refuses another request: placing
an order and recording a payment keep a fingerprint of the body with the key."""

import json

import pytest
from django.db import IntegrityError

from cabas.accounts.models import ApiToken
from cabas.api import idempotency
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import Payment
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory, UserFactory

ORDER_REUSED = {
    "field": "Idempotency-Key",
    "message": "Cette clé a déjà servi pour une autre commande.",
    "type": "invalid",
}


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def shop(db):
    data = open_shop()
    data.buyer = UserFactory(email="karim@exemple.fr", full_name="Karim Haddad")
    return data


def place(client, shop, key, user=None, **changes):
    body = {
        "lines": [{"variant": str(shop.variants[0].uuid), "quantity": 2}],
        "shipping_method": str(shop.pickup.uuid),
        "payment_method": str(shop.cheque.uuid),
        **changes,
    }
    return client.post(
        f"/api/v1/shops/{shop.shop.slug}/orders",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **bearer(user or shop.buyer),
    )


def placed():
    return Order.objects.exclude(status=Order.Status.CART)


@pytest.mark.parametrize(
    "changes",
    [
        {"lines": [{"variant": "VARIANT", "quantity": 3}]},
        {"payment_method": "TRANSFER"},
        {"note": "sans sac, merci"},
    ],
)
def test_it_refuses_an_order_key_reused_with_another_body(client, shop, changes):
    changes = json.loads(
        json.dumps(changes)
        .replace("VARIANT", str(shop.variants[0].uuid))
        .replace("TRANSFER", str(shop.transfer.uuid))
    )
    first = place(client, shop, "commande-1")

    other = place(client, shop, "commande-1", **changes)

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["errors"] == [ORDER_REUSED]
    assert placed().count() == 1
    assert not Order.objects.filter(status=Order.Status.CART).exists()


def test_it_answers_the_same_order_to_the_same_body_however_written(client, shop):
    first = place(client, shop, "commande-2")
    # The same request, with the defaults written out and the key's spaces around it.
    again = place(client, shop, " commande-2 ", note="", address="")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["number"] == again.json()["number"]
    assert placed().count() == 1


def test_it_refuses_an_order_key_of_someone_else_even_with_the_same_body(client, shop):
    place(client, shop, "commande-3")

    other = place(client, shop, "commande-3", user=UserFactory(email="autre@exemple.fr"))

    assert other.status_code == 422
    assert other.json()["errors"] == [ORDER_REUSED]


def test_it_frees_the_key_of_an_order_that_was_not_placed(client, shop):
    refused = place(
        client, shop, "commande-4", lines=[{"variant": str(shop.variants[0].uuid), "quantity": 99}]
    )

    corrected = place(client, shop, "commande-4")

    assert refused.status_code == 409
    assert corrected.status_code == 201
    assert placed().count() == 1


def test_it_refuses_a_payment_key_reused_with_another_note_or_date(client, shop):
    order = placed_order(shop, user=shop.buyer)
    manager = RoleFactory(enterprise=shop.shop, role="manager", user__email="gerante@exemple.fr").user
    url = f"/api/v1/orders/{order.number}/payments"

    def record(**body):
        return client.post(
            url,
            json.dumps({"kind": "cash", "amount": "4.00", **body}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="paiement-1",
            **bearer(manager),
        )

    first = record(note="au retrait")
    same = record(note="au retrait")
    other_note = record(note="autre chose")
    other_date = record(note="au retrait", date="2026-01-02")

    assert (first.status_code, same.status_code) == (201, 201)
    assert first.json()["uuid"] == same.json()["uuid"]
    for response in (other_note, other_date):
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == "Cette clé a déjà servi pour un autre paiement."
    assert Payment.objects.count() == 1


def test_it_claims_a_key_once_per_request_fingerprint(db):
    seller = open_shop().shop
    print_a = idempotency.fingerprint({"a": 1}, order="x")

    idempotency.claim(seller=seller, kind="order", key="k", fingerprint=print_a)
    idempotency.claim(seller=seller, kind="order", key="k", fingerprint=print_a)  # the same request again
    with pytest.raises(idempotency.KeyReused):
        idempotency.claim(seller=seller, kind="order", key="k", fingerprint=idempotency.fingerprint({"a": 2}))
    idempotency.claim(seller=seller, kind="payment", key="k", fingerprint=print_a)  # another kind


def test_it_does_not_hide_other_integrity_errors(db, monkeypatch):
    seller = open_shop().shop

    def broken(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(idempotency.IdempotencyKey.objects, "create", broken)
    with pytest.raises(IntegrityError):
        idempotency.claim(seller=seller, kind="order", key="k", fingerprint="f")
