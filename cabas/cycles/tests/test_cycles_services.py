"""Order-cycle services: eligibility of suppliers and distributors, bulk variant selection over a
filtered set, clone, delete. The helpers here are shared by the other cycle test modules."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.cycles import services
from cabas.cycles.exceptions import CycleError
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, Fee, OrderCycle, ShippingMethod
from cabas.enterprises.models import Relationship
from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory, HubFactory, RelationshipFactory, RoleFactory, VariantFactory

DAY = datetime.timedelta(days=1)


def make_cycle(coordinator, *, opens_in=DAY, length=2 * DAY, name="Panier du jeudi", **kwargs) -> OrderCycle:
    """A cycle through the service (opens in `opens_in`, may be negative to be open or closed)."""
    start = timezone.now() + opens_in
    if opens_in <= datetime.timedelta(0):
        cycle = OrderCycle.objects.create(
            coordinator=coordinator, name=name, opens_at=start, closes_at=start + length, **kwargs
        )
        if coordinator.is_producer:
            CycleSupplier.objects.create(cycle=cycle, supplier=coordinator)
        CycleDistributor.objects.create(cycle=cycle, distributor=coordinator)
        return cycle
    return services.cycle_create(coordinator=coordinator, name=name, opens_at=start, closes_at=start + length)


def granting_producer(hub, **kwargs):
    """A producer that lets `hub` sell its products (accepted add_to_cycles), with a manager."""
    producer = EnterpriseFactory(**kwargs)
    RelationshipFactory(grantor=producer, grantee=hub, status=Relationship.Status.ACCEPTED)
    RoleFactory(enterprise=producer, role="manager", user__email=f"gerant@{producer.slug}.fr")
    return producer


def fee(enterprise, name="Préparation", amount="0.50", **kwargs) -> Fee:
    return Fee.objects.create(
        enterprise=enterprise,
        name=name,
        fee_type=kwargs.pop("fee_type", Fee.Type.PACKING),
        calculator=kwargs.pop("calculator", Fee.Calculator.FLAT_PER_ITEM),
        amount=Decimal(amount),
        **kwargs,
    )


def methods(enterprise):
    pickup = ShippingMethod.objects.create(enterprise=enterprise, name="Retrait à la ferme", address="1 rue")
    cheque = PaymentMethod.objects.create(enterprise=enterprise, kind="cheque", name="Chèque")
    return pickup, cheque


@pytest.fixture
def hub(db):
    return HubFactory(name="Épicerie du Centre", slug="epicerie-du-centre")


def test_it_offers_as_suppliers_only_itself_and_the_producers_that_granted_it(enterprise, hub):
    granting = granting_producer(hub, name="Ferme Amie")
    RelationshipFactory(grantee=hub, status=Relationship.Status.REQUESTED)  # not accepted
    RelationshipFactory(grantee=hub, status=Relationship.Status.ACCEPTED, add_to_cycles=False)

    assert list(services.eligible_suppliers(hub)) == [granting]
    assert list(services.eligible_suppliers(enterprise)) == [enterprise]


def test_it_refuses_a_producer_that_did_not_grant_add_to_cycles(hub):
    cycle = make_cycle(hub)
    stranger = EnterpriseFactory(name="Ferme Inconnue")

    with pytest.raises(CycleError, match="ne vous a pas autorisé"):
        services.cycle_supplier_add(cycle=cycle, supplier=stranger)
    assert not CycleSupplier.objects.filter(cycle=cycle).exists()


def test_it_offers_as_distributors_itself_and_the_shops_it_works_with(enterprise):
    shop = HubFactory(name="Boutique Partenaire")
    RelationshipFactory(grantor=enterprise, grantee=shop, status=Relationship.Status.ACCEPTED)
    HubFactory(name="Boutique Inconnue")

    assert set(services.eligible_distributors(enterprise)) == {enterprise, shop}


def test_it_adds_every_filtered_variant_in_one_statement(enterprise, django_assert_max_num_queries):
    cycle = make_cycle(enterprise)
    for i in range(30):
        VariantFactory(product__producer=enterprise, product__name=f"Tomate {i}")
    VariantFactory(product__producer=enterprise, product__name="Courgette")
    VariantFactory(product__producer=enterprise, product__name="Tomate archivée", archived_at=timezone.now())

    with django_assert_max_num_queries(6):
        added = services.cycle_variants_add(cycle=cycle, filters=services.VariantFilters(q="tomate"))

    assert added == 30
    assert CycleVariant.objects.filter(cycle=cycle).count() == 30
    # Again: nothing more (already in the cycle).
    assert services.cycle_variants_add(cycle=cycle, filters=services.VariantFilters(q="tomate")) == 0


def test_it_removes_the_checked_variants_only(enterprise):
    cycle = make_cycle(enterprise)
    kept, removed = VariantFactory(product__producer=enterprise), VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)

    assert services.cycle_variants_remove(cycle=cycle, uuids=[removed.uuid]) == 1
    assert list(CycleVariant.objects.filter(cycle=cycle).values_list("variant", flat=True)) == [kept.pk]


def test_it_never_adds_a_variant_of_a_producer_outside_the_cycle(enterprise, hub):
    cycle = make_cycle(hub)
    other = VariantFactory(product__producer=enterprise)  # enterprise is not a supplier of hub's cycle

    assert services.cycle_variants_add(cycle=cycle, uuids=[other.uuid]) == 0


def test_it_excludes_variants_at_one_distributor(enterprise):
    cycle = make_cycle(enterprise)
    variant = VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)
    row = CycleDistributor.objects.get(cycle=cycle)

    assert services.cycle_variants_exclude(cycle=cycle, distributor=row, exclude=True) == 1
    assert list(row.excluded_variants.all()) == [variant]
    assert services.cycle_variants_exclude(cycle=cycle, distributor=row, exclude=False) == 1
    assert not row.excluded_variants.exists()


def test_it_clones_everything_a_week_later_keeping_the_paris_time(enterprise):
    shop = HubFactory()
    RelationshipFactory(grantor=enterprise, grantee=shop, status=Relationship.Status.ACCEPTED)
    # Tuesday 25 March 2031 18:00 in Paris (UTC+1), the copy crosses the switch to summer time.
    opens = datetime.datetime(2031, 3, 25, 17, 0, tzinfo=datetime.UTC)
    cycle = services.cycle_create(
        coordinator=enterprise,
        name="Mardi",
        opens_at=opens,
        closes_at=opens + 2 * DAY,
        coordinator_fees=[fee(enterprise)],
    )
    VariantFactory(product__producer=enterprise)
    VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)
    services.cycle_distributor_add(cycle=cycle, distributor=shop)
    pickup, cheque = methods(enterprise)
    row = CycleDistributor.objects.get(cycle=cycle, distributor=enterprise)
    services.cycle_distributor_update(
        cycle=cycle,
        row=row,
        shipping_methods=[pickup],
        payment_methods=[cheque],
        fees=[],
        pickup_at=opens + 3 * DAY,
        pickup_note="sous le préau",
    )
    CycleSupplier.objects.get(cycle=cycle).fees.add(fee(enterprise, name="Transport"))

    copy = services.cycle_clone(cycle=cycle, frequency="weekly", name="Mardi suivant")

    paris = services.PARIS
    assert copy.opens_at.astimezone(paris).strftime("%Y-%m-%d %H:%M") == "2031-04-01 18:00"
    assert copy.name == "Mardi suivant"
    assert copy.cycle_variants.count() == 2
    assert [f.name for f in copy.coordinator_fees.all()] == ["Préparation"]
    assert [f.name for f in copy.suppliers.get().fees.all()] == ["Transport"]
    assert copy.distributors.count() == 2
    copied = copy.distributors.get(distributor=enterprise)
    assert list(copied.shipping_methods.all()) == [pickup]
    assert list(copied.payment_methods.all()) == [cheque]
    assert copied.pickup_note == "sous le préau"
    assert copied.pickup_at.astimezone(paris).strftime("%d/%m %H:%M") == "04/04 18:00"


def test_it_shifts_a_month_to_the_last_day_when_needed():
    moment = datetime.datetime(2031, 1, 31, 17, 0, tzinfo=datetime.UTC)

    assert (
        services.shift(moment, "monthly").astimezone(services.PARIS).strftime("%d/%m %H:%M") == "28/02 18:00"
    )


def test_it_refuses_to_delete_a_cycle_with_orders(enterprise):
    from cabas.orders.models import Order

    cycle = make_cycle(enterprise)
    Order.objects.create(seller=enterprise, cycle=cycle, status=Order.Status.PLACED)

    with pytest.raises(CycleError, match="a reçu des commandes"):
        services.cycle_delete(cycle=cycle)
    assert OrderCycle.objects.filter(pk=cycle.pk).exists()


def test_it_requires_a_pickup_after_the_close_and_methods_of_the_distributor(enterprise):
    cycle = make_cycle(enterprise)
    row = CycleDistributor.objects.get(cycle=cycle)
    pickup, cheque = methods(enterprise)
    foreign_pickup, _ = methods(HubFactory())

    with pytest.raises(CycleError, match="avant la clôture"):
        services.cycle_distributor_update(
            cycle=cycle,
            row=row,
            shipping_methods=[pickup],
            payment_methods=[cheque],
            fees=[],
            pickup_at=cycle.opens_at,
            pickup_note="",
        )
    with pytest.raises(CycleError, match="ne sont pas ceux"):
        services.cycle_distributor_update(
            cycle=cycle,
            row=row,
            shipping_methods=[foreign_pickup],
            payment_methods=[cheque],
            fees=[],
            pickup_at=None,
            pickup_note="",
        )
