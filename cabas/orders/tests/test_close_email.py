"""At close, each producer of a cycle gets one email with what to bring per distributor (totals from
placed orders), in French, HTML and text — once, even when the job runs twice."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cabas.cycles.models import CycleDistributor, CycleSupplier, OrderCycle
from cabas.cycles.tests.test_cycles_services import DAY, granting_producer, make_cycle
from cabas.enterprises.models import Relationship
from cabas.orders import pick_list, tasks
from cabas.orders.models import Line, Order
from tests.factories import HubFactory, RelationshipFactory, VariantFactory


def _order(seller, cycle, lines, status=Order.Status.PLACED):
    order = Order.objects.create(seller=seller, cycle=cycle, status=status)
    for variant, quantity in lines:
        Line.objects.create(
            order=order,
            variant=variant,
            producer=variant.product.producer,
            quantity=quantity,
            product_name=variant.product.name,
            variant_name=variant.name,
            size=variant.measure.display(),
            unit_price=variant.price,
            tax_rate=Decimal("5.5"),
            total=variant.price * quantity,
        )
    return order


@pytest.fixture
def closed_cycle(db):
    """A hub's cycle, closed an hour ago: two producers, two distributors, orders in every state."""
    hub = HubFactory(name="Épicerie du Centre", slug="epicerie-du-centre")
    shop = HubFactory(name="Boutique du Marché", slug="boutique-du-marche")
    RelationshipFactory(grantor=shop, grantee=hub, status=Relationship.Status.ACCEPTED)
    tomatoes_farm = granting_producer(hub, name="Ferme des Tomates", slug="ferme-des-tomates")
    idle_farm = granting_producer(hub, name="Ferme Tranquille", slug="ferme-tranquille")
    cycle = make_cycle(hub, opens_in=-3 * DAY, length=3 * DAY - timezone.timedelta(hours=1))
    for producer in (tomatoes_farm, idle_farm):
        CycleSupplier.objects.create(cycle=cycle, supplier=producer)
    CycleDistributor.objects.create(cycle=cycle, distributor=shop, pickup_note="au fond de la cour")
    tomato = VariantFactory(
        product__producer=tomatoes_farm, product__name="Tomate cœur de bœuf", unit="kg", quantity=1
    )
    cherry = VariantFactory(product__producer=tomatoes_farm, product__name="Tomate cerise", name="Barquette")
    _order(hub, cycle, [(tomato, 2), (cherry, 1)])
    _order(hub, cycle, [(tomato, 3)])
    _order(shop, cycle, [(tomato, 4)])
    _order(hub, cycle, [(tomato, 50)], status=Order.Status.CART)  # never placed: not counted
    _order(hub, cycle, [(tomato, 70)], status=Order.Status.CANCELLED)
    return cycle


def _for(address):
    return [m for m in mail.outbox if address in m.to]


def test_it_emails_each_producer_what_to_bring_per_distributor(
    closed_cycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = pick_list.cycles_notify_producers()

    assert sent == 2
    [message] = _for("gerant@ferme-des-tomates.fr")
    assert message.subject == "Panier du jeudi est clos : ce que vous apportez"
    body = message.body
    assert "== Épicerie du Centre ==" in body and "== Boutique du Marché ==" in body
    hub_part, shop_part = body.split("== Boutique du Marché ==")
    assert "5 × Tomate cœur de bœuf" in hub_part
    assert "1 × Tomate cerise · Barquette" in hub_part
    assert "4 × Tomate cœur de bœuf" in shop_part and "au fond de la cour" in shop_part
    assert "50 ×" not in body and "70 ×" not in body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "<h2>Boutique du Marché</h2>" in html and "Quantité totale" in html
    [idle] = _for("gerant@ferme-tranquille.fr")
    assert "vous n'avez rien à apporter" in idle.body


def test_it_sends_once_even_when_the_job_runs_twice(closed_cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pick_list.cycles_notify_producers()
        pick_list.cycles_notify_producers()
        pick_list.cycle_producers_notify(cycle=closed_cycle)
        tasks.cycles_notify_producers.enqueue()
        call_command("cycles_notify_producers", stdout=StringIO())

    assert len(_for("gerant@ferme-des-tomates.fr")) == 1
    assert OrderCycle.objects.get().producers_notified_at is not None


def test_it_does_not_announce_a_cycle_still_open(enterprise, owner, django_capture_on_commit_callbacks):
    make_cycle(enterprise, opens_in=-DAY)

    with django_capture_on_commit_callbacks(execute=True):
        assert pick_list.cycles_notify_producers() == 0

    assert mail.outbox == []
    assert OrderCycle.objects.get().producers_notified_at is None


def test_it_does_not_email_about_cycles_closed_long_ago(enterprise, owner):
    make_cycle(enterprise, opens_in=-40 * DAY, length=DAY)

    assert pick_list.cycles_notify_producers() == 0
