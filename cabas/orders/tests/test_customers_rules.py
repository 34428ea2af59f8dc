"""Back-office visibility rules: list, create, edit and delete rules by customer tag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Relationship
from cabas.orders.models import Customer, VisibilityRule
from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory, HubFactory, ProductFactory, RelationshipFactory, RoleFactory


@pytest.fixture
def shop(enterprise):
    return enterprise


def new_url(shop):
    return reverse("orders:visibility_rule_new", args=[shop.slug])


def test_it_creates_a_rule_hiding_products_for_a_tag(shop, manager, client_for):
    wine = ProductFactory(producer=shop, name="Vin rouge")
    ProductFactory(producer=shop, name="Pain")

    response = client_for(manager).post(
        new_url(shop),
        {"customer_tag": "Mineur", "action": "hide", "subject": "products", "products": [str(wine.uuid)]},
    )

    assert response.status_code == 302
    rule = VisibilityRule.objects.get(enterprise=shop)
    assert (rule.customer_tag, rule.action, rule.subject) == ("mineur", "hide", "products")
    assert list(rule.products.all()) == [wine]


def test_it_offers_the_products_of_the_producers_supplying_a_hub(manager, client_for):
    hub = HubFactory()
    RoleFactory(enterprise=hub, user=manager, role="manager")
    producer = EnterpriseFactory(name="Ferme amie")
    RelationshipFactory(
        grantor=producer, grantee=hub, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    )
    ProductFactory(producer=producer, name="Miel")
    ProductFactory(name="Produit d'un inconnu")

    response = client_for(manager).get(new_url(hub))

    labels = [label for _value, label in response.context["form"].fields["products"].choices]
    assert labels == ["Miel — Ferme amie"]


def test_it_creates_rules_for_shipping_methods_payment_methods_and_cycles(shop, manager, client_for):
    delivery = ShippingMethod.objects.create(enterprise=shop, name="Livraison", kind="delivery")
    cheque = PaymentMethod.objects.create(enterprise=shop, name="Chèque", kind="cheque")
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=shop, name="Vente pros", opens_at=now, closes_at=now + timedelta(days=3)
    )
    client = client_for(manager)

    for subject, item in [("shipping_methods", delivery), ("payment_methods", cheque), ("cycles", cycle)]:
        response = client.post(
            new_url(shop),
            {"customer_tag": "pro", "action": "show", "subject": subject, subject: [str(item.uuid)]},
        )
        assert response.status_code == 302, subject

    rules = {rule.subject: rule for rule in VisibilityRule.objects.filter(enterprise=shop)}
    assert list(rules["shipping_methods"].shipping_methods.all()) == [delivery]
    assert list(rules["payment_methods"].payment_methods.all()) == [cheque]
    assert list(rules["cycles"].cycles.all()) == [cycle]


def test_it_asks_for_at_least_one_item_of_the_chosen_subject(shop, manager, client_for):
    wine = ProductFactory(producer=shop, name="Vin rouge")

    response = client_for(manager).post(
        new_url(shop),
        {"customer_tag": "", "action": "hide", "subject": "cycles", "products": [str(wine.uuid)]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["cycles"] == ["Choisissez au moins un élément."]
    assert not VisibilityRule.objects.exists()


def test_it_refuses_an_item_of_another_enterprise(shop, manager, client_for):
    other = PaymentMethod.objects.create(enterprise=HubFactory(), name="Chèque", kind="cheque")

    response = client_for(manager).post(
        new_url(shop), {"action": "hide", "subject": "payment_methods", "payment_methods": [str(other.uuid)]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["payment_methods"]
    assert not VisibilityRule.objects.exists()


def test_it_lists_rules_with_their_tag_and_items(shop, manager, client_for):
    wine = ProductFactory(producer=shop, name="Vin rouge")
    rule = VisibilityRule.objects.create(enterprise=shop, customer_tag="", subject="products", action="hide")
    rule.products.set([wine])

    response = client_for(manager).get(reverse("orders:visibility_rules", args=[shop.slug]))

    html = response.content.decode()
    assert "Par défaut (sans étiquette concernée)" in html
    assert "Cacher · produits" in html
    assert "Vin rouge" in html


def test_it_edits_a_rule_and_keeps_an_archived_product_it_names(shop, manager, client_for):
    wine = ProductFactory(producer=shop, name="Vin rouge", archived_at=timezone.now())
    bread = ProductFactory(producer=shop, name="Pain")
    rule = VisibilityRule.objects.create(
        enterprise=shop, customer_tag="mineur", subject="products", action="hide"
    )
    rule.products.set([wine])
    url = reverse("orders:visibility_rule_edit", args=[shop.slug, rule.uuid])
    client = client_for(manager)

    page = client.get(url)
    response = client.post(
        url,
        {
            "customer_tag": "mineur",
            "action": "hide",
            "subject": "products",
            "products": [str(wine.uuid), str(bread.uuid)],
        },
    )

    assert page.context["form"].initial["products"] == [str(wine.uuid)]
    assert response.status_code == 302
    assert set(rule.products.all()) == {wine, bread}


def test_it_deletes_a_rule(shop, manager, client_for):
    rule = VisibilityRule.objects.create(
        enterprise=shop, customer_tag="pro", subject="products", action="show"
    )

    response = client_for(manager).post(reverse("orders:visibility_rule_delete", args=[shop.slug, rule.uuid]))

    assert response.status_code == 302
    assert not VisibilityRule.objects.exists()


def test_it_answers_404_for_a_rule_of_another_enterprise(shop, manager, client_for):
    rule = VisibilityRule.objects.create(enterprise=HubFactory(), subject="products", action="show")

    response = client_for(manager).post(reverse("orders:visibility_rule_delete", args=[shop.slug, rule.uuid]))

    assert response.status_code == 404
    assert VisibilityRule.objects.exists()


def test_it_suggests_the_tags_already_given_to_customers(shop, manager, client_for):
    Customer.objects.create(enterprise=shop, email="karim@exemple.fr", tags=["adherent"])

    response = client_for(manager).get(new_url(shop))

    assert '<option value="adherent">' in response.content.decode()
