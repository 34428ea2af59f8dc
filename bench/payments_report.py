"""Benchmark of the payment reports over 30,000 payments.

    python -m bench.payments_report [--payments 30000] [--customers 3000] [--requests 20]

One seller in a fresh test database (SQLite, or PostgreSQL when DATABASE_URL says so) with two
years of history: `--payments` payments of every kind (5 % refunds, a few pending or failed), of
which 100 SEPA collections of 50 debits; a prepaid account for every customer (30,000 entries).
A manager requests each report page and CSV export with Django's test client (full middleware
stack, no network; a CSV is read to its last byte); the SQL query count, median and p95 go to
bench/RESULTS.md. Budget (DESIGN.md §7): any report over 30,000 lines ≤ 1 s.
"""

import argparse
import datetime
import random
import time
from decimal import Decimal

from bench.common import fresh_database, machine_lines, record, setup_django, summary_ms

KINDS = ["cash", "cheque", "transfer", "card", "credit"]
START = datetime.date(2025, 1, 1)
DAYS = 730
COLLECTIONS = 100
DEBITS_PER_COLLECTION = 50


def build(payments: int, customers: int, seed: int = 11):
    """A seller, its manager, `customers` customers with accounts, `payments` payments (bulk inserts)."""
    from cabas.accounts.models import User
    from cabas.enterprises.models import Enterprise, Role
    from cabas.orders.models import Customer
    from cabas.payments.models import AccountEntry, Collection, CollectionItem, Mandate, Payment

    rng = random.Random(seed)
    seller = Enterprise.objects.create(
        slug="epicerie-du-plateau", name="Épicerie du Plateau", model="hub", is_producer=False, sells="any"
    )
    manager = User.objects.create_user(
        email="gerant@exemple.fr", password="x", email_confirmed_at="2026-01-01T00:00Z"
    )
    Role.objects.create(user=manager, enterprise=seller, role="manager")
    Customer.objects.bulk_create(
        [
            Customer(
                enterprise=seller,
                email=f"client{i:05d}@exemple.fr",
                first_name="Client",
                last_name=f"{i:05d}",
            )
            for i in range(customers)
        ],
        batch_size=2000,
    )
    people = list(Customer.objects.filter(enterprise=seller).order_by("pk"))

    def amount() -> Decimal:
        return Decimal(rng.randint(150, 12000)) / 100

    def received_on() -> datetime.date:
        return START + datetime.timedelta(days=rng.randrange(DAYS))

    sepa_count = COLLECTIONS * DEBITS_PER_COLLECTION
    rows = []
    for _ in range(payments - sepa_count):
        state = rng.choices(["succeeded", "pending", "failed"], weights=[94, 3, 3])[0]
        value = amount()
        if rng.random() < 0.05:
            value = -value
        rows.append(
            Payment(
                seller=seller,
                customer=rng.choice(people),
                kind=rng.choice(KINDS),
                amount=value,
                state=state,
                received_on=received_on(),
            )
        )
    Payment.objects.bulk_create(rows, batch_size=2000)

    # SEPA: a mandate for the first 500 customers, collections every week or so.
    debtors = people[:500]
    Mandate.objects.bulk_create(
        [
            Mandate(
                seller=seller,
                customer=c,
                reference=f"RUM-{c.pk:06d}",
                debtor_name=c.full_name,
                iban="FR7630006000011234567890189",
                signed_on=START,
            )
            for c in debtors
        ]
    )
    mandates = list(Mandate.objects.filter(seller=seller).order_by("pk"))
    for n in range(COLLECTIONS):
        due = START + datetime.timedelta(days=7 * n)
        debits = [
            Payment(
                seller=seller,
                customer=mandate.customer,
                kind="sepa",
                amount=amount(),
                state=rng.choices(["succeeded", "pending", "failed"], weights=[90, 6, 4])[0],
                received_on=due,
            )
            for mandate in rng.sample(mandates, DEBITS_PER_COLLECTION)
        ]
        Payment.objects.bulk_create(debits)
        collection = Collection.objects.create(
            seller=seller,
            collection_date=due,
            message_id=f"CABAS-{n:05d}",
            total=sum(p.amount for p in debits),
        )
        by_customer = {m.customer_id: m for m in mandates}
        CollectionItem.objects.bulk_create(
            [
                CollectionItem(
                    collection=collection,
                    mandate=by_customer[p.customer_id],
                    payment=p,
                    amount=p.amount,
                    end_to_end_id=f"E2E-{n:05d}-{i:03d}",
                    sequence_type="RCUR",
                )
                for i, p in enumerate(debits)
            ]
        )

    # Prepaid accounts: 30,000 entries spread over the customers and the two years.
    entries, balances = [], {}
    moments = sorted(
        datetime.datetime.combine(received_on(), datetime.time(12), tzinfo=datetime.UTC)
        for _ in range(30_000)
    )
    for moment in moments:
        customer = rng.choice(people)
        value = amount() if rng.random() < 0.4 else -amount() / 3
        value = value.quantize(Decimal("0.01"))
        balances[customer.pk] = balances.get(customer.pk, Decimal("0.00")) + value
        entries.append(
            AccountEntry(
                customer=customer,
                kind="top_up" if value > 0 else "order",
                amount=value,
                balance_after=balances[customer.pk],
                created_at=moment,
            )
        )
    AccountEntry.objects.bulk_create(entries, batch_size=2000)
    return seller, manager


