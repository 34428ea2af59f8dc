"""Visibility rules by customer tag: who sees which products, shipping and payment methods, cycles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cabas.catalogue.models import Product, Variant
from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.orders.models import Customer, VisibilityRule
from cabas.orders.visibility import customer_for_user, tag_normalize, tags_parse, visible_filter
from cabas.payments.models import PaymentMethod
from tests.factories import HubFactory, ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return HubFactory(name="Épicerie du Plateau", slug="epicerie-du-plateau")


@pytest.fixture
def products():
    """Three products: wine, bread, eggs (one variant each)."""
    return {name: VariantFactory(product__name=name).product for name in ("Vin", "Pain", "Œufs")}


def customer(shop, *tags, email=None):
    return Customer.objects.create(
        enterprise=shop, email=email or f"{'-'.join(tags) or 'sans'}@exemple.fr", tags=list(tags)
    )


def rule(shop, tag, subject, action, items):
    created = VisibilityRule.objects.create(enterprise=shop, customer_tag=tag, subject=subject, action=action)
    getattr(created, subject).set(items)
    return created


def visible_products(shop, who):
    visibility = visible_filter(shop, who)
    return sorted(visibility.products(Product.objects.all()).values_list("name", flat=True))


def test_it_shows_everything_when_there_is_no_rule(shop, products, django_assert_num_queries):
    who = customer(shop, "pro")
    with django_assert_num_queries(1):
        visibility = visible_filter(shop, who)

    assert visible_products(shop, None) == ["Pain", "Vin", "Œufs"]
    assert visibility.hidden == {}


def test_it_hides_products_from_customers_with_the_tag_of_a_hide_rule(shop, products):
    rule(shop, "mineur", "products", "hide", [products["Vin"]])

    assert visible_products(shop, customer(shop, "mineur")) == ["Pain", "Œufs"]
    assert visible_products(shop, customer(shop, "adherent")) == ["Pain", "Vin", "Œufs"]
    assert visible_products(shop, None) == ["Pain", "Vin", "Œufs"]


def test_it_reserves_products_shown_to_a_tag_to_the_customers_with_that_tag(shop, products):
    rule(shop, "pro", "products", "show", [products["Œufs"]])

    assert visible_products(shop, customer(shop, "pro")) == ["Pain", "Vin", "Œufs"]
    assert visible_products(shop, customer(shop, "adherent")) == ["Pain", "Vin"]
    assert visible_products(shop, customer(shop)) == ["Pain", "Vin"]
    assert visible_products(shop, None) == ["Pain", "Vin"]


def test_it_applies_the_default_rule_to_customers_no_tagged_rule_concerns(shop, products):
    rule(shop, "", "products", "hide", [products["Vin"], products["Pain"]])
    rule(shop, "pro", "products", "show", [products["Vin"]])

    assert visible_products(shop, customer(shop)) == ["Œufs"]
    assert visible_products(shop, None) == ["Œufs"]
    assert visible_products(shop, customer(shop, "pro")) == ["Vin", "Œufs"]  # the default still hides bread
    assert visible_products(shop, customer(shop, "adherent")) == ["Œufs"]


def test_it_lets_a_default_show_rule_open_a_reserved_item_to_everyone(shop, products):
    rule(shop, "pro", "products", "show", [products["Vin"]])
    rule(shop, "", "products", "show", [products["Vin"]])

    assert visible_products(shop, None) == ["Pain", "Vin", "Œufs"]


def test_it_lets_a_hide_rule_win_over_a_show_rule_of_the_same_customer(shop, products):
    rule(shop, "adherent", "products", "show", [products["Vin"]])
    rule(shop, "mineur", "products", "hide", [products["Vin"]])

    assert visible_products(shop, customer(shop, "adherent", "mineur")) == ["Pain", "Œufs"]
    assert visible_products(shop, customer(shop, "adherent")) == ["Pain", "Vin", "Œufs"]


def test_it_filters_variants_through_their_product(shop, products):
    rule(shop, "", "products", "hide", [products["Pain"]])
    visibility = visible_filter(shop, None)

    names = visibility.variants(Variant.objects.all()).values_list("product__name", flat=True)

    assert sorted(names) == ["Vin", "Œufs"]
    assert not visibility.shows("products", products["Pain"].pk)
    assert visibility.shows("products", products["Vin"].pk)


def test_it_hides_shipping_methods_by_tag(shop):
    pickup = ShippingMethod.objects.create(enterprise=shop, name="Retrait au magasin")
    delivery = ShippingMethod.objects.create(enterprise=shop, name="Livraison", kind="delivery")
    rule(shop, "eloigne", "shipping_methods", "show", [delivery])

    def names(who):
        queryset = visible_filter(shop, who).shipping_methods(ShippingMethod.objects.all())
        return sorted(queryset.values_list("name", flat=True))

    assert names(None) == ["Retrait au magasin"]
    assert names(customer(shop, "eloigne")) == ["Livraison", "Retrait au magasin"]
    assert pickup.pk not in visible_filter(shop, None).hidden_ids("shipping_methods")


def test_it_hides_payment_methods_by_tag(shop):
    PaymentMethod.objects.create(enterprise=shop, kind="cash", name="Espèces")
    cheque = PaymentMethod.objects.create(enterprise=shop, kind="cheque", name="Chèque")
    rule(shop, "impaye", "payment_methods", "hide", [cheque])

    def names(who):
        queryset = visible_filter(shop, who).payment_methods(PaymentMethod.objects.all())
        return sorted(queryset.values_list("name", flat=True))

    assert names(customer(shop, "impaye")) == ["Espèces"]
    assert names(customer(shop, "fidele")) == ["Chèque", "Espèces"]


def test_it_hides_whole_cycles_by_tag(shop):
    now = timezone.now()
    week = OrderCycle.objects.create(
        coordinator=shop,
        name="Semaine 12",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
    )
    members = OrderCycle.objects.create(
        coordinator=shop,
        name="Vente adhérents",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
    )
    rule(shop, "adherent", "cycles", "show", [members])

    def names(who):
        return sorted(
            visible_filter(shop, who).cycles(OrderCycle.objects.all()).values_list("name", flat=True)
        )

    assert names(None) == ["Semaine 12"]
    assert names(customer(shop, "adherent")) == ["Semaine 12", "Vente adhérents"]
    assert visible_filter(shop, None).shows("cycles", week.pk)


def test_it_only_reads_the_rules_of_the_shop(shop, products):
    other = HubFactory()
    rule(other, "", "products", "hide", [products["Vin"]])

    assert visible_products(shop, None) == ["Pain", "Vin", "Œufs"]


def test_it_loads_every_rule_in_a_constant_number_of_queries(shop, products, django_assert_num_queries):
    for index in range(10):
        rule(shop, f"tag-{index}", "products", "hide", [products["Vin"]])
        rule(shop, f"tag-{index}", "cycles", "hide", [])
        rule(shop, "", "shipping_methods", "hide", [])
        rule(shop, "", "payment_methods", "hide", [])
    many = [ProductFactory() for _ in range(5)]
    rule(shop, "pro", "products", "show", many)
    who = customer(shop, "tag-3")

    with django_assert_num_queries(5):
        visibility = visible_filter(shop, who)
    with django_assert_num_queries(1):
        names = sorted(visibility.products(Product.objects.all()).values_list("name", flat=True))

    assert names == ["Pain", "Œufs"]


def test_it_matches_tags_whatever_their_case_or_accents(shop, products):
    rule(shop, "adherent", "products", "hide", [products["Vin"]])

    assert visible_products(shop, customer(shop, "Adhérent")) == ["Pain", "Œufs"]


def test_it_normalizes_tags():
    assert tag_normalize(" Épicerie  Solidaire ") == "epicerie-solidaire"
    assert tags_parse("pro, Adhérent ; pro|  ") == ["pro", "adherent"]
    assert tags_parse("") == []


def test_it_finds_the_customer_of_a_logged_in_user_by_account_or_email(shop):
    user = UserFactory(email="karim@exemple.fr")
    by_email = customer(shop, "pro", email="Karim@exemple.fr")

    assert customer_for_user(shop, user) == by_email
    linked = customer(shop, "adherent", email="autre@exemple.fr")
    linked.user = user
    linked.save()
    assert customer_for_user(shop, user) == linked
    assert customer_for_user(HubFactory(), user) is None
    assert customer_for_user(shop, None) is None
