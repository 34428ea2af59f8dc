"""Benchmark of the back-office products page over 10,000 variants.

    python -m bench.products_page [--products 2500] [--variants-per-product 4] [--requests 50]

One producer with 10,000 variants in a fresh test database (SQLite, or PostgreSQL when DATABASE_URL
says so); a manager requests /manage/<slug>/products/ with Django's test client (full middleware
stack, no network); the median and p95 server time and the SQL query count go to bench/RESULTS.md.
"""

import argparse
import random
from decimal import Decimal

from bench.common import fresh_database, machine_lines, record, setup_django
from bench.geojson import measure_queries_and_times

UNITS = [("g", Decimal(500)), ("kg", Decimal(1)), ("item", Decimal(6)), ("cl", Decimal(75))]


def build(products: int, per_product: int, seed: int = 7):
    """A producer, its manager and `products` × `per_product` variants, with bulk inserts."""
    from cabas.accounts.models import User
    from cabas.catalogue.models import Category, Product, Variant
    from cabas.enterprises.models import Enterprise, Role

    rng = random.Random(seed)
    producer = Enterprise.objects.create(
        slug="grande-ferme", name="La Grande Ferme", model="producer", is_producer=True, sells="own"
    )
    manager = User.objects.create_user(
        email="gerant@exemple.fr", password="x", email_confirmed_at="2026-01-01T00:00Z"
    )
    Role.objects.create(user=manager, enterprise=producer, role="manager")
    categories = list(Category.objects.all())
    Product.objects.bulk_create(
        [
            Product(
                producer=producer,
                name=f"Produit {i:05d}",
                category=rng.choice(categories),
                description="Cultivé sans pesticides. " * 10,
            )
            for i in range(products)
        ],
        batch_size=1000,
    )
    variants = []
    for product in Product.objects.filter(producer=producer).only("pk"):
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
                    on_demand=rng.random() < 0.1,
                    low_stock_threshold=5,
                    position=position,
                )
            )
    Variant.objects.bulk_create(variants, batch_size=2000)
    return producer, manager


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2500)
    parser.add_argument("--variants-per-product", type=int, default=4)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client

    with fresh_database():
        producer, manager = build(args.products, args.variants_per_product)
        client = Client()
        client.force_login(manager)
        base = f"/manage/{producer.slug}/products/"
        scenarios = {
            "first page (`/manage/<slug>/products/`)": base,
            "search + filters, page 3 (`?q=produit 01&stock=low&page=3`)": base
            + "?q=produit%2001&stock=low&page=3",
            "last page": base + f"?page={args.products // 50}",
        }
        results = {
            name: measure_queries_and_times(client, url, args.requests) for name, url in scenarios.items()
        }
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        total = args.products * args.variants_per_product

    body = [
        *machine,
        f"- data: one producer with {args.products:,} products × {args.variants_per_product} variants "
        f"= {total:,} variants, 50 products a page; {args.requests} timed requests per scenario after 3 "
        "warm-up requests, Django test client (full middleware stack, in process)",
        "",
        "| scenario | SQL queries | median | p95 |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        body.append(f"| {name} | {r['queries']} | {r['median']:.1f} ms | {r['p95']:.1f} ms |")
    record(f"Back-office products page, {total:,} variants — {vendor}", body)
    for name, r in results.items():
        print(f"{vendor}: {name}: {r['queries']} queries, median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms")


if __name__ == "__main__":
    main()