def measure(client, url: str, requests: int) -> dict:
    """Warm up, count the SQL queries of one request (a CSV read to its end), time `requests` more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response, body

    for _ in range(2):
        fetch()
    with CaptureQueriesContext(connection) as captured:
        _response, body = fetch()
    queries = len(captured)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    return {**summary_ms(times), "queries": queries, "kb": len(body) / 1024}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=30_000)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client

    with fresh_database():
        started = time.perf_counter()
        seller, manager = build(args.payments, args.customers)
        built = time.perf_counter() - started
        client = Client()
        client.force_login(manager)
        base = f"/manage/{seller.slug}/payments/reports"
        two_years = "date_from=2025-01-01&date_to=2026-12-31"
        scenarios = {
            "payments by month, 2 years (page)": f"{base}/methods/?period=month&{two_years}",
            "payments by day, 1 year (page, ~1,800 rows)": (
                f"{base}/methods/?period=day&date_from=2025-01-01&date_to=2025-12-31"
            ),
            "payments by week, 2 years (CSV)": f"{base}/methods.csv?period=week&{two_years}",
            "customer balances at 31/12/2026, page 1": f"{base}/balances/?at=2026-12-31",
            "customer balances at 31/12/2026, last page": (
                f"{base}/balances/?at=2026-12-31&page={(args.customers + 99) // 100}"
            ),
            "customer balances at 31/12/2026 (CSV, every account)": f"{base}/balances.csv?at=2026-12-31",
            "SEPA collections, 2 years (page)": f"{base}/sepa/?{two_years}",
            "SEPA collections, 2 years (CSV)": f"{base}/sepa.csv?{two_years}",
        }
        results = {name: measure(client, url, args.requests) for name, url in scenarios.items()}
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    body = [
        *machine,
        f"- data: one seller, {args.payments:,} payments over two years (5 kinds + SEPA, 5 % refunds, "
        f"3 % pending, 3 % failed), {COLLECTIONS} SEPA collections of {DEBITS_PER_COLLECTION} debits, "
        f"{args.customers:,} customers with 30,000 account entries (built in {built:.0f} s); "
        f"{args.requests} timed requests per scenario after 2 warm-up requests, Django test client "
        "(full middleware stack, in process; CSV read to the end)",
        "- budget (DESIGN.md §7): any report over 30,000 lines ≤ 1 s",
        "",
        "| scenario | SQL queries | size | median | p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        body.append(
            f"| {name} | {r['queries']} | {r['kb']:.0f} KB | {r['median']:.1f} ms | {r['p95']:.1f} ms |"
        )
    record(f"Payment reports, {args.payments:,} payments — {vendor}", body)
    for name, r in results.items():
        print(f"{vendor}: {name}: {r['queries']} queries, median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms")


if __name__ == "__main__":
    main()
