"""GET /api/v1/enterprises/{slug}/reports and /reports/{name}: the registry and one report's rows as
JSON or CSV, for the owners and managers of the structure."""

import csv
import io
from decimal import Decimal

import pytest

from cabas.accounts.models import ApiToken
from cabas.fulfilment.reports.base import REPORTED, REPORTS
from cabas.fulfilment.tests.sales import sales
from cabas.orders.models import Line, Order
from tests.factories import HubFactory, RoleFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="rapports")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def member(enterprise, role="manager"):
    return bearer(RoleFactory(enterprise=enterprise, role=role).user)


def url(slug, name=""):
    return f"/api/v1/enterprises/{slug}/reports" + (f"/{name}" if name else "")


def test_it_lists_the_reports_of_the_structure_with_their_filters(client):
    world = sales(orders=2)
    answer = client.get(url(world.shop.slug), **member(world.shop)).json()
    names = [r["name"] for r in answer]
    assert {"orders-by-supplier", "packing-by-customer", "vat-by-rate", "producer-deliveries"} <= set(names)
    by_name = {r["name"]: r for r in answer}
    assert by_name["orders-by-supplier"]["title"] == str(REPORTS["orders-by-supplier"].title)
    assert by_name["orders-by-supplier"]["group"] == "orders"
    assert "cycle" in by_name["orders-by-supplier"]["filters"]
    hub = HubFactory()  # not a producer: no « Ce que j'apporte »
    assert "producer-deliveries" not in [r["name"] for r in client.get(url(hub.slug), **member(hub)).json()]


def test_it_answers_a_reports_rows_and_totals_with_amounts_as_decimal_strings(client):
    world = sales(orders=3)
    answer = client.get(
        url(world.shop.slug, "orders-by-supplier"),
        {"cycle": str(world.data.cycle.uuid)},
        **member(world.shop),
    ).json()
    assert [c["key"] for c in answer["columns"]][-1] == "amount"
    lines = Line.objects.filter(order__seller=world.shop, order__status__in=REPORTED)
    assert Decimal(answer["totals"]["amount"]) == sum((line.total for line in lines), Decimal(0))
    assert sum(Decimal(row["amount"]) for row in answer["rows"]) == Decimal(answer["totals"]["amount"])
    assert all(isinstance(row["amount"], str) for row in answer["rows"])


def test_it_answers_the_csv_of_the_page(client):
    world = sales(orders=3)
    response = client.get(
        url(world.shop.slug, "customer-totals"), {"format": "csv"}, **member(world.shop, "owner")
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[-1][0] == "Total"
    total = sum((o.total for o in Order.objects.filter(seller=world.shop, status__in=REPORTED)), Decimal(0))
    assert Decimal(rows[-1][-1].replace(",", ".")) == total


def test_it_refuses_a_filter_that_is_not_the_structures_in_french(client):
    world = sales(orders=2)
    other = HubFactory()
    response = client.get(
        url(world.shop.slug, "orders-by-supplier"), {"from": "2026-13-45"}, **member(world.shop)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"
    response = client.get(
        url(world.shop.slug, "orders-by-supplier"), {"producer": other.slug}, **member(world.shop)
    )
    assert response.status_code == 422 and "producer" in response.json()["detail"]


def test_it_keeps_reports_to_owners_and_managers(client):
    world = sales(orders=2)
    assert client.get(url(world.shop.slug)).status_code == 401
    assert client.get(url(world.shop.slug), **member(world.shop, "volunteer")).status_code == 403
    outsider = member(HubFactory(), "owner")
    assert client.get(url(world.shop.slug), **outsider).status_code == 404
    assert client.get(url(world.shop.slug, "orders-by-supplier"), **outsider).status_code == 404
    assert client.get(url(world.shop.slug, "no-such-report"), **member(world.shop)).status_code == 404
