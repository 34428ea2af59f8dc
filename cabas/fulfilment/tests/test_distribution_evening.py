import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.enterprises.models import Role
from cabas.fulfilment import views_distribution
from cabas.lib.money import format_eur
from cabas.orders.cart import cart_set_quantity
from cabas.orders.exceptions import OrderNotCollectable
from cabas.orders.models import Order, OrderEvent
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.records.services import payment_record
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db

NAMES = ["Zoé Petit", "Adrien Morel", "Lucie Bernard", "Marc Durand", "Inès Roux", "Bruno Faure"]
QUERIES = 7  # session, user, enterprise, role, orders with what they received, their lines, counter
HTMX = {"HTTP_HX_REQUEST": "true"}


def _place(data, i, *, tomatoes=1, eggs=0, name=None, delivery=False):
    tomato, egg = data.variants[:2]
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=tomato, quantity=tomatoes)
    if eggs:
        cart_set_quantity(cart=cart, variant=egg, quantity=eggs)
    details = {"address": "3 rue Terme", "postcode": "69001", "city": "Lyon"} if delivery else {}
    order = order_place(
        cart=cart,
        email=f"client{i}@exemple.fr",
        full_name=name or f"{NAMES[i % len(NAMES)]} {i}",
        phone=f"06 00 00 00 {i:02d}",
        shipping_method=data.delivery if delivery else data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"{data.shop.slug}-{i}",
        **details,
    )
    order.refresh_from_db()
    return order


def _shop(slug="ferme-des-saules"):
    data = open_shop(shop=EnterpriseFactory(name=f"Ferme {slug}", slug=slug))
    Variant.objects.filter(pk__in=[v.pk for v in data.variants]).update(on_hand=1000)
    return data


def _day(data) -> datetime.date:
    return timezone.localtime(data.distribution.pickup_at).date()


def _volunteer_client(client, data):
    volunteer = RoleFactory(enterprise=data.shop, role=Role.Level.VOLUNTEER).user
    client.force_login(volunteer)
    return volunteer


def _day_url(data, day=None, **query):
    url = reverse("fulfilment:distribution", args=[data.shop.slug, (day or _day(data)).isoformat()])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _collect_url(data, order, day=None):
    day = (day or _day(data)).isoformat()
    return reverse("fulfilment:collect", args=[data.shop.slug, day, order.uuid])


def _card(html: str, order) -> str:
    """The HTML of `order`'s card on a page (up to the next card)."""
    start = html.index(f'id="order-{order.uuid}"')
    end = html.find('class="card distribution-card', start)
    return html[start : end if end != -1 else len(html)]


def test_it_lists_the_days_orders_only_with_their_lines_and_what_is_left_to_pay(client):
    data = _shop()
    zoe = _place(data, 0, tomatoes=2, eggs=1)
    adrien = _place(data, 1, tomatoes=7, delivery=True)
    lucie = _place(data, 2, tomatoes=1)
    next_week = _place(data, 3)
    Order.objects.filter(pk=next_week.pk).update(pickup_at=next_week.pickup_at + datetime.timedelta(days=7))
    cancelled = _place(data, 4)
    cancelled.transition(Order.Status.CANCELLED)
    cancelled.save()
    other = _shop("ferme-voisine")
    elsewhere = _place(other, 5)
    assert _day(other) == _day(data)
    payment_record(seller=data.shop, kind="cheque", amount=zoe.total, order=zoe)
    payment_record(seller=data.shop, kind="cheque", amount=Decimal("1.00"), order=lucie)
    _volunteer_client(client, data)

    response = client.get(_day_url(data))

    assert response.status_code == 200
    listed = response.context["orders"]
    assert [o.number for o in listed] == [adrien.number, lucie.number, zoe.number]  # by customer name
    html = response.content.decode()
    for left_out in (next_week, cancelled, elsewhere):
        assert left_out.full_name not in html
    zoe_card, adrien_card, lucie_card = (_card(html, o) for o in (zoe, adrien, lucie))
    assert "2 × Tomates" in zoe_card and "1 × Œufs" in zoe_card and zoe.number in zoe_card
    assert 'href="tel:0600000000"' in zoe_card and "Retrait à la ferme" in zoe_card
    assert "7 × Tomates" in adrien_card and "Œufs" not in adrien_card
    assert "À livrer : 3 rue Terme, 69001 Lyon (Livraison Lyon)" in adrien_card
    assert format_eur(zoe.total) in zoe_card and "Payée" in zoe_card and "Reste à payer" not in zoe_card
    assert f"Reste à payer : {format_eur(adrien.total)}" in adrien_card and "Payée" not in adrien_card
    assert f"Reste à payer : {format_eur(lucie.total - Decimal('1.00'))}" in lucie_card
    assert "Remis<span" in lucie_card and "Annuler la remise" not in lucie_card


