"""Shops API: open cycles, products with their price breakdown, placing an order, reading it."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cabas.accounts.models import ApiToken
from cabas.catalogue.models import TaxRate, Variant
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Relationship
from cabas.orders.models import Customer, Order, VisibilityRule
from cabas.payments.models import PaymentMethod
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    UserFactory,
    VariantFactory,
)


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class World:
    """A hub selling two producers' products in one open cycle, with a packing fee of 10 %."""

    def __init__(self):
        now = timezone.now()
        self.hub = HubFactory(name="Épicerie du Plateau", slug="epicerie-du-plateau", vat_regime="standard")
        self.producer = EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")
        RelationshipFactory(
            grantor=self.producer, grantee=self.hub, status=Relationship.Status.ACCEPTED, add_to_cycles=True
        )
        self.tomatoes = VariantFactory(
            product=ProductFactory(producer=self.producer, name="Tomates"), price=Decimal("3.00"), on_hand=10
        )
        self.bread = VariantFactory(
            product=ProductFactory(producer=self.producer, name="Pain"), price=Decimal("4.00"), on_demand=True
        )
        self.wine = VariantFactory(
            product=ProductFactory(producer=self.producer, name="Vin"), price=Decimal("9.00"), on_hand=5
        )
        self.cycle = OrderCycle.objects.create(
            coordinator=self.hub,
            name="Semaine 12",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=3),
        )
        self.fee = Fee.objects.create(
            enterprise=self.hub,
            name="Préparation",
            fee_type="packing",
            calculator="percent",
            amount=Decimal("10"),
            tax_rate=TaxRate.objects.get(rate=Decimal("20")),
        )
        self.cycle.coordinator_fees.add(self.fee)
        CycleSupplier.objects.create(cycle=self.cycle, supplier=self.producer)
        for variant in (self.tomatoes, self.bread, self.wine):
            CycleVariant.objects.create(cycle=self.cycle, variant=variant)
        self.pickup = ShippingMethod.objects.create(enterprise=self.hub, name="Retrait au magasin")
        self.delivery = ShippingMethod.objects.create(
            enterprise=self.hub, name="Livraison", kind="delivery", postcodes="69004", fee=Decimal("5.00")
        )
        self.cheque = PaymentMethod.objects.create(
            enterprise=self.hub, kind="cheque", name="Chèque", instructions="À l'ordre de l'Épicerie"
        )
        self.distribution = CycleDistributor.objects.create(
            cycle=self.cycle, distributor=self.hub, pickup_at=now + timedelta(days=4)
        )
        self.distribution.shipping_methods.set([self.pickup, self.delivery])
        self.distribution.payment_methods.set([self.cheque])
        self.buyer = UserFactory(email="karim@exemple.fr", full_name="Karim Haddad")


@pytest.fixture
def world(db):
    return World()


def cycles_url(world):
    return f"/api/v1/shops/{world.hub.slug}/cycles"


def products_url(world, query=""):
    return f"/api/v1/shops/{world.hub.slug}/cycles/{world.cycle.uuid}/products{query}"


def place(client, world, user=None, key="cle-1", **body):
    data = {
        "lines": [
            {"variant": str(world.tomatoes.uuid), "quantity": 2},
            {"variant": str(world.bread.uuid), "quantity": 1},
        ],
        "shipping_method": str(world.pickup.uuid),
        "payment_method": str(world.cheque.uuid),
        **body,
    }
    headers = bearer(user or world.buyer)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        f"/api/v1/shops/{world.hub.slug}/orders", json.dumps(data), content_type="application/json", **headers
    )


# --- cycles -----------------------------------------------------------------------------------


def test_it_lists_the_open_cycles_of_a_shop_with_their_methods(client, world):
    OrderCycle.objects.create(
        coordinator=world.hub,
        name="Passé",
        opens_at=timezone.now() - timedelta(days=9),
        closes_at=timezone.now() - timedelta(days=2),
    )

    response = client.get(cycles_url(world))

    assert response.status_code == 200
    [cycle] = response.json()
    assert cycle["name"] == "Semaine 12"
    assert cycle["coordinator"] == {"slug": "epicerie-du-plateau", "name": "Épicerie du Plateau"}
    assert [m["name"] for m in cycle["shipping_methods"]] == ["Livraison", "Retrait au magasin"]
    assert cycle["shipping_methods"][0]["postcodes"] == ["69004"]
    assert cycle["shipping_methods"][0]["fee"] == "5.00"
    assert cycle["payment_methods"][0]["instructions"] == "À l'ordre de l'Épicerie"
    assert cycle["products_url"].endswith(products_url(world))


