"""The access matrix of the AMAP app's contracts pages: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data). The pages exist only for an AMAP: each builder makes the tested enterprise one."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cabas.amap.contracts import contract_create, contract_product_set
from cabas.amap.models import Contract, Distribution, Subscription
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, VariantFactory


def _amap(enterprise):
    enterprise.model = ModelPreset.AMAP
    enterprise.save(update_fields=["model"])
    return enterprise


def amap(enterprise):
    return {"slug": _amap(enterprise).slug}, {}


def _place(enterprise):
    return ShippingMethod.objects.create(enterprise=enterprise, kind="pickup", name="Salle des fêtes")


def _distribution(enterprise, weeks: int = 1, place=None):
    day = timezone.localdate() + datetime.timedelta(weeks=weeks)
    return Distribution.objects.create(
        amap=enterprise,
        place=place or _place(enterprise),
        date=day,
        starts_at=datetime.time(18),
        ends_at=datetime.time(19),
    )


def _contract(enterprise):
    _amap(enterprise)
    place = _place(enterprise)
    first, second = _distribution(enterprise, 1, place), _distribution(enterprise, 2, place)
    today = timezone.localdate()
    contract = contract_create(
        amap=enterprise,
        producer=EnterpriseFactory(name="Ferme du contrat"),
        distributions=[first, second],
        data={
            "name": "Légumes",
            "season": "Été",
            "signup_opens_on": today,
            "signup_closes_on": today + datetime.timedelta(days=30),
            "capacity": 1,
        },
    )
    return contract, first, second


def generate(enterprise):
    _amap(enterprise)
    first = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "place": _place(enterprise).pk,
        "rhythm": "weekly",
        "first": first.isoformat(),
        "last": (first + datetime.timedelta(weeks=3)).isoformat(),
        "starts_at": "18:00",
        "ends_at": "19:30",
    }
    return {"slug": enterprise.slug}, data


def distribution(enterprise):
    _amap(enterprise)
    return {"slug": enterprise.slug, "distribution": _distribution(enterprise).uuid}, {}


def cancel(enterprise):
    kwargs, _ = distribution(enterprise)
    return kwargs, {"reason": "Salle indisponible"}


def move(enterprise):
    _amap(enterprise)
    target = _distribution(enterprise)
    day = target.date + datetime.timedelta(days=1)
    data = {"date": day.isoformat(), "place": target.place_id, "starts_at": "17:00", "ends_at": "18:00"}
    return {"slug": enterprise.slug, "distribution": target.uuid}, data


def postpone(enterprise):
    contract, first, second = _contract(enterprise)
    delivery = contract.deliveries.get(distribution=first)
    return {"slug": enterprise.slug, "distribution": first.uuid}, {"delivery": delivery.pk, "to": second.uuid}


def contract(enterprise):
    return {"slug": enterprise.slug, "contract": _contract(enterprise)[0].uuid}, {}


def new_contract(enterprise):
    kwargs, data = generate(enterprise)
    producer = EnterpriseFactory(name="Ferme nouvelle")
    today = timezone.localdate()
    data |= {
        "producer": producer.slug,
        "name": "Pain",
        "season": "Hiver",
        "kind": "fixed",
        "mode": "rhythm",
        "signup_opens_on": today.isoformat(),
        "signup_closes_on": (today + datetime.timedelta(days=20)).isoformat(),
        "order_closes_days_before": "2",
        "absence_quota": "2",
        "absence_deadline_days": "3",
        "absence_policy": "solidarity",
        "max_instalments": "10",
    }
    return kwargs, data


def edit_contract(enterprise):
    kwargs, _ = contract(enterprise)
    today = timezone.localdate()
    data = {
        "name": "Légumes",
        "season": "Été",
        "kind": "fixed",
        "signup_opens_on": today.isoformat(),
        "signup_closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "order_closes_days_before": "2",
        "absence_quota": "2",
        "absence_deadline_days": "3",
        "absence_policy": "solidarity",
        "max_instalments": "10",
    }
    return kwargs, data


def product(enterprise):
    found, _first, _second = _contract(enterprise)
    variant = VariantFactory(product__producer=found.producer)
    kwargs = {"slug": enterprise.slug, "contract": found.uuid}
    return kwargs, {"variant": variant.uuid, "price": "12,50", "quantity": "1", "max_quantity": "3"}


def tier(enterprise):
    kwargs, _ = contract(enterprise)
    return kwargs, {"name": "Solidaire", "percent": "70"}


def _subscribable(enterprise):
    found, _first, _second = _contract(enterprise)
    variant = VariantFactory(product__producer=found.producer)
    item = contract_product_set(contract=found, variant=variant, price=Decimal("10.00"))
    member = Customer.objects.create(enterprise=enterprise, email="adherent@exemple.fr", last_name="Roux")
    return found, item, member


def subscribe(enterprise):
    found, item, member = _subscribable(enterprise)
    data = {"customer": member.uuid, f"qty_{item.pk}": "1", "instalments": "1", "method": "cheque"}
    return {"slug": enterprise.slug, "contract": found.uuid}, data


def waiting(enterprise):
    found, item, member = _subscribable(enterprise)
    Contract.objects.filter(pk=found.pk).update(capacity=2)
    subscription = Subscription.objects.create(
        contract=found, customer=member, status=Subscription.Status.WAITING, starts_on=timezone.localdate()
    )
    subscription.items.create(product=item, quantity=1)
    return {"slug": enterprise.slug, "subscription": subscription.uuid}, {}


EXPECTED: dict = {
    "amap:distributions": ("volunteer", "GET", amap),
    "amap:distribution": ("volunteer", "GET", distribution),
    "amap:distributions_generate": ("manager", "POST", generate),
    "amap:distribution_cancel": ("manager", "POST", cancel),
    "amap:distribution_move": ("manager", "POST", move),
    "amap:delivery_postpone": ("manager", "POST", postpone),
    "amap:contracts": ("manager", "GET", amap),
    "amap:contract_new": ("manager", "POST", new_contract),
    "amap:contract": ("manager", "GET", contract),
    "amap:contract_edit": ("manager", "POST", edit_contract),
    "amap:contract_publish": ("manager", "POST", contract),
    "amap:contract_product": ("manager", "POST", product),
    "amap:contract_tier": ("manager", "POST", tier),
    "amap:contract_subscribe": ("manager", "POST", subscribe),
    "amap:subscription_promote": ("manager", "POST", waiting),
    "amap:subscriptions": ("manager", "GET", amap),
    "amap:members": ("manager", "GET", amap),
}
