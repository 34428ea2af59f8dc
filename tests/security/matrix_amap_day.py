"""The access matrix of the AMAP app's day pages: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cabas.amap.models import Basket, Contract, Delivery, Distribution, Subscription
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset
from cabas.orders.models import Customer, Order
from tests.factories import EnterpriseFactory

DAY = datetime.date(2027, 3, 16)


def _amap(enterprise):
    """The enterprise made an AMAP, with a distribution on 16 March 2027 at its pickup point."""
    enterprise.model = ModelPreset.AMAP
    enterprise.save(update_fields=["model"])
    place = ShippingMethod.objects.create(enterprise=enterprise, kind="pickup", name="Salle des fêtes")
    return Distribution.objects.create(
        amap=enterprise, place=place, date=DAY, starts_at=datetime.time(18), ends_at=datetime.time(19)
    )


def amap_slug(enterprise):
    _amap(enterprise)
    return {"slug": enterprise.slug}, {}


def amap_distribution(enterprise):
    distribution = _amap(enterprise)
    return {"slug": enterprise.slug, "distribution": distribution.uuid}, {}


def amap_day(enterprise):
    _amap(enterprise)
    return {"slug": enterprise.slug, "day": DAY.isoformat()}, {}


def amap_basket(enterprise):
    """A member's basket at the distribution, its order placed with the producer: « Remis »."""
    distribution = _amap(enterprise)
    farm = EnterpriseFactory(name="Ferme du contrat", slug="ferme-du-contrat")
    contract = Contract.objects.create(
        amap=enterprise,
        producer=farm,
        name="Légumes",
        season="Printemps",
        signup_opens_on=DAY - datetime.timedelta(days=30),
        signup_closes_on=DAY,
    )
    delivery = Delivery.objects.create(contract=contract, distribution=distribution)
    member = Customer.objects.create(enterprise=enterprise, email="adherent@exemple.fr", first_name="Ada")
    subscription = Subscription.objects.create(
        contract=contract, customer=member, starts_on=DAY, amount=Decimal("18.00")
    )
    order = Order.objects.create(
        seller=farm,
        status="placed",
        number="JDG-1",
        email=member.email,
        shipping_method=distribution.place,
        pickup_at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(18))),
    )
    basket = Basket.objects.create(subscription=subscription, delivery=delivery, order=order)
    kwargs = {"slug": enterprise.slug, "distribution": distribution.uuid, "basket": basket.pk}
    return kwargs, {"collected": "1"}


EXPECTED: dict = {
    "amap:sign_in_sheets": ("volunteer", "GET", amap_slug),
    "amap:sign_in_sheet": ("volunteer", "GET", amap_distribution),
    "amap:sign_in_sheet_pdf": ("volunteer", "GET", amap_distribution),
    "amap:sign_in_sheets_day_pdf": ("volunteer", "GET", amap_day),
    "amap:basket_collected": ("volunteer", "POST", amap_basket),
}