def test_it_hides_a_private_shop_from_strangers_but_not_from_its_customers(client, world):
    world.hub.shop_private = True
    world.hub.save()
    stranger = UserFactory()
    Customer.objects.create(enterprise=world.hub, email=world.buyer.email)

    assert client.get(cycles_url(world)).status_code == 401
    assert client.get(cycles_url(world), **bearer(stranger)).status_code == 403
    assert client.get(cycles_url(world), **bearer(world.buyer)).status_code == 200


def test_it_answers_404_for_an_enterprise_that_sells_nothing(client, db):
    producer = EnterpriseFactory(sells="none")

    response = client.get(f"/api/v1/shops/{producer.slug}/cycles")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_it_applies_the_visibility_rules_to_cycles_and_methods(client, world):
    rule = VisibilityRule.objects.create(
        enterprise=world.hub, customer_tag="pro", subject="shipping_methods", action="show"
    )
    rule.shipping_methods.set([world.delivery])
    Customer.objects.create(enterprise=world.hub, email=world.buyer.email, tags=["pro"])

    guest = client.get(cycles_url(world)).json()[0]
    pro = client.get(cycles_url(world), **bearer(world.buyer)).json()[0]

    assert [m["name"] for m in guest["shipping_methods"]] == ["Retrait au magasin"]
    assert [m["name"] for m in pro["shipping_methods"]] == ["Livraison", "Retrait au magasin"]


# --- products ---------------------------------------------------------------------------------


def test_it_lists_the_products_of_a_cycle_with_their_price_breakdown(client, world):
    response = client.get(products_url(world))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["name"] for item in body["items"]] == ["Pain", "Tomates", "Vin"]
    tomatoes = body["items"][1]
    assert tomatoes["variant"] == str(world.tomatoes.uuid)
    assert tomatoes["producer"] == {"slug": "ferme-des-collines", "name": "Ferme des Collines"}
    assert (tomatoes["available"], tomatoes["in_stock"]) == (10, True)
    assert tomatoes["price"] == "3.30"
    breakdown = tomatoes["breakdown"]
    assert breakdown["producer_price"] == "3.00"
    assert breakdown["fees"] == [
        {
            "name": "Préparation",
            "fee_type": "packing",
            "fee_type_label": "Préparation",
            "enterprise": "epicerie-du-plateau",
            "amount": "0.30",
            "tax_rate": "20",
        }
    ]
    assert breakdown["unit_price"] == "3.30"
    assert body["items"][0]["available"] is None  # bread is made to order


def test_it_pages_and_filters_the_products(client, world):
    first = client.get(products_url(world, "?limit=2")).json()
    second = client.get(products_url(world, "?limit=2&offset=2")).json()
    found = client.get(products_url(world, "?q=tom")).json()

    assert [i["name"] for i in first["items"]] == ["Pain", "Tomates"]
    assert [i["name"] for i in second["items"]] == ["Vin"]
    assert (found["count"], found["items"][0]["name"]) == (1, "Tomates")
    assert client.get(products_url(world, "?limit=500")).status_code == 422


def test_it_hides_the_products_a_rule_hides(client, world):
    rule = VisibilityRule.objects.create(
        enterprise=world.hub, customer_tag="", subject="products", action="hide"
    )
    rule.products.set([world.wine.product])

    body = client.get(products_url(world)).json()

    assert [i["name"] for i in body["items"]] == ["Pain", "Tomates"]


def test_it_lists_many_products_in_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for index in range(60):
        variant = VariantFactory(product=ProductFactory(producer=world.producer, name=f"Produit {index:02}"))
        CycleVariant.objects.create(cycle=world.cycle, variant=variant)

    with django_assert_max_num_queries(12):
        response = client.get(products_url(world, "?limit=50"))

    assert len(response.json()["items"]) == 50


def test_it_answers_404_for_a_cycle_not_open_at_this_shop(client, world):
    world.cycle.closes_at = timezone.now() - timedelta(minutes=1)
    world.cycle.opens_at = timezone.now() - timedelta(days=2)
    world.cycle.save()

    assert client.get(products_url(world)).status_code == 404
    assert client.get(f"/api/v1/shops/{world.hub.slug}/cycles/pas-un-uuid/products").status_code == 404


# --- placing an order -------------------------------------------------------------------------


def test_it_places_an_order_with_its_lines_fee_lines_and_totals(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, world)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"]
    assert body["seller"]["slug"] == "epicerie-du-plateau"
    assert body["status"] == "placed"
    assert [(line["product_name"], line["quantity"], line["total"]) for line in body["lines"]] == [
        ("Tomates", 2, "6.00"),
        ("Pain", 1, "4.00"),
    ]
    assert [(f["name"], f["amount"]) for f in body["fee_lines"]] == [("Préparation", "1.00")]
    assert (body["items_total"], body["fees_total"], body["total"]) == ("10.00", "1.00", "11.00")
    assert body["payment_instructions"] == "À l'ordre de l'Épicerie"
    assert (body["full_name"], body["email"]) == ("Karim Haddad", "karim@exemple.fr")
    world.tomatoes.refresh_from_db()
    assert world.tomatoes.on_hand == 8
    assert len(mail.outbox) == 1


