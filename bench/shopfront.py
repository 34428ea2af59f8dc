"""Benchmark of the shopfront of a cycle offering 5,000 variants from 50 producers.

    python -m bench.shopfront [--producers 50] [--products-per-producer 25] [--variants-per-product 4]
                              [--requests 50]

A hub sells, in one open cycle, the variants of 50 producers (25 products × 4 variants each, with
supplier, coordinator and platform fees, a few hub price and stock overrides); a logged-in customer
with two products in the cart requests /<slug>/shop/ with Django's test client (full middleware
stack, no network). Median, p95 and the SQL query count go to bench/RESULTS.md. Budget
(DESIGN.md §7): ≤ 15 queries whatever the size, median ≤ 150 ms on PostgreSQL.
"""

import argparse
import datetime
import random
from decimal import Decimal

from bench.common import fresh_database, machine_lines, record, setup_django
from bench.geojson import measure_queries_and_times

UNITS = [("g", Decimal(500)), ("kg", Decimal(1)), ("item", Decimal(6)), ("cl", Decimal(75))]


def build(producers: int, per_producer: int, per_product: int, seed: int = 11):
    """The hub, its open cycle, the producers' catalogue and a customer with a cart."""
    from django.conf import settings
    from django.utils import timezone

    from cabas.accounts.models import User
    from cabas.catalogue.models import Category, InventoryItem, Label, Product, Variant
    from cabas.cycles.models import (
        CycleDistributor,
        CycleSupplier,
        CycleVariant,
        Fee,
        OrderCycle,
        ShippingMethod,
    )
    from cabas.enterprises.models import Enterprise, Relationship
    from cabas.orders.models import Line, Order
    from cabas.payments.models import PaymentMethod

    rng = random.Random(seed)
    now = timezone.now()
    hub = Enterprise.objects.create(slug="grand-marche", name="Le Grand Marché", model="hub", sells="any")
    platform = Enterprise.objects.get_or_create(
        slug=settings.PLATFORM_ENTERPRISE_SLUG, defaults={"name": "Cabas coopérative", "model": "hub"}
    )[0]
    Fee.objects.create(
        enterprise=platform, name="Plateforme", fee_type="platform", calculator="percent", amount=Decimal("2")
    )
    farms = Enterprise.objects.bulk_create(
        Enterprise(slug=f"ferme-{i:03d}", name=f"Ferme {i:03d}", model="producer", is_producer=True)
        for i in range(producers)
    )
    Relationship.objects.bulk_create(
        Relationship(grantor=farm, grantee=hub, status="accepted", add_to_cycles=True) for farm in farms
    )
    cycle = OrderCycle.objects.create(
        coordinator=hub,
        name="Marché de la semaine",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=3),
    )
    packing = Fee.objects.create(
        enterprise=hub,
        name="Préparation",
        fee_type="packing",
        calculator="flat_per_item",
        amount=Decimal("0.15"),
    )
    cycle.coordinator_fees.add(packing)
    suppliers = CycleSupplier.objects.bulk_create(CycleSupplier(cycle=cycle, supplier=farm) for farm in farms)
    transport = Fee.objects.create(
        enterprise=hub, name="Transport", fee_type="transport", calculator="per_kg", amount=Decimal("0.30")
    )
    for supplier in suppliers:
        supplier.fees.add(transport)
    distribution = CycleDistributor.objects.create(
        cycle=cycle, distributor=hub, pickup_at=now + datetime.timedelta(days=4)
    )
    distribution.shipping_methods.add(ShippingMethod.objects.create(enterprise=hub, name="Retrait au marché"))
    distribution.payment_methods.add(
        PaymentMethod.objects.create(enterprise=hub, kind="cash", name="Espèces")
    )
    categories = list(Category.objects.filter(parent__isnull=False))
    labels = list(Label.objects.all())
    products = Product.objects.bulk_create(
        Product(
            producer=farm,
            name=f"Produit {farm.slug}-{i:02d}",
            category=rng.choice(categories),
            description="Cultivé près d'ici. " * 5,
        )
        for farm in farms
        for i in range(per_producer)
    )
    Product.labels.through.objects.bulk_create(
        Product.labels.through(product=p, label=rng.choice(labels)) for p in products if rng.random() < 0.4
    )
    variants = []
    for product in products:
        for position in range(per_product):
            unit, quantity = rng.choice(UNITS)
            variants.append(
                Variant(
                    product=product,
                    name=f"Taille {position + 1}",
                    unit=unit,
                    quantity=quantity,
                    price=Decimal(rng.randint(50, 3000)) / 100,
                    on_hand=rng.randint(0, 40),
                    on_demand=rng.random() < 0.1,
                    position=position,
                )
            )
    variants = Variant.objects.bulk_create(variants, batch_size=2000)
    CycleVariant.objects.bulk_create(
        (CycleVariant(cycle=cycle, variant=v) for v in variants), batch_size=2000
    )
    InventoryItem.objects.bulk_create(
        InventoryItem(hub=hub, variant=v, price=v.price + Decimal("0.10"), on_hand=5) for v in variants[::50]
    )
    customer = User.objects.create_user(email="cliente@exemple.fr", password="x", email_confirmed_at=now)
    cart = Order.objects.create(seller=hub, cycle=cycle, user=customer)
    for variant in variants[:2]:
        Line.objects.create(
            order=cart,
            variant=variant,
            producer_id=variant.product.producer_id,
            quantity=1,
            product_name=variant.product.name,
            size="500 g",
            unit_price=variant.price,
            tax_rate=Decimal("5.5"),
            total=variant.price,
        )
    return hub, customer, len(variants)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=50)
    parser.add_argument("--products-per-producer", type=int, default=25)
    parser.add_argument("--variants-per-product", type=int, default=4)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client

    with fresh_database():
        hub, customer, total = build(args.producers, args.products_per_producer, args.variants_per_product)
        client = Client()
        client.force_login(customer)
        base = f"/{hub.slug}/shop/"
        scenarios = {
            "first page (`/<slug>/shop/`)": base,
            "search + category, page 2 (`?q=produit&category=legumes&page=2`)": base
            + "?q=produit&category=legumes&page=2",
            "producer + label (`?producer=ferme-007&label=ab`)": base + "?producer=ferme-007&label=ab",
            "page 100": base + "?page=100",
        }
        results = {
            name: measure_queries_and_times(client, url, args.requests) for name, url in scenarios.items()
        }
        machine = machine_lines()
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    body = [
        *machine,
        f"- data: a hub selling {total:,} variants from {args.producers} producers in one open cycle "
        f"({args.products_per_producer} products × {args.variants_per_product} variants each; supplier, "
        "coordinator and platform fees; hub price and stock overrides on 2 %); a logged-in customer with a "
        f"cart; 30 variants a page; {args.requests} timed requests per scenario after 3 warm-up requests, "
        "Django test client (full middleware stack, in process)",
        "",
        "| scenario | SQL queries | median | p95 |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        body.append(f"| {name} | {r['queries']} | {r['median']:.1f} ms | {r['p95']:.1f} ms |")
    body += [
        "",
        "Budget: ≤ 15 queries whatever the size (asserted by "
        "`cabas/orders/tests/test_shop_front.py::"
        "test_it_pages_5000_variants_from_50_producers_in_at_most_15_queries`), "
        "median ≤ 150 ms on PostgreSQL.",
    ]
    record(f"Shopfront, {total:,} variants from {args.producers} producers — {vendor}", body)
    for name, r in results.items():
        print(f"{vendor}: {name}: {r['queries']} queries, median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms")


if __name__ == "__main__":
    main()
