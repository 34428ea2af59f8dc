"""Benchmark of /map/data.geojson over 5,000 enterprises.

    python -m bench.geojson [--enterprises 5000] [--requests 50]

Builds the enterprises in a fresh test database (SQLite, or PostgreSQL when DATABASE_URL says so),
requests the GeoJSON with Django's test client (the full middleware stack, no network) and records
the median and p95 time and the SQL query count in bench/RESULTS.md.
"""

import argparse
import random
import time

from bench.common import fresh_database, machine_lines, record, setup_django, summary_ms

FRANCE = (42.5, 50.8, -4.5, 7.5)  # min/max latitude, min/max longitude
MODELS = [  # (model, is_producer, sells, weight)
    ("producer", True, "none", 50),
    ("farm_sale", True, "own", 25),
    ("amap", False, "any", 10),
    ("hub", False, "any", 8),
    ("producer_store", False, "any", 5),
    ("buying_group", False, "any", 2),
]
TRADES = ["maraîchage", "élevage", "fromagerie", "boulangerie", "arboriculture", "apiculture", "viticulture"]


def build(count: int, seed: int = 42) -> None:
    from cabas.enterprises.models import Enterprise

    rng = random.Random(seed)
    weights = [m[3] for m in MODELS]
    rows = []
    for i in range(count):
        model, is_producer, sells, _w = rng.choices(MODELS, weights)[0]
        located = rng.random() > 0.01
        rows.append(
            Enterprise(
                slug=f"structure-{i}",
                name=f"{rng.choice(['Ferme', 'GAEC', 'Les Jardins', 'AMAP', 'Épicerie'])} {i}",
                model=model, is_producer=is_producer, sells=sells, trade=rng.choice(TRADES),
                description="Une structure en circuit court. " * 20,
                visibility="hidden" if rng.random() < 0.02 else "public",
                address=f"{i} chemin des Vergers",
                postcode=f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
                city=f"Commune {i % 700}",
                lat=rng.uniform(*FRANCE[:2]) if located else None,
                lon=rng.uniform(*FRANCE[2:]) if located else None,
                geocode_status="ok" if located else "failed",
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=1000)


def measure_queries_and_times(client, url: str, requests: int) -> dict:
    """Warm up, count the SQL queries of one request, then time `requests` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm-up: imports, translations, database caches
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)  # now: the next request clears the connection's query log
    assert response.status_code == 200, response.content[:200]
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {**summary_ms(times), "queries": queries, "response": response}


def measure(client, url: str, requests: int) -> dict:
    result = measure_queries_and_times(client, url, requests)
    content = result.pop("response").content
    return {**result, "features": content.count(b'"type":"Feature"'), "kb": len(content) / 1024}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client

    with fresh_database():
        build(args.enterprises)
        client = Client()
        scenarios = {
            "whole map (`/map/data.geojson`)": "/map/data.geojson",
            "50 km around Lyon, hubs (`?near=45.76,4.84&km=50&kind=hub`)":
                "/map/data.geojson?near=45.76,4.84&km=50&kind=hub",
        }
        results = {name: measure(client, url, args.requests) for name, url in scenarios.items()}
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    body = [
        *machine,
        f"- data: {args.enterprises:,} enterprises (about 2 % hidden, 1 % without position), "
        f"{args.requests} timed requests per scenario after 3 warm-up requests, Django test client "
        "(full middleware stack, in process: server time without network)",
        "",
        "| scenario | features | size | SQL queries | median | p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        body.append(
            f"| {name} | {r['features']:,} | {r['kb']:.0f} KiB | {r['queries']} | "
            f"{r['median']:.1f} ms | {r['p95']:.1f} ms |"
        )
    record(f"/map/data.geojson, {args.enterprises:,} enterprises — {vendor}", body)
    for name, r in results.items():
        print(f"{vendor}: {name}: {r['features']} features, {r['queries']} queries, "
              f"median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms")


if __name__ == "__main__":
    main()
