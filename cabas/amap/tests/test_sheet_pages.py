"""The sign-in sheet pages: a volunteer at the table sees the baskets and marks one « Remis »; the PDF
of a distribution and of every pickup point of a date; only AMAPs have them."""

import datetime

import pytest
from django.urls import reverse

from cabas.amap.models import Distribution
from cabas.amap.sheets import sign_in_sheet
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import Role
from cabas.orders.models import Order
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _day(members: int = 3):
    s = season(weeks=4)
    for i in range(members):
        subscription_create(
            contract=s.vegetables,
            customer=member(s.amap, f"m{i}@exemple.fr", f"Membre Numéro{i}"),
            quantities={s.big.pk: 1},
            accepted=True,
        )
    return s, s.distributions[1]


def response_text(page) -> str:
    """The text laid out on a WeasyPrint page."""
    found = []

    def walk(box):
        text = getattr(box, "text", None)
        if text:
            found.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page._page_box)
    return " ".join(found)


def _volunteer(client, enterprise):
    client.force_login(RoleFactory(enterprise=enterprise, role=Role.Level.VOLUNTEER).user)
    return client


def _sheet_url(s, distribution, name="amap:sign_in_sheet"):
    return reverse(name, args=[s.amap.slug, distribution.uuid])


def test_a_volunteer_sees_the_sheet_and_marks_a_basket_handed_over(client):
    s, day = _day()
    _volunteer(client, s.amap)
    page = client.get(_sheet_url(s, day)).content.decode()
    assert "Feuille d'émargement" in page and "Salle des Canuts" in page
    assert "Membre Numéro0" in page and "1 × Panier de légumes, Grand" in page
    assert "3 paniers à remettre" in page
    line = sign_in_sheet(day).contracts[0].lines[0]
    url = reverse("amap:basket_collected", args=[s.amap.slug, day.uuid, line.basket.pk])
    response = client.post(url, {"collected": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#basket-{line.basket.pk}")
    line.basket.order.refresh_from_db()
    assert line.basket.order.status == Order.Status.FULFILLED
    assert "Annuler la remise" in client.get(_sheet_url(s, day)).content.decode()
    client.post(url, {"collected": "0"})
    line.basket.order.refresh_from_db()
    assert line.basket.order.status == Order.Status.PLACED


def test_a_cancelled_basket_cannot_be_handed_over(client):
    s, day = _day(1)
    line = sign_in_sheet(day).contracts[0].lines[0]
    Order.objects.filter(pk=line.basket.order_id).update(status=Order.Status.CANCELLED)
    _volunteer(client, s.amap)
    url = reverse("amap:basket_collected", args=[s.amap.slug, day.uuid, line.basket.pk])
    page = client.post(url, {"collected": "1"}, follow=True).content.decode()
    assert 'role="alert"' in page
    line.basket.order.refresh_from_db()
    assert line.basket.order.status == Order.Status.CANCELLED
    again = sign_in_sheet(day).contracts[0].lines[0]
    assert (again.marks, again.to_hand_over) == (["commande annulée"], False)


def test_the_sheet_page_takes_the_same_queries_for_3_or_30_members(client, django_assert_max_num_queries):
    s, day = _day(3)
    _volunteer(client, s.amap)
    client.get(_sheet_url(s, day))
    for i in range(3, 30):
        subscription_create(
            contract=s.vegetables,
            customer=member(s.amap, f"m{i}@exemple.fr", f"Membre Numéro{i}"),
            quantities={s.small.pk: 1},
            accepted=True,
        )
    with django_assert_max_num_queries(12):
        page = client.get(_sheet_url(s, day)).content.decode()
    assert "30 paniers à remettre" in page


def test_the_pdf_of_a_distribution_and_of_a_whole_date(client, django_assert_max_num_queries):
    s, day = _day(2)
    other = ShippingMethod.objects.create(enterprise=s.amap, kind="pickup", name="Marché Croix-Rousse")
    Distribution.objects.create(
        amap=s.amap, place=other, date=day.date, starts_at=datetime.time(17), ends_at=datetime.time(18)
    )
    _volunteer(client, s.amap)
    with django_assert_max_num_queries(12):
        response = client.get(_sheet_url(s, day, "amap:sign_in_sheet_pdf"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    url = reverse("amap:sign_in_sheets_day_pdf", args=[s.amap.slug, day.date.isoformat()])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.startswith(b"%PDF")
    assert f"emargement-amap-des-pentes-{day.date:%Y-%m-%d}.pdf" in response["Content-Disposition"]
    assert (
        client.get(reverse("amap:sign_in_sheets_day_pdf", args=[s.amap.slug, "2020-01-01"])).status_code
        == 404
    )


def test_the_list_shows_the_next_distributions_and_the_menu_links_it(client):
    s, day = _day(0)
    _volunteer(client, s.amap)
    page = client.get(reverse("amap:sign_in_sheets", args=[s.amap.slug])).content.decode()
    assert _sheet_url(s, day) in page and "Feuilles d'émargement" in page
    assert page.count(reverse("amap:sign_in_sheets", args=[s.amap.slug])) >= 1


def test_only_an_amap_has_sheets(client):
    shop = EnterpriseFactory(name="Épicerie", slug="epicerie", model="hub")
    _volunteer(client, shop)
    assert client.get(reverse("amap:sign_in_sheets", args=[shop.slug])).status_code == 404
    s, day = _day(0)
    # Another AMAP's distribution is not found either.
    assert client.get(reverse("amap:sign_in_sheet", args=[shop.slug, day.uuid])).status_code == 404
    page = client.get(reverse("manage:dashboard", args=[shop.slug])).content.decode()
    assert "émargement" not in page
