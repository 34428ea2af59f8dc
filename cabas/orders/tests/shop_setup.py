"""Builders for the shop tests: an open cycle at a shop, with products, fees, a pickup point, a
delivery zone and payment methods."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cabas.catalogue.models import TaxRate
from cabas.cycles.models import CycleDistributor, CycleSupplier, CycleVariant, Fee, OrderCycle, ShippingMethod
from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory, ProductFactory, VariantFactory


@dataclass
class OpenShop:
    shop: object
    cycle: OrderCycle
    distribution: CycleDistributor
    pickup: ShippingMethod
    delivery: ShippingMethod
    cheque: PaymentMethod
    transfer: PaymentMethod
    variants: list = field(default_factory=list)
    fee: Fee | None = None

    def add_variant(self, **kwargs):
        """A new variant of the shop's producer, offered in the cycle."""
        product_kwargs = {k[9:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("product__")}
        product = ProductFactory(producer=self.shop, **product_kwargs)
        variant = VariantFactory(product=product, **kwargs)
        CycleVariant.objects.create(cycle=self.cycle, variant=variant)
        self.variants.append(variant)
        return variant


def open_shop(*, shop=None, fee_amount=Decimal("0.20"), **shop_kwargs) -> OpenShop:
    """A producer shop with an open cycle it coordinates and distributes: a pickup point (cheque or
    transfer), a delivery zone (69001, 69002; 3 € fee, 20 € minimum), a packing fee of
    `fee_amount` per item (None: no fee) and two products: tomatoes (3,20 €, stock 10) and eggs
    (2,50 € the box of 6, stock 4)."""
    if shop is None:
        shop = EnterpriseFactory(name="Ferme des Saules", slug="ferme-des-saules", **shop_kwargs)
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=shop,
        name="Vente de la semaine",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=2),
    )
    supplier = CycleSupplier.objects.create(cycle=cycle, supplier=shop)
    distribution = CycleDistributor.objects.create(
        cycle=cycle,
        distributor=shop,
        pickup_at=now + datetime.timedelta(days=3),
        pickup_note="sous le hangar",
    )
    pickup = ShippingMethod.objects.create(
        enterprise=shop,
        kind="pickup",
        name="Retrait à la ferme",
        address="12 chemin des Vergers",
        postcode="69510",
        city="Yzeron",
        instructions="Sonnez à la grange.",
    )
    delivery = ShippingMethod.objects.create(
        enterprise=shop,
        kind="delivery",
        name="Livraison Lyon",
        postcodes="69001, 69002",
        fee=Decimal("3.00"),
        minimum_order=Decimal("20.00"),
    )
    cheque = PaymentMethod.objects.create(
        enterprise=shop, kind="cheque", name="Chèque", instructions="À l'ordre de la Ferme des Saules."
    )
    transfer = PaymentMethod.objects.create(
        enterprise=shop, kind="transfer", name="Virement", instructions="IBAN FR76 0000"
    )
    distribution.shipping_methods.set([pickup, delivery])
    distribution.payment_methods.set([cheque, transfer])
    result = OpenShop(shop, cycle, distribution, pickup, delivery, cheque, transfer)
    if fee_amount is not None:
        result.fee = Fee.objects.create(
            enterprise=shop,
            name="Préparation des paniers",
            fee_type="packing",
            calculator="flat_per_item",
            amount=fee_amount,
            tax_rate=TaxRate.objects.get(rate=Decimal("20")),
        )
        supplier.fees.add(result.fee)
    result.add_variant(product__name="Tomates", price=Decimal("3.20"), on_hand=10)
    result.add_variant(
        product__name="Œufs", unit="item", quantity=Decimal("6"), price=Decimal("2.50"), on_hand=4
    )
    return result


def friday_pickup_saturday_method(data: OpenShop) -> datetime.date:
    """The cycle's pickup on the next Friday at 17:00 (orders close an hour before); the pickup
    point usually open « samedi 9h–12h ». Returns that Friday."""
    today = timezone.localdate()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
    at = timezone.make_aware(datetime.datetime.combine(friday, datetime.time(17, 0)))
    data.cycle.closes_at = at - datetime.timedelta(hours=1)
    data.cycle.save()
    data.distribution.pickup_at, data.distribution.pickup_note = at, ""
    data.distribution.save()
    data.pickup.weekday, data.pickup.opens_at, data.pickup.closes_at = 5, datetime.time(9), datetime.time(12)
    data.pickup.save()
    return friday
