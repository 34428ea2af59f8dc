"""The access matrix of the AMAP app's payments pages: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data). Each builder first makes the tested enterprise an AMAP with one contract of a farm and
one member's subscription paid in two cheques."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cabas.amap.contracts import contract_create, contract_product_set
from cabas.amap.distributions import distributions_generate
from cabas.amap.models import Contract, HandOver, Instalment, Membership
from cabas.amap.subscribing import subscription_create
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset, Sells
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, VariantFactory


def _amap_world(enterprise, kind=Contract.Kind.FIXED):
    enterprise.model, enterprise.sells = ModelPreset.AMAP, Sells.ANY
    enterprise.save(update_fields=["model", "sells"])
    place = ShippingMethod.objects.create(enterprise=enterprise, kind="pickup", name="Salle", city="Lyon")
    farm = EnterpriseFactory(name="Ferme du contrat", slug="ferme-du-contrat")
    first = timezone.localdate() + datetime.timedelta(days=7)
    distributions, _skipped = distributions_generate(
        amap=enterprise,
        place=place,
        rhythm="weekly",
        first=first,
        last=first + datetime.timedelta(weeks=2),
        starts_at=datetime.time(18),
        ends_at=datetime.time(19),
    )
    contract = contract_create(
        amap=enterprise,
        producer=farm,
        distributions=distributions,
        data={
            "name": "Légumes",
            "season": "Été",
            "kind": kind,
            "signup_opens_on": timezone.localdate(),
            "signup_closes_on": first,
            "published": True,
        },
    )
    product = contract_product_set(
        contract=contract, variant=VariantFactory(product__producer=farm), price=Decimal("10.00")
    )
    member = Customer.objects.create(
        enterprise=enterprise, email="adherent@exemple.fr", first_name="Alix", last_name="Durand"
    )
    subscription = subscription_create(
        contract=contract, customer=member, quantities={product.pk: 1}, by_manager=True, instalments=2
    )
    return farm, contract, subscription


def amap_slug(enterprise):
    _amap_world(enterprise)
    return {"slug": enterprise.slug}, {}


def amap_producer(enterprise):
    farm, _contract, _subscription = _amap_world(enterprise)
    return {"slug": enterprise.slug, "producer": farm.slug}, {}


def instalment_to_receive(enterprise):
    _farm, _contract, subscription = _amap_world(enterprise)
    instalment = subscription.instalments.first()
    return {"slug": enterprise.slug, "pk": instalment.pk}, {"cheque_number": "0012345", "bank": "La Poste"}


def instalment_received(enterprise):
    _farm, _contract, subscription = _amap_world(enterprise)
    instalment = subscription.instalments.first()
    Instalment.objects.filter(pk=instalment.pk).update(state=Instalment.State.RECEIVED, cheque_number="77")
    return {"slug": enterprise.slug, "pk": instalment.pk}, {}


def hand_over(enterprise):
    farm, _contract, subscription = _amap_world(enterprise)
    instalment = subscription.instalments.first()
    Instalment.objects.filter(pk=instalment.pk).update(state=Instalment.State.RECEIVED, cheque_number="77")
    return {"slug": enterprise.slug, "producer": farm.slug}, {"instalments": [instalment.pk]}


def handover(enterprise):
    farm, _contract, subscription = _amap_world(enterprise)
    slip = HandOver.objects.create(amap=enterprise, producer=farm)
    subscription.instalments.update(state=Instalment.State.HANDED_OVER, handover=slip, cheque_number="77")
    return {"slug": enterprise.slug, "uuid": slip.uuid}, {}


def contract(enterprise):
    _farm, fixed, _subscription = _amap_world(enterprise)
    return {"slug": enterprise.slug, "uuid": fixed.uuid}, {}


def variable_contract(enterprise):
    _farm, variable, _subscription = _amap_world(enterprise, kind=Contract.Kind.VARIABLE)
    return {"slug": enterprise.slug, "uuid": variable.uuid}, {}


def membership_new(enterprise):
    _farm, _contract, subscription = _amap_world(enterprise)
    data = {"customer": subscription.customer.uuid, "amount": "15", "method": "cheque", "paid": "on"}
    return {"slug": enterprise.slug}, data


def membership_unpaid(enterprise):
    _farm, _contract, subscription = _amap_world(enterprise)
    membership = Membership.objects.create(
        amap=enterprise, customer=subscription.customer, year=timezone.localdate().year, amount=10
    )
    return {"slug": enterprise.slug, "pk": membership.pk}, {"method": "cash"}


EXPECTED: dict = {
    "amap:payments": ("manager", "GET", amap_slug),
    "amap:payments_producer": ("manager", "GET", amap_producer),
    "amap:hand_over": ("manager", "POST", hand_over),
    "amap:instalment_receive": ("manager", "POST", instalment_to_receive),
    "amap:instalment_unreceive": ("manager", "POST", instalment_received),
    "amap:handover": ("manager", "GET", handover),
    "amap:handover_pdf": ("manager", "GET", handover),
    "amap:balances": ("manager", "GET", contract),
    "amap:regularise": ("manager", "POST", variable_contract),
    "amap:memberships": ("manager", "GET", amap_slug),
    "amap:membership_new": ("manager", "POST", membership_new),
    "amap:membership_paid": ("manager", "POST", membership_unpaid),
    "amap:membership_settings": ("manager", "GET", amap_slug),
}
