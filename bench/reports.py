"""Benchmark of the fulfilment reports: every report over 30,000 order lines, and the largest
exports over 100,000 and 1,000,000 lines.

    python -m bench.reports [--lines 30000] [--requests 5] [--export 100000,1000000] [--no-export]

For each size, a fresh test database (SQLite, or PostgreSQL when DATABASE_URL says so) gets one
hub's history of at least that many lines, built by `seed_scale`'s code (`cabas.fulfilment.scale`:
orders priced by the checkout's own code). A manager of the hub requests the pages with Django's
test client (full middleware stack, no network; a CSV is read to its last byte).

Scenario 1: every registered report over the whole history (`--lines`): its HTML page (first page
and totals) and its CSV — SQL queries, median and p95. Budget (DESIGN.md §7): ≤ 1 s.
Scenario 2: `packing-by-customer` and `orders-by-supplier` exported to CSV over each `--export`
size: time, and the peak of Python memory allocated while the export streams (tracemalloc, a
second pass) — it must not grow with the size. Budget: 1,000,000 lines ≤ 30 s.
"""

import argparse
import time
import tracemalloc

from bench.common import fresh_database, machine_lines, record, setup_django, summary_ms

EXPORTED = ("packing-by-customer", "orders-by-supplier")


def build(lines: int):
    """One hub's history of at least `lines` lines and a manager of it and of its main producer;
    returns (hub, producer, client, the hub's lines, seconds to build)."""
    from django.db.models import Count
    from django.test import Client, override_settings

    from cabas.accounts.models import User
    from cabas.enterprises.models import Enterprise, Role
    from cabas.fulfilment.scale import scale_build
    from cabas.orders.models import Line, Order

    started = time.perf_counter()
    with override_settings(DEBUG=True):  # seed_scale is refused outside development
        scale_build(lines=lines, seed=1, hubs=1)
    hub = Order.objects.select_related("seller").first().seller
    # The producer with the most lines, for « Ce que j'apporte ».
    top = Line.objects.values("producer").annotate(n=Count("pk")).order_by("-n").first()
    producer = Enterprise.objects.get(pk=top["producer"])
    manager = User.objects.create_user(
        email="gerant@exemple.fr", password="x", email_confirmed_at="2026-01-01T00:00Z"
    )
    Role.objects.create(user=manager, enterprise=hub, role="manager")
    Role.objects.create(user=manager, enterprise=producer, role="manager")
    client = Client()
    client.force_login(manager)
    count = Line.objects.filter(order__seller=hub).count()
    return hub, producer, client, count, time.perf_counter() - started


def _read(response) -> int:
    if response.status_code != 200:
        raise RuntimeError(f"status {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log is capped (9,000): building the history with DEBUG on filled it
    with CaptureQueriesContext(connection) as queries:
        size = _read(client.get(url))
    count = len(queries.captured_queries)  # now: the next request empties the log
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        _read(client.get(url))
        times.append(time.perf_counter() - began)
    return {**summary_ms(times), "queries": count, "size": size}


def export(client, url: str) -> tuple[float, float, int]:
    """(seconds, peak MB allocated while streaming, bytes) of one CSV export: timed without
    tracemalloc, then its memory measured in a second pass."""
    began = time.perf_counter()
    size = _read(client.get(url))
    seconds = time.perf_counter() - began
    tracemalloc.start()
    _read(client.get(url))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, size


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=30000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--export", default="100000,1000000")
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection
    from django.urls import reverse

    from cabas.fulfilment.reports.base import REPORTS

    with fresh_database():
        hub, producer, client, lines, built = build(args.lines)
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        rows = []
        for name in sorted(REPORTS):
            # Every report is the hub's but « Ce que j'apporte », its main producer's.
            owner = producer if not REPORTS[name].offered_to(hub) else hub
            url = reverse("fulfilment:report", args=[owner.slug, name])
            page = measure(client, url, args.requests)
            csv = measure(client, url + "?format=csv", args.requests)
            rows.append((name, page, csv))
            print(f"{vendor}: {name}: page {page['median']:.0f} ms, CSV {csv['median']:.0f} ms", flush=True)
        machine = machine_lines()
    exports = []
    for size in [] if args.no_export else [int(s) for s in args.export.split(",") if s]:
        with fresh_database():
            hub, _producer, client, count, seconds_built = build(size)
            for name in EXPORTED:
                url = reverse("fulfilment:report", args=[hub.slug, name]) + "?format=csv"
                seconds, peak, length = export(client, url)
                exports.append((name, count, seconds, peak, length, seconds_built))
                print(f"{vendor}: {name}, {count:,} lines: {seconds:.1f} s, {peak:.1f} MB", flush=True)

    body = [
        *machine,
        f"- data: one hub's history built by `seed_scale`'s code (`scale_build(lines=…, seed=1, hubs=1)`): "
        f"{lines:,} order lines (built in {built:.0f} s); a manager requests each report with Django's "
        f"test client (full middleware stack, in process), {args.requests} timed requests after one "
        "counted one; a CSV is read to its last byte; on PostgreSQL the tables are ANALYZEd once filled "
        "(`seed_scale` does it, as autovacuum would on a real database)",
        "- budget (DESIGN.md §7): any report over 30,000 lines ≤ 1 s; 1,000,000 lines streamed to CSV "
        "≤ 30 s with bounded memory",
        "",
        "| report | SQL queries (page / CSV) | page median | page p95 | CSV median | CSV p95 | CSV size |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| `{name}` | {page['queries']} / {csv['queries']} | {page['median']:.0f} ms | "
            f"{page['p95']:.0f} ms | {csv['median']:.0f} ms | {csv['p95']:.0f} ms | "
            f"{csv['size'] / 1e3:.1f} KB |"
            for name, page, csv in rows
        ),
    ]
    if exports:
        body += [
            "",
            "CSV exports over one hub's whole history (time without tracemalloc; peak of the Python memory "
            "allocated during a second, traced export):",
            "",
            "| report | order lines | time | peak memory | CSV size | history built in |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| `{name}` | {count:,} | {seconds:.1f} s | {peak:.1f} MB | {length / 1e6:.0f} MB | "
                f"{built_in:.0f} s |"
                for name, count, seconds, peak, length, built_in in exports
            ),
        ]
    record(f"Fulfilment reports, {args.lines:,} order lines — {vendor}", body)
    print("\n".join(body[len(machine) :]))


if __name__ == "__main__":
    main()
