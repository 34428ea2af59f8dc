"""Payment reports: payments by method and period, customer balances at a date, SEPA collections —
the figures, their totals (always the sum of the rows), the CSV exports and the bad inputs."""

import csv
import datetime
import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.orders.models import Customer
from cabas.payments.accounts.ledger import account_post
from cabas.payments.models import AccountEntry, Collection, CollectionItem, Mandate, Payment
from cabas.payments.records.services import payment_record
from cabas.payments.reports import tables as reports
from cabas.payments.tests.placed import placed_order
from tests.factories import EnterpriseFactory

D = Decimal


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def customer_of(enterprise, email="lea@exemple.fr", **kwargs) -> Customer:
    return Customer.objects.create(enterprise=enterprise, email=email, **kwargs)


def pay(seller, customer, kind, amount, on, state=Payment.State.SUCCEEDED, **kwargs) -> Payment:
    return payment_record(
        seller=seller,
        customer=customer,
        kind=kind,
        amount=D(amount),
        received_on=day(on),
        state=state,
        **kwargs,
    )


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "a BOM tells Excel the file is UTF-8"
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


# --- Payments by method and period ------------------------------------------------------------


@pytest.fixture
def history(enterprise):
    """Payments of Ferme des Collines in March and April 2026, with a refund, plus payments that
    must not count (pending, failed, another seller's, outside the range)."""
    lea = customer_of(enterprise)
    pay(enterprise, lea, "cheque", "12.50", "2026-03-02")
    pay(enterprise, lea, "cheque", "7.50", "2026-03-20")
    pay(enterprise, lea, "cash", "5.00", "2026-03-20")
    pay(enterprise, lea, "transfer", "40.00", "2026-04-01")
    pay(enterprise, lea, "transfer", "-15.00", "2026-04-03", note="remboursement")
    pay(enterprise, lea, "card", "9.90", "2026-04-30")
    pay(enterprise, lea, "transfer", "100.00", "2026-04-10", state=Payment.State.PENDING)
    pay(enterprise, lea, "card", "33.00", "2026-04-10", state=Payment.State.FAILED)
    pay(enterprise, lea, "cash", "1000.00", "2026-05-01")  # after the range
    other = EnterpriseFactory(name="Autre Ferme")
    pay(other, customer_of(other), "cheque", "500.00", "2026-03-10")
    return enterprise


def test_it_sums_received_payments_by_month_and_kind_with_refunds_apart(history):
    report = reports.payments_by_method(
        seller=history, period="month", date_from=day("2026-03-01"), date_to=day("2026-04-30")
    )

    rows = [
        (r.label, r.kind_label, r.count, r.received, r.refunds_count, r.refunded, r.net) for r in report.rows
    ]
    assert rows == [
        ("mars 2026", "Espèces au retrait", 1, D("5.00"), 0, D("0.00"), D("5.00")),
        ("mars 2026", "Chèque", 2, D("20.00"), 0, D("0.00"), D("20.00")),
        ("avril 2026", "Carte bancaire", 1, D("9.90"), 0, D("0.00"), D("9.90")),
        ("avril 2026", "Virement bancaire", 1, D("40.00"), 1, D("-15.00"), D("25.00")),
    ]
    total = report.total
    assert (total.count, total.received, total.refunds_count, total.refunded, total.net) == (
        5,
        D("74.90"),
        1,
        D("-15.00"),
        D("59.90"),
    )
    assert [(r.kind, r.net) for r in report.by_kind] == [
        ("card", D("9.90")),
        ("cheque", D("20.00")),
        ("cash", D("5.00")),
        ("transfer", D("25.00")),
    ]


def test_it_groups_by_iso_week_starting_monday_and_by_day(history):
    weeks = reports.payments_by_method(
        seller=history, period="week", date_from=day("2026-03-01"), date_to=day("2026-03-31")
    )
    # 2026-03-02 is a Monday; the 20th is the Friday of the week starting the 16th.
    assert [(r.label, r.kind, r.received) for r in weeks.rows] == [
        ("semaine du 02/03/2026", "cheque", D("12.50")),
        ("semaine du 16/03/2026", "cash", D("5.00")),
        ("semaine du 16/03/2026", "cheque", D("7.50")),
    ]
    days = reports.payments_by_method(
        seller=history, period="day", date_from=day("2026-03-20"), date_to=day("2026-03-20")
    )
    assert [(r.label, r.kind, r.received) for r in days.rows] == [
        ("20/03/2026", "cash", D("5.00")),
        ("20/03/2026", "cheque", D("7.50")),
    ]


