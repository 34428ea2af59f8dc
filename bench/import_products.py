"""Benchmark of the product import: a 10,000-row OFN product-list file, created then re-imported.

    python -m bench.import_products [--rows 10000] [--repeat 3]

Generates an OFN-format CSV (2,000 products of 5 variants, every unit kind, decimal commas, French
names) and imports it with `product_import` in a fresh test database (SQLite, or PostgreSQL when
DATABASE_URL says so): into an empty catalogue (create), again unchanged, and with every price changed
(update); `--repeat` times each, every create into a new empty producer. Records the median and the
SQL query count in bench/RESULTS.md. Budget (DESIGN.md §7): 10,000 rows ≤ 10 s on PostgreSQL.
"""

import argparse
import csv
import io
import random
import statistics
import time

from bench.common import fresh_database, machine_lines, record, setup_django

SIZES = [  # (units, unit_type, variant_unit_name)
    ("250", "g", ""), ("500", "g", ""), ("1", "kg", ""), ("2,5", "kg", ""), ("75", "cl", ""),
    ("1", "l", ""), ("0,5", "l", ""), ("6", "", "œufs"), ("1", "", "botte"), ("1", "", "bocal"),
]
CATEGORIES = [
    "Légumes racines", "Salades", "Tomates", "Fromages de chèvre", "Miels", "Pains", "Jus de fruits", "Œufs",
    "Pommes et poires", "Confitures", "vegetables", "CHEESE",
]
NAMES = ["Carottes", "Tomme", "Miel", "Pain", "Jus", "Confiture", "Pommes", "Salade", "Œufs", "Courge"]


def ofn_file(producer: str, rows: int, *, price_shift: int = 0, seed: int = 42) -> bytes:
    """`rows` rows of 5 variants per product, in the OFN template's columns, UTF-8, comma-separated."""
    from cabas.catalogue.import_reading import OFN_COLUMNS

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OFN_COLUMNS)
    for i in range(rows):
        product = i // 5
        units, unit_type, unit_name = SIZES[(product + i) % len(SIZES)]
        cents = 150 + (i * 37) % 2000 + price_shift
        writer.writerow({
            "producer": producer,
            "sku": f"P{product:05d}-{i % 5}",
            "name": f"{NAMES[product % len(NAMES)]} n° {product}",
            "display_name": f"Lot {i % 5 + 1}",
            "category": CATEGORIES[product % len(CATEGORIES)],
            "description": "Cultivé sans pesticides, récolté la veille." if product % 3 == 0 else "",
            "units": units,
            "unit_type": unit_type,
            "variant_unit_name": unit_name,
            "price": f"{cents // 100},{cents % 100:02d}",
            "on_hand": str(rng.randint(0, 200)),
            "available_on": "",
            "on_demand": "1" if i % 7 == 0 else "0",
            "shipping_category": "",
            "tax_category": "5,5 %" if i % 11 == 0 else "",
        }.get(column, "") for column in OFN_COLUMNS)
    return out.getvalue().encode("utf-8")


def timed_import(enterprise, data: bytes) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cabas.catalogue.imports import product_import

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        summary = product_import(enterprise=enterprise, name="produits.csv", data=data)
        elapsed = time.perf_counter() - started
    return elapsed, len(captured), summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection

    from cabas.enterprises.models import Enterprise

    results: dict[str, list] = {"create (empty catalogue)": [], "re-import, nothing changed": [],
                                "re-import, every price changed": []}
    with fresh_database():
        for run in range(args.repeat):
            producer = Enterprise.objects.create(
                name=f"Ferme du banc d'essai {run}", slug=f"banc-{run}", is_producer=True, sells="own"
            )
            original = ofn_file(producer.name, args.rows)
            changed = ofn_file(producer.name, args.rows, price_shift=10)
            for name, data in zip(results, (original, original, changed), strict=True):
                elapsed, queries, summary = timed_import(producer, data)
                results[name].append((elapsed, queries, summary))
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    body = [
        *machine,
        f"- data: {args.rows:,}-row OFN product-list CSV ({args.rows // 5:,} products × 5 variants, weights, "
        f"volumes and items, decimal commas, French names, {len(CATEGORIES)} categories named in French or "
        f"English), {len(original) / 1024:.0f} KiB; each scenario run {args.repeat} times (each create into "
        "a new empty producer); time of `product_import` (read, check every row, match, write in one "
        "transaction)",
        "",
        "| scenario | created | updated | unchanged | SQL queries | median | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in results.items():
        times = [r[0] for r in runs]
        _elapsed, queries, summary = runs[-1]
        body.append(
            f"| {name} | {summary.created:,} | {summary.updated:,} | {summary.unchanged:,} | {queries} | "
            f"{statistics.median(times):.2f} s | {max(times):.2f} s |"
        )
    record(f"Product import, {args.rows:,} rows — {vendor}", body)
    for name, runs in results.items():
        times = [r[0] for r in runs]
        print(f"{vendor}: {name}: median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
              f"{runs[-1][1]} queries")


if __name__ == "__main__":
    main()
