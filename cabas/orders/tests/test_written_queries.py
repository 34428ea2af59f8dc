"""The queries written out in SQL for the checkout's speed read exactly what the ORM expression
they stand for reads: the same rows, in the same order, with the same values. The ORM expression
stays the definition; each test builds rows that one condition or another leaves out."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cabas.cycles.models import CycleDistributor, Fee, OrderCycle, ShippingMethod
from cabas.cycles.pricing import FeeContext
from cabas.enterprises.models import Enterprise, Sells
from cabas.orders.cart import _cart_select, _guest_cart
from cabas.orders.models import Line, Order, VisibilityRule
from cabas.orders.offers import offered_variants
from cabas.orders.placing import _cart_lock
from cabas.orders.shop import _active_methods, _open_distributions, _selling_enterprise
from cabas.orders.stock import _producer_offers_locked
from cabas.orders.tests.shop_setup import open_shop
from cabas.orders.visibility import Visibility
from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def same(written, orm) -> None:
    assert [values(x) for x in written] == [values(x) for x in orm]


def test_the_selling_enterprise_is_the_one_the_orm_finds():
    data = open_shop()
    quiet = EnterpriseFactory(sells=Sells.NONE, slug="ne-vend-pas")
    hub = EnterpriseFactory(sells=Sells.ANY, slug="epicerie")
    VisibilityRule.objects.create(enterprise=hub, subject="products", action="hide")
    for slug in (data.shop.slug, quiet.slug, hub.slug, "inconnue"):
        found, any_rules = _selling_enterprise(slug)
        expected = Enterprise.objects.exclude(sells=Sells.NONE).filter(slug=slug).first()
        same([found] if found else [], [expected] if expected else [])
        assert any_rules == VisibilityRule.objects.filter(enterprise__slug=slug).exists()
    assert _selling_enterprise(hub.slug)[1] is True and _selling_enterprise(data.shop.slug)[1] is False


def _cycle(shop, name, opens, closes):
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=shop,
        name=name,
        opens_at=now + datetime.timedelta(days=opens),
        closes_at=now + datetime.timedelta(days=closes),
    )
    return CycleDistributor.objects.create(cycle=cycle, distributor=shop, pickup_at=cycle.closes_at)


def test_the_open_distributions_are_those_the_orm_finds_in_the_same_order():
    data = open_shop()
    _cycle(data.shop, "Plus tôt", -2, 1)
    _cycle(data.shop, "Fermé", -5, -1)
    _cycle(data.shop, "Pas encore", 1, 4)
    other = EnterpriseFactory()
    _cycle(other, "Ailleurs", -1, 1)
    now = timezone.now()
    orm = (
        CycleDistributor.objects.filter(
            distributor=data.shop, cycle__opens_at__lte=now, cycle__closes_at__gt=now
        )
        .select_related("cycle__coordinator")
        .order_by("cycle__closes_at", "cycle__pk")
    )
    written = _open_distributions(data.shop, None, coordinator=True)
    assert [d.cycle.name for d in written] == ["Plus tôt", "Vente de la semaine"]
    same(written, orm)
    same([d.cycle for d in written], [d.cycle for d in orm])
    same([d.cycle.coordinator for d in written], [d.cycle.coordinator for d in orm])
    only = _open_distributions(data.shop, data.cycle.uuid, coordinator=False)
    same(only, orm.filter(cycle=data.cycle))
    assert _open_distributions(data.shop, str(data.cycle.uuid), coordinator=False)[0].pk == only[0].pk
    assert _open_distributions(data.shop, "pas-un-uuid", coordinator=False) == []
    assert _open_distributions(data.shop, uuid.uuid4(), coordinator=False) == []


def test_the_cart_found_is_the_one_the_orm_finds():
    data = open_shop()
    buyer, other_buyer = UserFactory(), UserFactory()
    carts = Order.objects.filter(status=Order.Status.CART, seller=data.shop, cycle=data.cycle)
    placed = Order.objects.create(seller=data.shop, cycle=data.cycle, user=buyer, status="placed")
    older = Order.objects.create(seller=data.shop, cycle=data.cycle, user=buyer)
    Order.objects.create(seller=data.shop, cycle=data.cycle, user=buyer)
    Order.objects.create(seller=data.shop, cycle=data.cycle, user=other_buyer)
    guest = Order.objects.create(seller=data.shop, cycle=data.cycle, session_key="abc")
    elsewhere = open_shop(shop=EnterpriseFactory())
    Order.objects.create(seller=elsewhere.shop, cycle=elsewhere.cycle, user=buyer)
    found = _cart_select(data.shop, data.cycle, "o.user_id = %s", [buyer.pk])
    same([found], [carts.filter(user=buyer).order_by("created_at", "pk").first()])
    assert found.pk == older.pk != placed.pk
    same([_guest_cart(data.shop, data.cycle, str(guest.uuid))], [guest])
    # A cart taken over by an account is no longer a guest's; another seller's is not this one's.
    assert _guest_cart(data.shop, data.cycle, str(older.uuid)) is None
    assert _cart_select(elsewhere.shop, elsewhere.cycle, "o.user_id = %s", [other_buyer.pk]) is None
    assert _guest_cart(data.shop, data.cycle, "pas-un-uuid") is None


def test_the_locked_cart_comes_with_its_lines_by_variant():
    data = open_shop()
    data.add_variant(product__name="Salades")
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    for variant in reversed(data.variants):
        Line.objects.create(
            order=cart,
            variant=variant,
            producer=data.shop,
            quantity=2,
            product_name=variant.product.name,
            size="1 kg",
            unit_price=variant.price,
            tax_rate=5.5,
            total=2 * variant.price,
        )
    order, lines = _cart_lock(cart)
    same([order], [Order.objects.get(pk=cart.pk)])
    same(lines, cart.lines.order_by("variant_id"))
    assert all(line.order is order for line in lines)
    empty = Order.objects.create(seller=data.shop, cycle=data.cycle)
    order, lines = _cart_lock(empty)
    assert order.pk == empty.pk and lines == []
    empty.delete()
    with pytest.raises(Order.DoesNotExist):
        _cart_lock(empty)


def test_the_locked_offers_of_a_producer_are_those_the_orm_finds():
    data = open_shop()
    archived = data.add_variant(product__name="Poireaux", archived_at=timezone.now())
    excluded = data.add_variant(product__name="Navets")
    data.distribution.excluded_variants.add(excluded)
    kept = data.add_variant(product__name="Radis")
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    ids = sorted(v.pk for v in [*data.variants, archived, excluded, kept])
    written = _producer_offers_locked(cart, ids)
    orm = offered_variants(data.cycle, data.shop).filter(pk__in=ids).order_by("pk")
    same(written, orm)
    assert [v.offer_price for v in written] == [v.offer_price for v in orm]
    assert {archived.pk, excluded.pk}.isdisjoint(v.pk for v in written) and kept.pk in {v.pk for v in written}


def test_the_active_methods_are_those_the_orm_finds_in_their_order():
    data = open_shop()
    data.pickup.active = False
    data.pickup.save()
    extra = ShippingMethod.objects.create(enterprise=data.shop, kind="pickup", name="Halle du marché")
    data.distribution.shipping_methods.add(extra)
    card = PaymentMethod.objects.create(enterprise=data.shop, kind="cash", name="Espèces")  # not offered
    visible = Visibility()
    for relation, subject in (
        ("shipping_methods", "shipping_methods"),
        ("payment_methods", "payment_methods"),
    ):
        orm = getattr(data.distribution, relation).filter(active=True)
        same(_active_methods(relation, data.distribution, visible, subject), orm)
    hidden = Visibility(hidden={"payment_methods": {data.cheque.pk}})
    assert [
        m.pk for m in _active_methods("payment_methods", data.distribution, hidden, "payment_methods")
    ] == [data.transfer.pk]
    assert card.pk not in [
        m.pk for m in _active_methods("payment_methods", data.distribution, visible, "payment_methods")
    ]


def test_the_cycles_fees_are_those_the_orm_finds(settings):
    data = open_shop()
    producer = EnterpriseFactory()
    supplier = data.cycle.suppliers.create(supplier=producer)

    def fee(owner, name, **kwargs):
        return Fee.objects.create(
            enterprise=owner, name=name, calculator="flat_per_order", amount=1, **kwargs
        )

    supplier.fees.add(fee(producer, "Transport"), fee(producer, "Ancien", active=False))
    data.cycle.coordinator_fees.add(fee(data.shop, "Coordination"))
    data.distribution.fees.add(fee(data.shop, "Distribution"))
    elsewhere = CycleDistributor.objects.create(cycle=data.cycle, distributor=EnterpriseFactory())
    elsewhere.fees.add(fee(elsewhere.distributor, "Pas ici"))
    platform = EnterpriseFactory(slug=settings.PLATFORM_ENTERPRISE_SLUG)
    fee(platform, "Plateforme", fee_type=Fee.Type.PLATFORM)
    fee(platform, "Adhésion")  # the platform's, but not a platform fee

    context = FeeContext.for_cycle(data.cycle, data.shop)

    def active(fees):
        return fees.filter(active=True).order_by("name", "pk")

    expected = {s.supplier_id: list(active(s.fees)) for s in data.cycle.suppliers.all()}
    assert {k: [f.pk for f in v] for k, v in context.supplier_fees.items()} == {
        k: [f.pk for f in v] for k, v in expected.items() if v
    }
    same(context.coordinator_fees, active(data.cycle.coordinator_fees))
    same(context.distributor_fees, active(data.distribution.fees))
    platform_fees = Fee.objects.filter(
        active=True, fee_type=Fee.Type.PLATFORM, enterprise__slug=settings.PLATFORM_ENTERPRISE_SLUG
    )
    same(context.platform_fees, platform_fees.order_by("name", "pk"))
    same([f.enterprise for f in context.coordinator_fees], [data.shop])
    assert [f.name for f in FeeContext.for_cycle(data.cycle).distributor_fees] == []
