"""Benchmark of the order-cycle edit pages over a cycle of 10,000 variants.

    python -m bench.cycle_edit [--producers 25] [--variants-per-producer 400] [--requests 50]

A hub coordinates a cycle supplied by `producers` producers (each granted it `add_to_cycles`) of
`variants-per-producer` variants each, every variant in the cycle, with two distributors. A manager
requests each step of the edit (general, suppliers, products — first page, filtered, last page —,
distributors, prices are not timed: they list every price by design) with Django's test client
(full middleware stack, no network); the bulk selection of the whole set ("tout sélectionner") is
timed through its service. Median and p95 server time and SQL query counts go to bench/RESULTS.md.
"""

import argparse
import datetime
import random
import time
from decimal import Decimal

from bench.common import fresh_database, machine_lines, record, setup_django, summary_ms
from bench.geojson import measure_queries_and_times

UNITS = [("g", Decimal(500)), ("kg", Decimal(1)), ("item", Decimal(6)), ("cl", Decimal(75))]


def build(producers: int, per_producer: int, seed: int = 11):
    """The hub, its manager, the producers and their products, the cycle with every variant."""
    from django.utils import timezone

    from cabas.accounts.models import User
    from cabas.catalogue.models import Category, Product, Variant
    from cabas.cycles import services
    from cabas.cycles.models import CycleSupplier
    from cabas.enterprises.models import Enterprise, Relationship, Role

    rng = random.Random(seed)
    hub = Enterprise.objects.create(slug="epicerie-bench", name="Épicerie du Bench", model="hub", sells="any")
    shop = Enterprise.objects.create(
        slug="boutique-bench", name="Boutique partenaire", model="hub", sells="any"
    )
    manager = User.objects.create_user(
        email="gerant@exemple.fr", password="x", email_confirmed_at="2026-01-01T00:00Z"
    )
    Role.objects.create(user=manager, enterprise=hub, role="manager")
    Relationship.objects.create(grantor=shop, grantee=hub, status="accepted")
    farms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                slug=f"ferme-{i:03d}", name=f"Ferme {i:03d}", model="producer", is_producer=True, sells="own"
            )
            for i in range(producers)
        ]
    )
    farms = list(Enterprise.objects.filter(slug__startswith="ferme-").order_by("slug"))
    Relationship.objects.bulk_create(
        [Relationship(grantor=farm, grantee=hub, status="accepted", add_to_cycles=True) for farm in farms]
    )
    categories = list(Category.objects.all())
    per_product = 4
    Product.objects.bulk_create(
        [
            Product(producer=farm, name=f"Produit {farm.pk:03d}-{i:04d}", category=rng.choice(categories))
            for farm in farms
            for i in range(per_producer // per_product)
        ],
        batch_size=1000,
    )
    variants = []
    for product in Product.objects.filter(producer__in=farms).only("pk"):
        for position in range(per_product):
            unit, quantity = rng.choice(UNITS)
            variants.append(
                Variant(
                    product=product,
                    name=f"Taille {position + 1}",
                    sku=f"SKU-{product.pk}-{position}",
                    unit=unit,
                    quantity=quantity,
                    price=Decimal(rng.randint(50, 3000)) / 100,
                    on_hand=rng.randint(0, 50),
                    position=position,
                )
            )
    Variant.objects.bulk_create(variants, batch_size=2000)
    start = timezone.now() + datetime.timedelta(days=3)
    cycle = services.cycle_create(
        coordinator=hub, name="Panier du jeudi", opens_at=start, closes_at=start + datetime.timedelta(days=2)
    )
    CycleSupplier.objects.bulk_create([CycleSupplier(cycle=cycle, supplier=farm) for farm in farms])
    services.cycle_distributor_add(cycle=cycle, distributor=shop)
    services.cycle_variants_add(cycle=cycle)
    return hub, manager, cycle


def time_select_all(cycle, repeat: int) -> dict:
    """'Tout sélectionner' over the whole set: remove every variant, then time adding them all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cabas.cycles import services

    times, queries, added = [], 0, 0
    for _ in range(repeat):
        services.cycle_variants_remove(cycle=cycle)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            added = services.cycle_variants_add(cycle=cycle)
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return {**summary_ms(times), "queries": queries, "added": added}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=25)
    parser.add_argument("--variants-per-producer", type=int, default=400)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client

    with fresh_database():
        hub, manager, cycle = build(args.producers, args.variants_per_producer)
        total = cycle.cycle_variants.count()
        client = Client()
        client.force_login(manager)
        base = f"/manage/{hub.slug}/cycles/{cycle.uuid}/"
        pages = (total + 49) // 50
        scenarios = {
            "1. general (`…/cycles/<uuid>/`)": base,
            "2. suppliers (`…/suppliers/`)": base + "suppliers/",
            "3. products, first page (`…/products/`)": base + "products/",
            "3. products, search + producer + in cycle, page 2": base
            + "products/?q=taille&producer=ferme-003&selected=yes&page=2",
            "3. products, last page": base + f"products/?page={pages}",
            "4. distributors (`…/distributors/`)": base + "distributors/",
        }
        results = {
            name: measure_queries_and_times(client, url, args.requests) for name, url in scenarios.items()
        }
        select_all = time_select_all(cycle, repeat=max(3, args.requests // 10))
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    body = [
        *machine,
        f"- data: a hub's cycle supplied by {args.producers} producers × {args.variants_per_producer} "
        f"variants = {total:,} variants, all in the cycle, 2 distributors; 50 variants a page; "
        f"{args.requests} timed requests per page after 3 warm-up requests, Django test client (full "
        "middleware stack, in process)",
        "",
        "| scenario | SQL queries | median | p95 |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        body.append(f"| {name} | {r['queries']} | {r['median']:.1f} ms | {r['p95']:.1f} ms |")
    body.append(
        f"| « tout sélectionner » : add all {select_all['added']:,} variants (service, "
        f"{select_all['n']} runs) | {select_all['queries']} | {select_all['median']:.1f} ms | "
        f"{select_all['p95']:.1f} ms |"
    )
    record(f"Order-cycle edit, {total:,} variants — {vendor}", body)
    for name, r in results.items():
        print(f"{vendor}: {name}: {r['queries']} queries, median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms")
    print(f"{vendor}: select all: {select_all['queries']} queries, median {select_all['median']:.1f} ms")


if __name__ == "__main__":
    main()
