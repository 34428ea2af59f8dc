"""The seller's orders list: its filters (distribution day, pickup point, customer, producer...),
a clean query string, the downloads of the filtered list (CSV, XLSX) and its constant cost."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.cycles.models import ShippingMethod
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Line, Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def place(data, name, *, tomatoes=1, eggs=0, shipping=None, key=None):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    if tomatoes:
        cart_set_quantity(cart=cart, variant=data.variants[0], quantity=tomatoes)
    if eggs:
        cart_set_quantity(cart=cart, variant=data.variants[1], quantity=eggs)
    email = f"{name.split()[0].lower()}@exemple.fr"
    return order_place(
        cart=cart,
        email=email,
        full_name=name,
        phone="06 12 34 56 78",
        shipping_method=shipping or data.pickup,
        payment_method=data.cheque,
        idempotency_key=key or name,
    )


def pickup_on(order, day: datetime.date, hour=18):
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    Order.objects.filter(pk=order.pk).update(pickup_at=at)


@pytest.fixture
def shop():
    data = open_shop()
    Variant.objects.filter(pk__in=[v.pk for v in data.variants]).update(on_hand=1000)
    data.market = ShippingMethod.objects.create(enterprise=data.shop, kind="pickup", name="Marché du jeudi")
    data.distribution.shipping_methods.add(data.market)
    data.manager = RoleFactory(enterprise=data.shop, role="manager").user
    return data


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.manager)
    return client


def listed(seller, shop, **params) -> str:
    response = seller.get(reverse("orders:orders", args=[shop.shop.slug]), params)
    assert response.status_code == 200, response
    return response.content.decode()


def numbers(html: str, orders) -> set[str]:
    return {o.number for o in orders if f">{o.number}</a>" in html}


def test_the_distribution_day_filter_keeps_the_orders_picked_up_that_local_day(seller, shop):
    thursday = datetime.date(2027, 3, 11)
    late = place(shop, "Anne Late")
    early = place(shop, "Basile Early")
    friday = place(shop, "Chloé Friday")
    pickup_on(late, thursday, hour=23)  # 22:00 UTC, still Thursday in Paris
    pickup_on(early, thursday, hour=0)
    pickup_on(friday, thursday + datetime.timedelta(days=1), hour=0)
    html = listed(seller, shop, day="2027-03-11")
    assert numbers(html, [late, early, friday]) == {late.number, early.number}


def test_a_bad_day_says_so_in_french_and_filters_nothing(seller, shop):
    order = place(shop, "Anne Martin")
    html = listed(seller, shop, day="2027-02-31")
    assert "Saisissez une date valide" in html and numbers(html, [order]) == {order.number}


def test_the_pickup_point_filter_keeps_the_orders_of_that_method(seller, shop):
    farm = place(shop, "Anne Ferme")
    market = place(shop, "Basile Marché", shipping=shop.market)
    html = listed(seller, shop, shipping=str(shop.market.uuid))
    assert numbers(html, [farm, market]) == {market.number}
    assert "Retrait — Marché du jeudi" in html  # a choice of the select


def test_the_customer_filter_keeps_that_customers_orders_and_names_them(seller, shop):
    anne = place(shop, "Anne Martin")
    again = place(shop, "Anne Martin", key="again")
    other = place(shop, "Basile Roux")
    html = listed(seller, shop, customer=str(anne.customer.uuid))
    assert numbers(html, [anne, again, other]) == {anne.number, again.number}
    assert "Commandes de Anne Martin." in html


def test_the_customer_filter_refuses_another_sellers_customer(seller, shop):
    mine = place(shop, "Anne Martin")
    theirs = place(open_shop(shop=EnterpriseFactory(slug="autre")), "Basile Roux")
    html = listed(seller, shop, customer=str(theirs.customer.uuid))
    assert "Ce client n'est pas l'un de vos clients" in html
    assert numbers(html, [mine, theirs]) == {mine.number}


def test_the_producer_filter_keeps_the_orders_holding_one_of_its_lines(seller, shop):
    neighbour = EnterpriseFactory(name="Ferme voisine", slug="ferme-voisine")
    both = place(shop, "Anne Martin", tomatoes=1, eggs=1)
    mine_only = place(shop, "Basile Roux", tomatoes=2)
    Line.objects.filter(order=both, variant=shop.variants[1]).update(producer=neighbour)
    html = listed(seller, shop, producer="ferme-voisine")
    assert numbers(html, [both, mine_only]) == {both.number}
    assert '<option value="ferme-voisine" selected>Ferme voisine</option>' in html
    html = listed(seller, shop, producer=shop.shop.slug)
    assert numbers(html, [both, mine_only]) == {both.number, mine_only.number}


def test_filters_add_up_and_status_still_filters(seller, shop):
    thursday = datetime.date(2027, 3, 11)
    a = place(shop, "Anne Martin", shipping=shop.market)
    b = place(shop, "Basile Roux", shipping=shop.market)
    c = place(shop, "Chloé Petit")
    for order in (a, b, c):
        pickup_on(order, thursday)
    Order.objects.filter(pk=b.pk).update(status="fulfilled")
    html = listed(seller, shop, day="2027-03-11", shipping=str(shop.market.uuid), status="placed")
    assert numbers(html, [a, b, c]) == {a.number}


def test_another_sellers_orders_are_never_listed(seller, shop):
    mine = place(shop, "Anne Martin")
    other = open_shop(shop=EnterpriseFactory(slug="autre"))
    theirs = place(other, "Basile Roux")
    html = listed(seller, shop)
    assert numbers(html, [mine, theirs]) == {mine.number}
    html = listed(seller, shop, shipping=str(other.pickup.uuid))  # not one of its choices
    assert numbers(html, [mine, theirs]) == {mine.number}


def test_empty_and_repeated_parameters_are_dropped_from_the_address(seller, shop):
    url = reverse("orders:orders", args=[shop.shop.slug])
    response = seller.get(f"{url}?q=&status=placed&day=&status=fulfilled&cycle=&paid=")
    assert response.status_code == 302 and response["Location"] == f"{url}?status=placed"


def test_the_page_links_keep_the_filters_and_nothing_empty(seller, shop):
    for i in range(51):
        place(shop, f"Client{i} Martin", key=f"k{i}")
    html = listed(seller, shop, status="placed")
    assert 'href="?status=placed&amp;page=2"' in html


# --- downloads ---------------------------------------------------------------------------------


def download(seller, shop, **params):
    response = seller.get(reverse("orders:orders", args=[shop.shop.slug]), params)
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def euros(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_the_orders_csv_has_one_row_per_filtered_order_and_their_total(seller, shop):
    a = place(shop, "Anne Martin", tomatoes=2, eggs=1)
    b = place(shop, "Basile Martin", tomatoes=1, shipping=shop.market)
    place(shop, "Chloé Petit", tomatoes=1)  # filtered out below
    Order.objects.filter(pk=b.pk).update(status="fulfilled")
    response = download(seller, shop, format="csv", rows="orders", q="Martin")
    assert response["Content-Type"].startswith("text/csv")
    header, *rows, total = csv_rows(response)
    assert header[:8] == [
        "Numéro",
        "Passée le",
        "Client",
        "E-mail",
        "Téléphone",
        "Retrait ou livraison",
        "Date de retrait ou de livraison",
        "État",
    ]
    assert header[8] == "Paiement" and header[-4:] == ["Produits", "Frais", "dont TVA", "Total"]
    assert [row[0] for row in rows] == [a.number, b.number]
    anne, basile = rows
    assert anne[2:6] == ["Anne Martin", "anne@exemple.fr", "06 12 34 56 78", "Retrait à la ferme"]
    assert basile[5] == "Marché du jeudi" and basile[7] == "Remise" and anne[8] == "Non payée"
    assert euros(anne[-1]) == a.total and euros(anne[-4]) == a.items_total
    assert total[0] == "Total"
    for column in (-4, -3, -2, -1):
        assert euros(total[column]) == sum(euros(row[column]) for row in rows)
    assert euros(total[-1]) == a.total + b.total


def test_the_lines_csv_has_one_row_per_line_and_only_the_filtered_producers(seller, shop):
    neighbour = EnterpriseFactory(name="Ferme voisine", slug="ferme-voisine")
    a = place(shop, "Anne Martin", tomatoes=2, eggs=1)
    place(shop, "Basile Roux", tomatoes=3)
    Line.objects.filter(order=a, variant=shop.variants[1]).update(producer=neighbour)
    header, *rows, total = csv_rows(download(seller, shop, format="csv", rows="lines"))
    assert header == [
        "Commande",
        "Client",
        "Producteur",
        "Produit",
        "Variante",
        "Conditionnement",
        "Quantité",
        "Prix unitaire",
        "Taux de TVA",
        "Total",
    ]
    assert len(rows) == 3 and rows[0][:4] == [a.number, "Anne Martin", shop.shop.name, "Tomates"]
    assert rows[0][6:8] == ["2", "3,20"] and euros(rows[0][9]) == Decimal("6.40")
    assert total[0] == "Total" and euros(total[-1]) == sum(euros(r[-1]) for r in rows)
    assert total[6] == "6"
    header, *rows, total = csv_rows(
        download(seller, shop, format="csv", rows="lines", producer="ferme-voisine")
    )
    assert [(r[0], r[2], r[3]) for r in rows] == [(a.number, "Ferme voisine", "Œufs")]
    assert euros(total[-1]) == Decimal("2.50")


def test_the_xlsx_downloads_hold_the_same_rows_as_numbers(seller, shop):
    a = place(shop, "Anne Martin", tomatoes=2, eggs=1)
    b = place(shop, "=HYPERLINK(1)", tomatoes=1, key="b")
    response = download(seller, shop, format="xlsx", rows="orders")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows, total = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Numéro" and [r[0] for r in rows] == [a.number, b.number]
    assert rows[1][2] == "=HYPERLINK(1)"  # a text, never a formula
    assert Decimal(str(rows[0][-1])) == a.total and Decimal(str(total[-1])) == a.total + b.total
    response = download(seller, shop, format="xlsx", rows="lines")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows, total = list(sheet.iter_rows(values_only=True))
    assert header[2] == "Producteur" and len(rows) == 3 and rows[0][6] == 2
    assert Decimal(str(total[-1])) == sum(Decimal(str(r[-1])) for r in rows) == a.items_total + b.items_total


def test_an_unknown_download_is_not_found(seller, shop):
    url = reverse("orders:orders", args=[shop.shop.slug])
    assert seller.get(url, {"format": "pdf"}).status_code == 404
    assert seller.get(url, {"format": "csv", "rows": "fees"}).status_code == 404


def test_a_download_never_holds_another_sellers_orders(seller, shop):
    mine = place(shop, "Anne Martin")
    theirs = place(open_shop(shop=EnterpriseFactory(slug="autre")), "Basile Roux")
    _header, *rows, _total = csv_rows(download(seller, shop, format="csv", rows="lines"))
    assert [(r[0], r[1]) for r in rows] == [(mine.number, "Anne Martin")]
    assert theirs.lines.count() == 1


# --- cost ----------------------------------------------------------------------------------------


def test_the_filtered_list_costs_the_same_whatever_the_number_of_orders(
    seller, shop, django_assert_max_num_queries
):
    thursday = datetime.date(2027, 3, 11)
    params = {
        "day": "2027-03-11",
        "shipping": str(shop.market.uuid),
        "producer": shop.shop.slug,
        "status": "placed",
        "paid": "unpaid",
    }
    url = reverse("orders:orders", args=[shop.shop.slug])
    first = place(shop, "Anne Martin", shipping=shop.market, key="first")
    pickup_on(first, thursday)
    customer = {"customer": str(first.customer.uuid)}
    with django_assert_max_num_queries(11) as few:  # each chosen filter checked once
        seller.get(url, params)
    for i in range(30):
        pickup_on(place(shop, f"Client{i} Martin", shipping=shop.market, eggs=1, key=f"k{i}"), thursday)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = seller.get(url, params).content.decode()
    assert html.count('name="orders"') == 31
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        seller.get(url, {**params, **customer})