def test_it_shows_a_volunteer_nothing_of_the_payments_but_paid_or_left_to_pay(client):
    data = _shop()
    order = _place(data, 0)
    payment_record(
        seller=data.shop,
        kind="cheque",
        amount=Decimal("1.00"),
        order=order,
        cheque_number="4242",
        note="n° 42",
    )
    _volunteer_client(client, data)

    html = client.get(_day_url(data)).content.decode()

    assert "Reste à payer" in html
    history = ("4242", "n° 42", "Historique des paiements", "1,00")  # « Chèque » is the form's choice
    for private in (*history, reverse("orders:order", args=[data.shop.slug, order.uuid])):
        assert private not in html


def test_it_marks_an_order_collected_with_htmx_answering_its_card_then_undoes_it(client):
    data = _shop()
    order, other = _place(data, 0), _place(data, 1)
    volunteer = _volunteer_client(client, data)

    response = client.post(_collect_url(data, order), {"collected": "1"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and f'id="order-{order.uuid}"' in html and str(other.uuid) not in html
    assert 'distribution-collected">Remise<' in html and "Annuler la remise" in html
    assert 'id="distribution-counter"' in html and 'hx-swap-oob="true"' in html and "1 / 2 remises" in html
    assert Order.objects.get(pk=order.pk).status == Order.Status.FULFILLED
    assert OrderEvent.objects.filter(order=order, to_status="fulfilled", user=volunteer).count() == 1

    response = client.post(_collect_url(data, order), {"collected": "0"}, **HTMX)

    html = response.content.decode()
    assert "Annuler la remise" not in html and "Remise<" not in html and "Remis<span" in html
    assert "0 / 2 remises" in html
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED


def test_it_redirects_back_to_the_page_without_htmx(client):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    response = client.post(_collect_url(data, order), {"collected": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{_day_url(data)}#order-{order.uuid}"
    assert Order.objects.get(pk=order.pk).status == Order.Status.FULFILLED
    response = client.post(_collect_url(data, order), {"collected": "0", "reste": "1"})
    assert response["Location"] == f"{_day_url(data, reste=1)}#order-{order.uuid}"
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED


def test_it_counts_the_collected_orders_and_filters_those_not_yet_collected(client):
    data = _shop()
    orders = [_place(data, i) for i in range(3)]
    _volunteer_client(client, data)
    client.post(_collect_url(data, orders[1]), {"collected": "1"})

    everything = client.get(_day_url(data))
    remaining = client.get(_day_url(data, reste=1))

    assert "1 / 3 remises" in everything.content.decode()
    assert {o.pk for o in everything.context["orders"]} == {o.pk for o in orders}
    html = remaining.content.decode()
    assert "1 / 3 remises" in html and "Pas encore remises" in html
    assert {o.pk for o in remaining.context["orders"]} == {orders[0].pk, orders[2].pk}
    assert str(orders[1].uuid) not in html


def test_it_answers_404_for_another_sellers_order_another_day_or_a_bad_date(client):
    data = _shop()
    order = _place(data, 0)
    cancelled = _place(data, 1)
    cancelled.transition(Order.Status.CANCELLED)
    cancelled.save()
    other = _shop("ferme-voisine")
    elsewhere = _place(other, 2)
    _volunteer_client(client, data)
    day = _day(data)

    assert client.post(_collect_url(data, elsewhere), {"collected": "1"}).status_code == 404
    assert client.post(_collect_url(data, order, day + datetime.timedelta(days=1))).status_code == 404
    # Cancelled since the page was shown: the card says so instead of a silent 404.
    card = client.post(_collect_url(data, cancelled), {"collected": "1"}, **HTMX).content.decode()
    assert "Cette commande est annulée : elle ne peut pas être remise." in card
    assert ">Annulée<" in card and "Remis" not in card
    for bad in ("2026-13-01", "20261207", "demain", "2026-02-30"):
        url = reverse("fulfilment:distribution", args=[data.shop.slug, bad])
        assert client.get(url).status_code == 404, bad
    assert Order.objects.get(pk=elsewhere.pk).status == Order.Status.PLACED
    assert Order.objects.get(pk=cancelled.pk).status == Order.Status.CANCELLED


def test_it_lists_the_distribution_dates_upcoming_first_then_the_recent_ones(client):
    data = _shop()
    soon = [_place(data, i) for i in range(2)]
    later, past = _place(data, 2), _place(data, 3)
    week = datetime.timedelta(days=7)
    Order.objects.filter(pk=later.pk).update(pickup_at=later.pickup_at + week)
    Order.objects.filter(pk=past.pk).update(pickup_at=past.pickup_at - 2 * week)
    only_cancelled = _place(data, 4)
    Order.objects.filter(pk=only_cancelled.pk).update(
        pickup_at=only_cancelled.pickup_at + 2 * week, status=Order.Status.CANCELLED
    )
    _volunteer_client(client, data)
    client.post(_collect_url(data, soon[0]), {"collected": "1"})
    day = _day(data)

    response = client.get(reverse("fulfilment:distributions", args=[data.shop.slug]))

    upcoming = [(d.day, d.orders, d.collected) for d in response.context["upcoming"]]
    recent = [(d.day, d.orders, d.collected) for d in response.context["recent"]]
    assert upcoming == [(day, 2, 1), (day + week, 1, 0)]
    assert recent == [(day - 2 * week, 1, 0)]
    html = response.content.decode()
    assert (
        html.index(_day_url(data))
        < html.index(_day_url(data, day + week))
        < html.index(_day_url(data, day - 2 * week))
    )
    assert _day_url(data, day + 2 * week) not in html
    assert "1 / 2 remises" in html


def test_it_shows_the_distribution_link_to_every_member_of_a_selling_enterprise(client):
    data = _shop()
    volunteer = _volunteer_client(client, data)
    link = reverse("fulfilment:distributions", args=[data.shop.slug])
    assert link in client.get(reverse("manage:dashboard", args=[data.shop.slug])).content.decode()
    profile = EnterpriseFactory(sells="none", is_producer=True)
    RoleFactory(enterprise=profile, user=volunteer, role=Role.Level.VOLUNTEER)
    html = client.get(reverse("manage:dashboard", args=[profile.slug])).content.decode()
    assert reverse("fulfilment:distributions", args=[profile.slug]) not in html


@pytest.mark.parametrize("n", [2, 20])
def test_it_reads_the_day_page_in_a_fixed_number_of_queries(client, n, django_assert_max_num_queries):
    data = _shop()
    orders = [_place(data, i, tomatoes=1 + i % 3, eggs=i % 2) for i in range(n)]
    for order in orders[::2]:
        payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)
    _volunteer_client(client, data)
    client.get(_day_url(data))  # the session and the site's caches warmed

    with django_assert_max_num_queries(QUERIES):
        response = client.get(_day_url(data))

    assert len(response.context["orders"]) == n
    assert response.content.decode().count("Payée") == len(orders[::2])


def test_it_files_an_order_under_the_local_date_of_its_pickup(client):
    data = _shop()
    late = _place(data, 0)
    day = _day(data)
    just_after_midnight = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0, 30))
    )
    Order.objects.filter(pk=late.pk).update(pickup_at=just_after_midnight)  # the day before, in UTC
    _volunteer_client(client, data)

    days = client.get(reverse("fulfilment:distributions", args=[data.shop.slug])).context["upcoming"]

    assert [(d.day, d.orders) for d in days] == [(day + datetime.timedelta(days=1), 1)]
    assert client.get(_day_url(data)).context["orders"] == []
    next_day = client.get(_day_url(data, day + datetime.timedelta(days=1))).context["orders"]
    assert [o.pk for o in next_day] == [late.pk]