def test_it_costs_one_query_whatever_the_number_of_payments(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        reports.payments_by_method(
            seller=history, period="day", date_from=day("2026-01-01"), date_to=day("2026-12-31")
        )


AMOUNTS = st.decimals(min_value=D("-500"), max_value=D("500"), places=2).filter(lambda v: v != 0)
PAYMENTS = st.lists(
    st.tuples(
        st.sampled_from(["cash", "cheque", "transfer", "card", "sepa"]),
        AMOUNTS,
        st.integers(min_value=0, max_value=120),
        st.sampled_from(list(Payment.State.values)),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payments=PAYMENTS, period=st.sampled_from(["day", "week", "month"]))
def test_it_has_totals_equal_to_the_sum_of_rows_and_of_payments_received(enterprise, payments, period):
    Payment.objects.filter(seller=enterprise).delete()
    customer = Customer.objects.filter(enterprise=enterprise).first() or customer_of(enterprise)
    start = day("2026-01-05")
    for kind, amount, offset, state in payments:
        pay(
            enterprise,
            customer,
            kind,
            amount,
            (start + datetime.timedelta(days=offset)).isoformat(),
            state=state,
        )

    report = reports.payments_by_method(
        seller=enterprise, period=period, date_from=start, date_to=start + datetime.timedelta(days=90)
    )

    received = [a for _k, a, o, s in payments if s == "succeeded" and o <= 90]
    assert report.total.net == sum(received, D("0.00"))
    assert report.total.received == sum((a for a in received if a > 0), D("0.00"))
    assert report.total.refunded == sum((a for a in received if a < 0), D("0.00"))
    assert report.total.count + report.total.refunds_count == len(received)
    for part in (report.rows, report.by_kind):
        assert sum((r.net for r in part), D("0.00")) == report.total.net
        assert sum(r.count for r in part) == report.total.count
    assert len({(r.period, r.kind) for r in report.rows}) == len(report.rows)


def report_url(name, enterprise, **query):
    url = reverse(f"payments:{name}", kwargs={"slug": enterprise.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_the_report_page_in_french_format(history, manager, client_for):
    page = client_for(manager).get(
        report_url("report_methods", history, period="month", date_from="2026-03-01", date_to="2026-04-30")
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "Paiements reçus du 01/03/2026 au 30/04/2026" in text
    assert "mars 2026" in text and "avril 2026" in text
    assert "-15,00\u00a0€" in text  # the refund
    assert "59,90\u00a0€" in text  # the net total
    assert "500,00" not in text  # another seller's cheque
    assert (
        'href="/manage/ferme-des-collines/payments/reports/methods.csv?period=month&amp;date_from=2026-03-01'
        in text
    )


def test_it_opens_on_the_current_year_by_month_without_parameters(enterprise, manager, client_for):
    lea = customer_of(enterprise)
    today = timezone.localdate()
    pay(enterprise, lea, "cash", "8.00", today.isoformat())

    page = client_for(manager).get(report_url("report_methods", enterprise))

    assert page.status_code == 200
    assert page.context["report"].period == "month"
    assert page.context["report"].date_from == today.replace(month=1, day=1)
    assert page.context["report"].total.net == D("8.00")


def test_it_lists_a_year_of_payments_in_a_constant_number_of_queries(
    enterprise, manager, client_for, django_assert_max_num_queries
):
    lea = customer_of(enterprise)
    Payment.objects.bulk_create(
        [
            Payment(
                seller=enterprise,
                customer=lea,
                kind=kind,
                amount=D("3.10"),
                state="succeeded",
                received_on=day("2026-01-01") + datetime.timedelta(days=i),
            )
            for i in range(365)
            for kind in ("cash", "cheque")
        ]
    )
    client = client_for(manager)
    with django_assert_max_num_queries(6):
        page = client.get(
            report_url(
                "report_methods", enterprise, period="day", date_from="2026-01-01", date_to="2026-12-31"
            )
        )
    assert len(page.context["report"].rows) == 730
    assert page.context["report"].total.received == D("2263.00")


def test_it_exports_the_payments_report_as_csv_for_a_french_spreadsheet(history, manager, client_for):
    response = client_for(manager).get(
        report_url(
            "report_methods_csv", history, period="month", date_from="2026-03-01", date_to="2026-04-30"
        )
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="paiements-ferme-des-collines-2026-03-01-2026-04-30.csv"' in response["Content-Disposition"]
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Période",
        "Début de la période",
        "Moyen",
        "Paiements",
        "Encaissé",
        "Remboursements",
        "Remboursé",
        "Net",
    ]
    assert rows[1] == ["mars 2026", "01/03/2026", "Espèces au retrait", "1", "5,00", "0", "0,00", "5,00"]
    assert rows[4] == ["avril 2026", "01/04/2026", "Virement bancaire", "1", "40,00", "1", "-15,00", "25,00"]
    assert rows[-1] == ["Total", "", "", "5", "74,90", "1", "-15,00", "59,90"]
    assert len(rows) == 6


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from": "2026-05-01", "date_to": "2026-04-01"},
            "La date de fin doit suivre la date de début.",
        ),
        ({"date_from": "2026-01-01", "date_to": "2206-01-01"}, "Choisissez une période de dix ans au plus."),
        (
            {"period": "day", "date_from": "2024-01-01", "date_to": "2026-01-01"},
            "Par jour, choisissez une période d'un an au plus.",
        ),
        ({"date_from": "31/02/2026"}, "Saisissez une date valide."),
        ({"period": "year"}, "Sélectionnez un choix valide."),
    ],
)
@pytest.mark.parametrize("name", ["report_methods", "report_methods_csv"])
def test_it_refuses_a_bad_period_with_a_french_message(history, manager, client_for, name, query, message):
    response = client_for(manager).get(report_url(name, history, **query))

    assert response.status_code == (400 if name.endswith("_csv") else 200)
    assert response["Content-Type"].startswith("text/html")
    assert message in html.unescape(response.content.decode())
    assert "report" not in response.context


# --- Customer balances ------------------------------------------------------------------------


def at_noon(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(text), datetime.time(12)))


def post(customer, kind, amount, on):
    """An entry written at noon on day `on` (the ledger's own `account_post` writes it now)."""
    last = AccountEntry.objects.filter(customer=customer).order_by("-id").first()
    balance = (last.balance_after if last else D("0.00")) + D(amount)
    return AccountEntry.objects.create(
        customer=customer, kind=kind, amount=D(amount), balance_after=balance, created_at=at_noon(on)
    )


@pytest.fixture
def accounts(enterprise):
    """Three accounts of Ferme des Collines written in March 2026, one of another seller."""
    lea = customer_of(enterprise, "lea@exemple.fr", first_name="Léa", last_name="Bernard", code="C-01")
    marc = customer_of(enterprise, "marc@exemple.fr", first_name="Marc", last_name="Dupont")
    zoe = customer_of(enterprise, "zoe@exemple.fr", first_name="=Zoé", last_name="Vidal")
    customer_of(enterprise, "sans-compte@exemple.fr", last_name="Sans compte")
    post(lea, "top_up", "50.00", "2026-03-01")
    post(lea, "order", "-18.40", "2026-03-05")
    post(marc, "top_up", "20.00", "2026-03-05")
    post(marc, "order", "-25.00", "2026-03-10")  # a negative balance
    post(zoe, "allowance", "30.00", "2026-03-12")
    post(lea, "correction", "1.20", "2026-03-20")
    other = EnterpriseFactory(name="Autre Ferme")
    post(customer_of(other, "lea@exemple.fr"), "top_up", "999.00", "2026-03-01")
    return enterprise


def test_it_gives_each_accounts_balance_at_the_end_of_a_chosen_day(accounts):
    def balances(on):
        rows = reports.customer_balances(enterprise=accounts, at=day(on))
        return [(c.email, c.balance, c.entries_count) for c in rows]

    assert balances("2026-02-28") == []
    assert balances("2026-03-05") == [("lea@exemple.fr", D("31.60"), 2), ("marc@exemple.fr", D("20.00"), 1)]
    assert balances("2026-03-31") == [
        ("lea@exemple.fr", D("32.80"), 3),
        ("marc@exemple.fr", D("-5.00"), 2),
        ("zoe@exemple.fr", D("30.00"), 1),
    ]
    total = reports.balances_total(enterprise=accounts, at=day("2026-03-31"))
    assert (total.accounts, total.balance, total.credit, total.debit) == (
        3,
        D("57.80"),
        D("62.80"),
        D("-5.00"),
    )


def test_it_shows_balances_with_a_total_equal_to_the_rows(accounts, manager, client_for):
    page = client_for(manager).get(report_url("report_balances", accounts, at="2026-03-31"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Soldes au 31/03/2026, fin de journée" in text
    assert "Léa Bernard" in text and "32,80\u00a0€" in text and "-5,00\u00a0€" in text
    assert "Total (3 comptes)" in text and "57,80\u00a0€" in text
    assert "Sans compte" not in text
    assert "999,00" not in text  # another seller's account
    assert sum(c.balance for c in page.context["rows"]) == page.context["total"].balance


def test_it_pages_balances_with_a_page_subtotal_in_constant_queries(
    enterprise, manager, client_for, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("cabas.payments.reports.views.PER_PAGE", 10)
    customers = Customer.objects.bulk_create(
        [
            Customer(enterprise=enterprise, email=f"c{i:03d}@exemple.fr", last_name=f"Client {i:03d}")
            for i in range(25)
        ]
    )
    for i, customer in enumerate(customers):
        account_post(customer=customer, kind="top_up", amount=D(i + 1))
    client = client_for(manager)
    today = timezone.localdate().isoformat()

    with django_assert_max_num_queries(8):
        page = client.get(report_url("report_balances", enterprise, at=today, page=3))

    text = page.content.decode()
    assert [c.last_name for c in page.context["rows"]] == [f"Client {i:03d}" for i in range(20, 25)]
    assert "Sous-total de la page 3" in text and "115,00\u00a0€" in text  # 21 + ... + 25
    assert "Total (25 comptes)" in text and "325,00\u00a0€" in text


def test_it_exports_balances_as_csv_with_the_total(accounts, manager, client_for):
    response = client_for(manager).get(report_url("report_balances_csv", accounts, at="2026-03-31"))

    assert response.status_code == 200
    assert 'filename="soldes-ferme-des-collines-2026-03-31.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Client", "E-mail", "Code client", "Écritures", "Dernière écriture", "Solde"]
    assert rows[1] == ["Léa Bernard", "lea@exemple.fr", "C-01", "3", "20/03/2026", "32,80"]
    assert rows[2] == ["Marc Dupont", "marc@exemple.fr", "", "2", "10/03/2026", "-5,00"]
    # A name starting with "=" is not run as a formula by the spreadsheet.
    assert rows[3] == ["'=Zoé Vidal", "zoe@exemple.fr", "", "1", "12/03/2026", "30,00"]
    assert rows[4] == ["Total au 31/03/2026 (3 comptes)", "", "", "", "", "57,80"]


@pytest.mark.parametrize("name", ["report_balances", "report_balances_csv"])
def test_it_refuses_a_bad_balance_date(accounts, manager, client_for, name):
    response = client_for(manager).get(report_url(name, accounts, at="2026-13-01"))

    assert response.status_code == (400 if name.endswith("_csv") else 200)
    assert response["Content-Type"].startswith("text/html")
    assert "Saisissez une date valide." in html.unescape(response.content.decode())


# --- SEPA collections -------------------------------------------------------------------------


@pytest.fixture
def collections(enterprise):
    """Two collections of Ferme des Collines (one with payments in every state), one of another."""

    def collection(seller, on, message_id, items):
        customer = customer_of(seller, f"{message_id}@exemple.fr")
        mandate = Mandate.objects.create(
            seller=seller,
            customer=customer,
            reference=f"RUM-{message_id}",
            debtor_name="Léa Bernard",
            iban="FR7630006000011234567890189",
            signed_on=day("2026-01-10"),
        )
        total = sum((D(a) for a, _s in items), D("0.00"))
        coll = Collection.objects.create(
            seller=seller, collection_date=day(on), message_id=message_id, total=total
        )
        for n, (amount, state) in enumerate(items):
            payment = pay(seller, customer, "sepa", amount, on, state=state)
            CollectionItem.objects.create(
                collection=coll,
                mandate=mandate,
                payment=payment,
                amount=D(amount),
                end_to_end_id=f"{message_id}-{n}",
                sequence_type="RCUR",
            )
        return coll

    collection(
        enterprise,
        "2026-03-05",
        "CABAS-0001",
        [
            ("20.00", "succeeded"),
            ("15.50", "succeeded"),
            ("12.00", "failed"),
            ("8.00", "pending"),
            ("5.00", "cancelled"),
        ],
    )
    collection(enterprise, "2026-04-05", "CABAS-0002", [("30.00", "pending"), ("10.00", "pending")])
    other = EnterpriseFactory(name="Autre Ferme")
    collection(other, "2026-03-05", "AUTRE-0001", [("99.00", "succeeded")])
    return enterprise


def test_it_lists_each_sepa_collection_with_the_state_of_its_payments(collections):
    rows = list(
        reports.sepa_collections(seller=collections, date_from=day("2026-01-01"), date_to=day("2026-12-31"))
    )

    assert [
        (
            r.message_id,
            r.items_count,
            r.items_total,
            r.pending,
            r.succeeded,
            r.failed,
            r.cancelled,
            r.received,
        )
        for r in rows
    ] == [
        ("CABAS-0002", 2, D("40.00"), 2, 0, 0, 0, None),
        ("CABAS-0001", 5, D("60.50"), 1, 2, 1, 1, D("35.50")),
    ]
    total = reports.collections_total(rows)
    assert (total.collections, total.items_count, total.items_total, total.received) == (
        2,
        7,
        D("100.50"),
        D("35.50"),
    )


def test_it_shows_and_exports_the_sepa_collections(
    collections, manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(6):
        page = client.get(
            report_url("report_sepa", collections, date_from="2026-03-01", date_to="2026-03-31")
        )

    text = page.content.decode()
    assert page.status_code == 200
    assert "CABAS-0001" in text and "60,50\u00a0€" in text and "35,50\u00a0€" in text
    assert "CABAS-0002" not in text  # due in April
    assert "AUTRE-0001" not in text

    response = client.get(
        report_url("report_sepa_csv", collections, date_from="2026-01-01", date_to="2026-12-31")
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Date d'échéance",
        "Identifiant de la remise",
        "Prélèvements",
        "Total",
        "En attente",
        "Reçu",
        "Échoué",
        "Annulé",
        "Encaissé",
    ]
    assert rows[1] == ["05/04/2026", "CABAS-0002", "2", "40,00", "2", "0", "0", "0", "0,00"]
    assert rows[2] == ["05/03/2026", "CABAS-0001", "5", "60,50", "1", "2", "1", "1", "35,50"]
    assert rows[3] == ["Total (2 remises)", "", "7", "100,50", "3", "2", "1", "1", "35,50"]


def test_it_says_when_there_is_nothing_to_report(enterprise, manager, client_for):
    client = client_for(manager)

    assert (
        "Aucun paiement reçu sur cette période."
        in client.get(report_url("report_methods", enterprise)).content.decode()
    )
    assert (
        "Aucun compte client n'a d'écriture"
        in client.get(report_url("report_balances", enterprise)).content.decode()
    )
    assert (
        "Aucune remise de prélèvements" in client.get(report_url("report_sepa", enterprise)).content.decode()
    )


def test_it_counts_payments_of_orders_like_any_other(db):
    order = placed_order()
    payment_record(
        seller=order.seller, order=order, kind="cheque", amount=order.total, cheque_number="0001234"
    )
    today = timezone.localdate()

    report = reports.payments_by_method(seller=order.seller, period="month", date_from=today, date_to=today)

    assert report.total.net == order.total
    assert [r.kind for r in report.rows] == ["cheque"]


def test_it_links_the_reports_from_the_reports_page_for_managers_only(
    enterprise, manager, volunteer, client_for
):
    url = report_url("report_methods", enterprise)
    reports = reverse("fulfilment:reports", kwargs={"slug": enterprise.slug})

    assert f'href="{url}"' in client_for(manager).get(reports).content.decode()
    assert f'href="{url}"' not in client_for(volunteer).get(reports).content.decode()