def test_it_places_one_order_for_a_repeated_idempotency_key(client, world):
    first = place(client, world, key="abc-123")
    second = place(client, world, key="abc-123")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] == second.json()["number"]
    assert Order.objects.exclude(status="cart").count() == 1
    assert not Order.objects.filter(status="cart").exists()
    world.tomatoes.refresh_from_db()
    assert world.tomatoes.on_hand == 8


def test_it_answers_409_with_each_line_short_of_stock_and_places_nothing(client, world):
    response = place(
        client,
        world,
        lines=[
            {"variant": str(world.tomatoes.uuid), "quantity": 12},
            {"variant": str(world.wine.uuid), "quantity": 1},
        ],
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Stock insuffisant : rien n'a été commandé."
    assert body["lines"] == [
        {
            "variant": str(world.tomatoes.uuid),
            "name": "Tomates",
            "requested": 12,
            "available": 10,
            "message": "Tomates : plus que 10 disponibles.",
        }
    ]
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=world.wine.pk).on_hand == 5


def test_it_answers_409_when_the_stock_runs_out_while_placing(client, world, monkeypatch):
    from cabas.orders import checkout

    real = checkout._stock_changes
    calls = []

    def stale_first(offers, lines):  # the first check sees the stock as it was a moment before
        calls.append(1)
        return [] if len(calls) == 1 else real(offers, lines)

    monkeypatch.setattr(checkout, "_stock_changes", stale_first)
    Variant.objects.filter(pk=world.tomatoes.pk).update(on_hand=1)

    response = place(client, world)

    assert response.status_code == 409
    assert response.json()["lines"][0]["available"] == 1
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"variant": "pas-un-uuid", "quantity": 1}]}, "lines.0.variant"),
        ({"lines": [{"variant": "00000000-0000-0000-0000-000000000000", "quantity": 1}]}, "lines.0.variant"),
        ({"lines": [{"variant": "00000000-0000-0000-0000-000000000000", "quantity": 0}]}, "lines.0.quantity"),
        ({"shipping_method": "00000000-0000-0000-0000-000000000000"}, "shipping_method"),
        ({"payment_method": "00000000-0000-0000-0000-000000000000"}, "payment_method"),
        ({"cycle": "00000000-0000-0000-0000-000000000000"}, "cycle"),
    ],
)
def test_it_answers_422_on_invalid_input_and_places_nothing(client, world, body, field):
    response = place(client, world, **body)

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Order.objects.exists()


def test_it_refuses_a_delivery_outside_its_zone(client, world):
    response = place(
        client, world, shipping_method=str(world.delivery.uuid), address="1 rue Neuve", postcode="69007"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "« Livraison » ne livre pas le code postal 69007."


def test_it_refuses_a_product_hidden_from_the_buyer(client, world):
    rule = VisibilityRule.objects.create(
        enterprise=world.hub, customer_tag="", subject="products", action="hide"
    )
    rule.products.set([world.tomatoes.product])

    response = place(client, world)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.variant"


def test_it_needs_a_token_to_place_an_order(client, world):
    response = client.post(f"/api/v1/shops/{world.hub.slug}/orders", "{}", content_type="application/json")

    assert response.status_code == 401


# --- reading an order -------------------------------------------------------------------------


def test_it_shows_an_order_to_its_buyer_and_the_sellers_managers_only(client, world):
    number = place(client, world).json()["number"]
    manager = RoleFactory(enterprise=world.hub, role="manager").user
    volunteer = RoleFactory(enterprise=world.hub, role="volunteer").user

    for who, status in [(world.buyer, 200), (manager, 200), (volunteer, 404), (UserFactory(), 404)]:
        assert client.get(f"/api/v1/orders/{number}", **bearer(who)).status_code == status, who
        assert client.get(f"/api/v1/orders/{world.hub.slug}/{number}", **bearer(who)).status_code == status, (
            who
        )
    body = client.get(f"/api/v1/orders/{number}", **bearer(manager)).json()
    assert body["total"] == "11.00"
    assert body["url"].endswith(f"/api/v1/orders/{world.hub.slug}/{number}")


def test_it_asks_for_the_seller_when_two_readable_orders_share_a_number(client, world):
    number = place(client, world).json()["number"]
    other = HubFactory()
    Order.objects.create(seller=other, user=world.buyer, status="placed", number=number)

    response = client.get(f"/api/v1/orders/{number}", **bearer(world.buyer))

    assert response.status_code == 409
    assert f"/api/v1/orders/<vendeur>/{number}" in response.json()["detail"]
    assert client.get(f"/api/v1/orders/{other.slug}/{number}", **bearer(world.buyer)).status_code == 200
