import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cabas.fulfilment.reports import render
from cabas.fulfilment.reports.base import REPORTS, Filters
from cabas.fulfilment.tests.sales import sales
from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import HubFactory, RoleFactory

pytestmark = pytest.mark.django_db

REPORTED = (Order.Status.PLACED, Order.Status.FULFILLED)


def _member(client, shop, role="manager"):
    client.force_login(RoleFactory(enterprise=shop, role=role).user)
    return client


def _url(shop, name="customer-totals"):
    return reverse("fulfilment:report", kwargs={"slug": shop.slug, "name": name})


def _amount(text: str) -> Decimal:
    """A French amount as shown ("1 234,50 €") back to a Decimal."""
    return Decimal(text.replace("\u202f", "").replace("\u00a0", "").replace("€", "").replace(",", "."))


def _reported_total(shop, field="total") -> Decimal:
    return sum(
        (getattr(o, field) for o in Order.objects.filter(seller=shop, status__in=REPORTED)), Decimal(0)
    )


def _column(table, key):
    return [c.key for c in table.columns].index(key)


# --- The list of reports ----------------------------------------------------------------------


def test_it_lists_the_reports_by_group_with_their_description(client):
    data = sales(orders=2)
    response = _member(client, data.shop).get(reverse("fulfilment:reports", kwargs={"slug": data.shop.slug}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Commandes et préparation" in page
    for name in ("orders-by-supplier", "customer-totals"):
        assert str(REPORTS[name].title) in page
        assert str(REPORTS[name].description).replace("'", "&#x27;") in page
        assert _url(data.shop, name) in page
    assert 'aria-current="page">Rapports</a>' in page  # the back-office menu links to it


def test_it_lists_to_a_volunteer_only_the_reports_of_its_role(client):
    data = sales(orders=2)
    response = _member(client, data.shop, "volunteer").get(
        reverse("fulfilment:reports", kwargs={"slug": data.shop.slug})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Totaux par producteur" not in page and "Feuille d&#x27;émargement" in page
    assert _member(client, data.shop, "volunteer").get(_url(data.shop)).status_code == 403
    sheet = client.get(_url(data.shop, "distribution-sheet"))
    assert sheet.status_code == 200 and "Signature" in sheet.content.decode()
    assert client.get(_url(data.shop, "distribution-sheet") + "?format=pdf").status_code == 200


def test_it_answers_404_to_an_outsider_whatever_the_report(client):
    data = sales(orders=2)
    client.force_login(RoleFactory(enterprise=HubFactory(), role="owner").user)
    for name in ("distribution-sheet", "orders-by-supplier", "pay-your-suppliers"):
        assert client.get(_url(data.shop, name)).status_code == 404


def test_it_answers_404_for_an_unknown_report_or_format(client):
    data = sales(orders=2)
    member = _member(client, data.shop)
    assert member.get(_url(data.shop, "no-such-report")).status_code == 404
    assert member.get(_url(data.shop) + "?format=docx").status_code == 404


# --- One report's page ------------------------------------------------------------------------


def test_it_shows_a_totals_row_equal_to_the_sum_of_the_rows_shown(client):
    data = sales(orders=5)
    response = _member(client, data.shop).get(_url(data.shop), {"cycle": data.data.cycle.uuid})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.count == 5 and table.subtotals is None
    index = _column(table, "total")
    shown = sum(_amount(row[index].text) for row in table.rows)
    assert _amount(table.totals[index].text) == shown == _reported_total(data.shop)
    assert table.totals[0].text == "Total"
    page = response.content.decode()
    assert "<caption>Totaux par client — Cycle : Vente de la semaine</caption>" in page
    assert table.totals[index].text in page
    assert (
        f"format=csv&amp;cycle={data.data.cycle.uuid}" in page
        or f"cycle={data.data.cycle.uuid}&amp;format=csv" in page
    )


def test_it_pages_the_rows_and_keeps_the_totals_over_every_page(client, monkeypatch):
    monkeypatch.setattr(render, "PER_PAGE", 2)
    data = sales(orders=5)
    member = _member(client, data.shop)

    second = member.get(_url(data.shop), {"page": 2}).context["table"]
    beyond = member.get(_url(data.shop), {"page": 99}).context["table"]

    assert [row[0].text for row in second.rows] == ["Client 003", "Client 004"]
    assert (second.page.number, second.page.paginator.num_pages, second.count) == (2, 3, 5)
    index = _column(second, "total")
    assert _amount(second.subtotals[index].text) == sum(_amount(row[index].text) for row in second.rows)
    assert _amount(second.totals[index].text) == _reported_total(data.shop)
    assert [row[0].text for row in beyond.rows] == ["Client 005"] and beyond.page.number == 3


def test_it_computes_in_one_pass_the_totals_report_totals_gives():
    data = sales(orders=6)
    filters = Filters(enterprise=data.shop)
    for report in REPORTS.values():
        table = render.table(report, filters, 1, per_page=4)
        totals = report.totals(filters)
        for key, value in totals.items():
            column = next(c for c in report.columns if c.key == key)
            assert table.totals[_column(table, key)] == render.display(column, value)


# --- Downloads --------------------------------------------------------------------------------


def test_it_downloads_a_french_csv_with_a_totals_row(client):
    data = sales(orders=4)
    response = _member(client, data.shop).get(_url(data.shop), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="customer-totals-ferme-des-saules-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == [
        "Client",
        "Adresse e-mail",
        "Téléphone",
        "Commandes",
        "Produits TTC",
        "Frais TTC",
        "Total TTC",
    ]
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 4 and total[0] == "Total"
    assert all("," in row[6] and "." not in row[6] for row in body)
    in_rows = sum(Decimal(row[6].replace(",", ".")) for row in body)
    assert Decimal(total[6].replace(",", ".")) == in_rows == _reported_total(data.shop)
    assert total[3] == "4"


def test_it_downloads_a_workbook_with_a_totals_row(client):
    data = sales(orders=4)
    response = _member(client, data.shop).get(_url(data.shop, "orders-by-supplier"), {"format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="orders-by-supplier-ferme-des-saules-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Producteur", "Commandes", "Quantité", "Montant TTC"]
    assert [row[0] for row in rows[1:]] == ["Ferme des Saules", "Rucher des Monts", "Total"]
    amounts = [Decimal(str(row[3])) for row in rows[1:-1]]
    assert Decimal(str(rows[-1][3])) == sum(amounts) == _reported_total(data.shop, "items_total")
    assert rows[-1][1] is None  # an order of both producers is in both rows: not summed


def test_it_downloads_a_pdf(client):
    data = sales(orders=3)
    response = _member(client, data.shop).get(
        _url(data.shop, "orders-by-supplier"), {"format": "pdf", "producer": data.beekeeper.slug}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1000
    assert 'filename="orders-by-supplier-ferme-des-saules-' in response["Content-Disposition"]


def test_it_prints_only_the_first_rows_and_says_so(monkeypatch):
    monkeypatch.setattr(render, "PDF_MAX_ROWS", 2)
    captured = {}
    real = render.render_to_string

    def spy(template, context):
        captured["html"] = real(template, context)
        return captured["html"]

    monkeypatch.setattr(render, "render_to_string", spy)
    data = sales(orders=5)
    assert render.pdf_bytes(REPORTS["customer-totals"], Filters(enterprise=data.shop)).startswith(b"%PDF")
    html = captured["html"]
    assert "ne montre que les 2 premières lignes sur 5" in html
    assert "Client 002" in html and "Client 003" not in html
    assert "Ferme des Saules" in html and "Toutes les commandes" in html


def test_it_gives_the_api_its_rows_with_amounts_as_decimal_strings():
    data = sales(orders=3)
    result = render.json_data(REPORTS["customer-totals"], Filters(enterprise=data.shop))
    assert result["columns"][0] == {"key": "name", "label": "Client"}
    assert [row["name"] for row in result["rows"]] == ["Client 001", "Client 002", "Client 003"]
    assert result["totals"]["total"] == str(_reported_total(data.shop))
    assert all(isinstance(row["total"], str) and "." in row["total"] for row in result["rows"])
    assert result["totals"]["orders"] == 3


# --- Bad filters ------------------------------------------------------------------------------


def test_it_refuses_the_cycle_of_another_enterprise_in_french(client):
    data = sales(orders=2)
    other = open_shop(shop=HubFactory())
    member = _member(client, data.shop)
    response = member.get(_url(data.shop), {"cycle": other.cycle.uuid})
    assert response.status_code == 200
    assert "table" not in response.context
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert member.get(_url(data.shop), {"cycle": other.cycle.uuid, "format": "csv"}).status_code == 400


def test_it_refuses_a_malformed_date_or_an_inverted_period_in_french(client):
    data = sales(orders=2)
    member = _member(client, data.shop)
    malformed = member.get(_url(data.shop), {"from": "2026-13-45", "cycle": "pas-un-uuid"})
    inverted = member.get(_url(data.shop), {"from": "2026-12-07", "to": "2026-12-01"})
    assert malformed.status_code == inverted.status_code == 200
    assert "Saisissez une date valide" in malformed.content.decode()
    assert "La date de fin doit suivre la date de début." in inverted.content.decode()
    assert "table" not in malformed.context and "table" not in inverted.context


def test_it_offers_only_the_filters_the_report_declares(client):
    data = sales(orders=2)
    form = _member(client, data.shop).get(_url(data.shop)).context["form"]
    assert list(form.fields) == ["from", "to", "cycle", "distribution_date", "shipping_method"]
    producers = _member(client, data.shop).get(_url(data.shop, "orders-by-supplier")).context["form"]
    assert [p.name for p in producers.fields["producer"].queryset] == ["Ferme des Saules", "Rucher des Monts"]


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("orders", [2, 20])
def test_it_reads_the_pages_in_as_many_queries_whatever_the_number_of_orders(
    orders, client, django_assert_max_num_queries
):
    data = sales(orders=orders)
    member = _member(client, data.shop)
    with django_assert_max_num_queries(4):
        assert member.get(reverse("fulfilment:reports", kwargs={"slug": data.shop.slug})).status_code == 200
    # ... one of them the member's recent exports of the report
    with django_assert_max_num_queries(12):
        response = member.get(
            _url(data.shop, "orders-by-supplier"),
            {
                "cycle": data.data.cycle.uuid,
                "producer": data.shop.slug,
                "shipping_method": data.data.pickup.uuid,
            },
        )
    assert response.status_code == 200 and response.context["table"].count == 1
    with django_assert_max_num_queries(9):
        assert member.get(_url(data.shop)).context["table"].count == orders


def test_it_offers_what_to_bring_only_to_producers(client):
    hub = HubFactory()
    _member(client, hub)
    assert (
        "Ce que j"
        not in client.get(reverse("fulfilment:reports", kwargs={"slug": hub.slug})).content.decode()
    )
    assert client.get(_url(hub, "producer-deliveries")).status_code == 404
    data = sales(orders=2)  # a farm shop: a producer
    _member(client, data.shop)
    page = client.get(reverse("fulfilment:reports", kwargs={"slug": data.shop.slug})).content.decode()
    assert _url(data.shop, "producer-deliveries") in page


def test_it_says_a_payment_reports_period_is_of_payments_received(client):
    data = sales(orders=2)
    _member(client, data.shop)
    page = client.get(_url(data.shop, "payments-by-type"), {"from": "2026-01-01"}).content.decode()
    assert "Paiements reçus du" in page and "Commandes passées" not in page
    assert "Commandes passées du" in client.get(_url(data.shop, "customer-totals")).content.decode()
    since = Filters(enterprise=data.shop, date_from=datetime.date(2026, 1, 1))
    assert render.filters_in_words(since, REPORTS["payments-itemised"]) == [
        "Paiements reçus à partir du 01/01/2026"
    ]
    assert render.filters_in_words(since, REPORTS["customer-totals"]) == [
        "Commandes passées à partir du 01/01/2026"
    ]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_page_reads_as_many_queries_for_many_orders_as_for_few(client, name):
    """Each registered report's page (table, totals, filters) takes a fixed number of queries,
    whatever the number of orders, lines, customers and producers (no query per row)."""
    data = sales(orders=2)
    _member(client, data.shop, role="owner")
    member = RoleFactory(enterprise=data.beekeeper, role="owner").user  # « Ce que j'apporte »
    slug = data.beekeeper.slug if name == "producer-deliveries" else data.shop.slug
    if name == "producer-deliveries":
        client.force_login(member)
    url = reverse("fulfilment:report", args=[slug, name])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries)

    few = count()
    for number in range(10, 22):
        delivery = number % 2 == 0  # a delivery asks for 20 € at least
        data.place(number, apples=number % 4 + 8 * delivery + 1, honey=number % 3, delivery=delivery)
    assert count() == few <= 12
