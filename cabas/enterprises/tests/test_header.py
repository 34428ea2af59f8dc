"""The site header's links for a logged-in user: « Mes commandes » always, « Mes structures » for members."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def main_nav(response) -> str:
    match = re.search(r'<nav aria-label="Navigation principale".*?</nav>', response.content.decode(), re.S)
    assert match
    return match.group(0)


def test_a_customer_sees_my_orders_but_not_my_enterprises(client_for, customer):
    nav = main_nav(client_for(customer).get("/"))

    assert '<a href="/my/orders/">Mes commandes</a>' in nav
    assert "Mes structures" not in nav


def test_a_member_sees_my_orders_and_my_enterprises(client_for, volunteer):
    nav = main_nav(client_for(volunteer).get("/"))

    assert '<a href="/my/orders/">Mes commandes</a>' in nav
    assert '<a href="/manage/">Mes structures</a>' in nav


def test_a_visitor_sees_neither_and_costs_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        nav = main_nav(client.get("/"))

    assert "Mes commandes" not in nav and "Mes structures" not in nav
    assert not any("enterprises_role" in query["sql"] for query in queries.captured_queries)


def test_the_header_reads_membership_in_one_query(client_for, volunteer):
    client = client_for(volunteer)
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/profile/")

    role_reads = [q["sql"] for q in queries.captured_queries if 'FROM "enterprises_role"' in q["sql"]]
    # The profile page lists the roles once; the header asks once whether there is any.
    assert len(role_reads) == 2


def test_a_customer_finds_create_my_enterprise_on_their_account_page(client_for, customer):
    page = client_for(customer).get("/accounts/profile/").content.decode()

    assert '<a href="/manage/new/">Créer ma structure</a>' in page


def test_a_back_office_page_adds_no_query_for_the_header(client_for, volunteer, enterprise):
    client = client_for(volunteer)
    with CaptureQueriesContext(connection) as queries:
        nav = main_nav(client.get(f"/manage/{enterprise.slug}/"))

    assert '<a href="/manage/">Mes structures</a>' in nav
    role_reads = [q["sql"] for q in queries.captured_queries if 'FROM "enterprises_role"' in q["sql"]]
    assert len(role_reads) == 1  # the access check's own
