"""The AMAP's members with their membership of the year and their contracts, and the subscriptions
across contracts: search, filters, and a number of queries that does not grow with the members."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cabas.amap.models import Membership, Subscription, SubscriptionItem
from cabas.amap.selectors import members_for_list, subscriptions_for_list
from cabas.amap.tests.season import season
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _members(s, count: int) -> list[Customer]:
    """`count` members; the even ones paid this year's membership, every third one has not paid
    it yet; each subscribes the vegetables, and one in two the eggs too."""
    year = timezone.localdate().year
    Customer.objects.bulk_create(
        Customer(
            enterprise=s.amap, email=f"m{n:02}@exemple.fr", first_name=f"Prénom{n:02}", last_name=f"Nom{n:02}"
        )
        for n in range(count)
    )
    customers = list(Customer.objects.filter(enterprise=s.amap).order_by("email"))
    Membership.objects.bulk_create(
        Membership(
            amap=s.amap,
            customer=c,
            year=year,
            amount=Decimal("15.00"),
            paid_at=None if n % 3 == 0 else timezone.now(),
        )
        for n, c in enumerate(customers)
        if n % 2 == 0
    )
    start = s.distributions[0].date
    Subscription.objects.bulk_create(
        [
            Subscription(contract=s.vegetables, customer=c, starts_on=start, amount=Decimal("72.00"))
            for c in customers
        ]
        + [
            Subscription(contract=s.eggs, customer=c, starts_on=start, amount=Decimal("21.00"))
            for c in customers[::2]
        ]
    )
    subscriptions = list(Subscription.objects.filter(contract__amap=s.amap))
    SubscriptionItem.objects.bulk_create(
        SubscriptionItem(subscription=sub, product=s.big if sub.contract_id == s.vegetables.pk else s.dozen)
        for sub in subscriptions
    )
    return customers


@pytest.fixture
def s(client):
    s = season(weeks=4)
    client.force_login(s.owner)
    return s


def test_the_members_page_shows_memberships_and_contracts_in_a_fixed_number_of_queries(
    client, s, django_assert_max_num_queries
):
    _members(s, 36)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("amap:members", args=[s.amap.slug]))
    page = response.content.decode()
    assert "36 adhérents" in page
    assert f"Adhésion {timezone.localdate().year}" in page
    assert (
        page.count(">payée<") == 12 and page.count(">à régler<") == 6 and page.count(">non adhérent<") == 18
    )
    assert page.count(">Légumes</a>") == 36 and page.count(">Œufs</a>") == 18


def test_the_members_list_is_paginated_by_fifty(client, s):
    _members(s, 55)
    page = client.get(reverse("amap:members", args=[s.amap.slug]) + "?page=2").content.decode()
    assert "55 adhérents" in page and "Prénom54 Nom54" in page and "Prénom00 Nom00" not in page


def test_searching_members_by_name_or_email(client, s):
    _members(s, 12)
    url = reverse("amap:members", args=[s.amap.slug])
    assert "1 adhérent" in client.get(url + "?q=nom07").content.decode()
    page = client.get(url + "?q=m11@exemple").content.decode()
    assert "Prénom11 Nom11" in page and "Prénom10" not in page
    assert "Aucun adhérent ne correspond" in client.get(url + "?q=personne").content.decode()


def test_the_members_selector_costs_three_queries_whatever_the_number_of_members(s):
    _members(s, 40)
    with CaptureQueriesContext(connection) as queries:
        rows = list(members_for_list(s.amap))
        assert sum(len(r.active_subscriptions) for r in rows) == 60
    assert len(queries) == 3
    assert {len(r.memberships_of_year) for r in rows} == {0, 1}


def test_the_subscriptions_page_filters_by_contract_and_status_in_a_fixed_number_of_queries(
    client, s, django_assert_max_num_queries
):
    _members(s, 32)
    Subscription.objects.filter(customer__email="m00@exemple.fr").update(status=Subscription.Status.WAITING)
    url = reverse("amap:subscriptions", args=[s.amap.slug])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "48 souscriptions" in page and "Panier de légumes — Grand" in page
    with django_assert_max_num_queries(10):
        page = client.get(url + f"?contract={s.eggs.uuid}").content.decode()
    assert "16 souscriptions" in page and "Œufs — Douzaine" in page
    page = client.get(url + "?status=waiting").content.decode()
    assert "2 souscriptions" in page and "Prénom00 Nom00" in page and "Liste d&#x27;attente" in page


def test_the_subscriptions_selector_costs_two_queries(s):
    _members(s, 30)
    with CaptureQueriesContext(connection) as queries:
        rows = list(subscriptions_for_list(s.amap, contract=s.vegetables, status="active"))
        contents = [
            (r.customer.email, r.contract.name, [i.product.variant.full_name for i in r.items.all()])
            for r in rows
        ]
    assert len(rows) == 30 and len(queries) == 2
    assert contents[0][2] == ["Panier de légumes — Grand — 1 pièce"]


def test_another_amap_s_members_are_not_listed(client, s):
    _members(s, 3)
    other = season_two()
    page = client.get(reverse("amap:members", args=[s.amap.slug])).content.decode()
    assert "3 adhérents" in page and other.email not in page


def season_two():
    amap = EnterpriseFactory(model="amap")
    return Customer.objects.create(enterprise=amap, email="ailleurs@exemple.fr")