def test_it_shows_the_refusal_in_the_card_when_the_order_changed_meanwhile(client, monkeypatch):
    data = _shop()
    order = _place(data, 0)
    _volunteer_client(client, data)

    def cancelled_meanwhile(**kwargs):
        raise OrderNotCollectable("Cette commande est annulée : elle ne peut pas être remise.")

    monkeypatch.setattr(views_distribution, "order_collected", cancelled_meanwhile)

    html = client.post(_collect_url(data, order), {"collected": "1"}, **HTMX).content.decode()
    assert f'id="order-{order.uuid}"' in html and 'role="alert"' in html
    assert "Cette commande est annulée : elle ne peut pas être remise." in html
    response = client.post(_collect_url(data, order), {"collected": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Cette commande est annulée : elle ne peut pas être remise."
    ]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED


def test_it_links_a_volunteer_to_the_sign_off_sheet_of_that_distribution_only(client):
    data = _shop()
    orders = [_place(data, i) for i in range(3)]
    later = _place(data, 9, name="Autre Jour")
    Order.objects.filter(pk=later.pk).update(
        pickup_at=data.distribution.pickup_at + datetime.timedelta(days=7)
    )
    _volunteer_client(client, data)
    page = client.get(_day_url(data)).content.decode()
    sheet = (
        reverse("fulfilment:report", args=[data.shop.slug, "distribution-sheet"])
        + f"?distribution_date={_day(data).isoformat()}"
    )
    assert f'href="{sheet}"' in page
    html = client.get(sheet).content.decode()
    assert all(order.number in html for order in orders) and later.number not in html
    assert client.get(sheet + "&format=pdf").content.startswith(b"%PDF")
