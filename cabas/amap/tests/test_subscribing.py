"""The rules of subscribing: pro-rata, minimums, capacity and waiting list, overlapping contracts,
membership and main contract required, and the orders a subscription places."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cabas.amap.contracts import contract_create
from cabas.amap.exceptions import ContractFull, SubscriptionRefused
from cabas.amap.models import Contract, Membership, Subscription
from cabas.amap.plans import subscription_due
from cabas.amap.subscribing import (
    places_left,
    season_year,
    subscription_create,
    subscription_quote,
    waiting_list,
    waiting_promote,
)
from cabas.amap.tests.season import member, season
from cabas.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_season_subscription_places_one_order_per_distribution_sold_by_the_producer(
    django_capture_on_commit_callbacks,
):
    s = season(weeks=10)
    camille = member(s.amap, "camille@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        sub = subscription_create(
            contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True
        )
    orders = Order.objects.filter(amap_basket__subscription=sub).order_by("pickup_at")
    assert orders.count() == 10
    assert {o.seller_id for o in orders} == {s.farm.pk}
    assert {o.status for o in orders} == {Order.Status.PLACED}
    assert [timezone.localtime(o.pickup_at).date() for o in orders] == [d.date for d in s.distributions]
    assert {o.shipping_method_id for o in orders} == {s.place.pk}
    assert all(o.total == Decimal("18.00") and o.number.startswith("JDG-") for o in orders)
    assert sub.amount == Decimal("180.00") == subscription_due(sub)
    # The producer's own record of the member, for its orders and invoices.
    assert orders[0].customer.enterprise_id == s.farm.pk and orders[0].customer.email == "camille@exemple.fr"
    assert sub.accepted_at is not None
    assert [m.subject for m in mail.outbox] == ["Contrat souscrit : Légumes — Été"]
    assert "10 distributions, 180,00" in mail.outbox[0].body.replace("\xa0", " ")
    assert "à l'ordre de EARL Jardins du Garon" in mail.outbox[0].body
    assert "/my/amap/" in mail.outbox[0].body  # the portal, where the plan is


def test_a_member_joining_later_pays_the_deliveries_left_only():
    s = season(weeks=10)
    late = s.distributions[4].date
    quote = subscription_quote(contract=s.vegetables, starts_on=late, quantities={s.small.pk: 1})
    assert (quote.deliveries, quote.season_deliveries, quote.amount) == (6, 10, Decimal("66.00"))
    sub = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "late@exemple.fr"),
        quantities={s.small.pk: 1},
        starts_on=late,
        accepted=True,
    )
    assert sub.baskets.count() == 6 and subscription_due(sub) == Decimal("66.00")


def test_variable_contract_minimums_per_distribution_and_pro_rated_season():
    s = season(weeks=10)  # eggs: 5 distributions, 2 € per distribution, 20 € per season
    camille = member(s.amap, "camille@exemple.fr")
    Contract.objects.filter(pk=s.eggs.pk).update(minimum_per_distribution=Decimal("3.00"))
    s.eggs.refresh_from_db()
    with pytest.raises(SubscriptionRefused, match="minimum par distribution est de 3,00"):
        subscription_create(contract=s.eggs, customer=camille, quantities={s.half.pk: 1}, accepted=True)
    Contract.objects.filter(pk=s.eggs.pk).update(minimum_per_distribution=Decimal("2.00"))
    s.eggs.refresh_from_db()
    with pytest.raises(SubscriptionRefused, match="minimum sur la saison"):
        subscription_create(
            contract=s.eggs, customer=camille, quantities={s.half.pk: 1}, accepted=True
        )  # 5 × 2.30
    late = s.distributions[6].date  # 2 egg distributions left: minimum 20 × 2 / 5 = 8 €
    quote = subscription_quote(contract=s.eggs, starts_on=late, quantities={s.dozen.pk: 1})
    assert quote.season_minimum == Decimal("8.00") and quote.amount == Decimal("8.40")
    sub = subscription_create(
        contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1}, starts_on=late, accepted=True
    )
    assert sub.baskets.count() == 2


def test_capacity_then_waiting_list_then_a_place_freed():
    s = season(weeks=4, capacity=1)
    first = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "a@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    assert places_left(s.vegetables) == 0
    second = member(s.amap, "b@exemple.fr")
    with pytest.raises(ContractFull):
        subscription_create(contract=s.vegetables, customer=second, quantities={s.big.pk: 1}, accepted=True)
    assert not Subscription.objects.filter(customer=second).exists()
    waiting = subscription_create(
        contract=s.vegetables, customer=second, quantities={s.big.pk: 1}, accepted=True, waiting_list=True
    )
    assert waiting.status == Subscription.Status.WAITING and waiting.baskets.count() == 0
    assert list(waiting_list(s.vegetables)) == [waiting]
    with pytest.raises(ContractFull):
        waiting_promote(subscription=waiting)
    first.status = Subscription.Status.CANCELLED
    first.save()
    waiting_promote(subscription=waiting, instalments=2)
    waiting.refresh_from_db()
    assert waiting.status == Subscription.Status.ACTIVE and waiting.baskets.count() == 4
    assert sum(i.amount for i in waiting.instalments.all()) == Decimal("72.00")


def test_membership_required_before_subscribing():
    s = season()
    newcomer = member(s.amap, "new@exemple.fr", membership=False)
    with pytest.raises(SubscriptionRefused, match="Adhérez d'abord") as refused:
        subscription_create(contract=s.vegetables, customer=newcomer, quantities={s.big.pk: 1}, accepted=True)
    assert refused.value.field == "membership"
    Membership.objects.create(amap=s.amap, customer=newcomer, year=season_year(s.vegetables) + 1, amount=10)
    with pytest.raises(SubscriptionRefused, match="Adhérez d'abord"):  # not the season's year
        subscription_create(contract=s.vegetables, customer=newcomer, quantities={s.big.pk: 1}, accepted=True)
    Membership.objects.create(amap=s.amap, customer=newcomer, year=season_year(s.vegetables), amount=10)
    assert subscription_create(
        contract=s.vegetables, customer=newcomer, quantities={s.big.pk: 1}, accepted=True
    )


def test_main_contract_required_and_no_subscribing_twice_or_to_an_overlapping_contract():
    s = season()
    s.eggs.main_contract = s.vegetables
    s.eggs.save()
    camille = member(s.amap, "camille@exemple.fr")
    with pytest.raises(SubscriptionRefused, match="Souscrivez d'abord le contrat « Légumes »"):
        subscription_create(contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1}, accepted=True)
    subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True)
    with pytest.raises(SubscriptionRefused, match="déjà souscrit"):
        subscription_create(
            contract=s.vegetables, customer=camille, quantities={s.small.pk: 1}, accepted=True
        )
    twin = contract_create(
        amap=s.amap,
        producer=s.farm,
        distributions=s.distributions[3:6],
        data={
            "name": "légumes",
            "season": "Été bis",
            "signup_opens_on": s.vegetables.signup_opens_on,
            "signup_closes_on": s.vegetables.signup_closes_on,
            "published": True,
        },
    )
    Membership.objects.create(amap=s.amap, customer=camille, year=s.distributions[3].date.year + 1, amount=10)
    Membership.objects.get_or_create(
        amap=s.amap, customer=camille, year=s.distributions[3].date.year, amount=10
    )
    with pytest.raises(SubscriptionRefused, match="même période"):
        subscription_create(contract=twin, customer=camille, quantities={}, accepted=True)
    assert subscription_create(contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1}, accepted=True)


def test_sign_up_window_publication_and_acceptance():
    s = season()
    camille = member(s.amap, "camille@exemple.fr")
    with pytest.raises(SubscriptionRefused, match="acceptez le contrat"):
        subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1})
    Contract.objects.filter(pk=s.vegetables.pk).update(
        signup_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    s.vegetables.refresh_from_db()
    with pytest.raises(SubscriptionRefused, match="inscriptions à ce contrat sont ouvertes du"):
        subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True)
    # A manager enters a paper contract after the window.
    sub = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, by_manager=True
    )
    assert sub.accepted_at is None and sub.baskets.count() == 10


def test_shared_basket_alternates_between_the_sharers():
    s = season(weeks=5)
    a, b = member(s.amap, "a@exemple.fr", "Alix Durand"), member(s.amap, "b@exemple.fr", "Basile Roux")
    sub = subscription_create(
        contract=s.vegetables, customer=a, sharers=[b], quantities={s.big.pk: 1}, accepted=True
    )
    collectors = [basket.collector.email for basket in sub.baskets.order_by("delivery__distribution__date")]
    assert collectors == ["a@exemple.fr", "b@exemple.fr", "a@exemple.fr", "b@exemple.fr", "a@exemple.fr"]


def test_a_solidarity_tier_and_a_donation_show_as_fee_lines_and_sum_exactly():
    from cabas.amap.contracts import contract_tier_set

    s = season(weeks=3)
    reduced = contract_tier_set(contract=s.vegetables, name="Solidaire", percent=70)
    sub = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "c@exemple.fr"),
        tier=reduced,
        quantities={s.small.pk: 1},
        accepted=True,
    )
    order = sub.baskets.first().order
    assert [(f.name, f.amount) for f in order.fee_lines.all()] == [
        ("Tarif « Solidaire » (70 %)", Decimal("-3.30"))
    ]
    assert order.total == Decimal("7.70") == order.items_total + order.fees_total
    donor = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "d@exemple.fr"),
        donation=Decimal("1.50"),
        quantities={s.small.pk: 1},
        accepted=True,
    )
    assert donor.amount == Decimal("37.50") == subscription_due(donor)


def test_a_tier_reduction_carries_the_products_vat_so_the_orders_vat_stays_exact():
    from cabas.amap.contracts import contract_tier_set
    from cabas.catalogue.models import TaxRate
    from cabas.cycles.pricing import vat_by_rate

    s = season(weeks=2)
    s.farm.vat_regime = "standard"
    s.farm.save()
    s.big.variant.tax_rate = TaxRate.objects.get(rate=Decimal("5.5"))
    s.big.variant.save()
    reduced = contract_tier_set(contract=s.vegetables, name="Solidaire", percent=60)
    sub = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "c@exemple.fr"),
        tier=reduced,
        quantities={s.big.pk: 1},
        accepted=True,
    )
    order = sub.baskets.first().order
    (fee,) = order.fee_lines.all()
    assert (fee.amount, fee.tax_rate) == (Decimal("-7.20"), Decimal("5.50"))
    assert order.total == Decimal("10.80")
    # The VAT within 10.80 € at 5.5 %, as if the basket were sold at that price.
    assert (
        order.vat_total
        == vat_by_rate([(Decimal("10.80"), Decimal("5.5"))])[Decimal("5.5")]
        == Decimal("0.56")
    )
