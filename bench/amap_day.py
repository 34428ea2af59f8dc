"""Benchmark of an AMAP's distribution day and its member and subscription lists: 2,000 members,
1,200 subscriptions over 20 pickup points, a season of 20 weekly distributions at each.

    python -m bench.amap_day [--members 2000] [--subscriptions 1200] [--points 20] [--weeks 20]
                             [--requests 5]

The data goes through the real services where it counts: `distributions_generate` at each point,
`contract_create` and `contract_product_set` for three contracts per point (vegetables, fixed, two
basket sizes; eggs, variable, every other week; bread, fixed), then `subscription_create` for each
subscription (its baskets are the producer's standing orders, placed by `standing_orders_place`,
and its payment plan); members and their memberships are bulk-inserted; 5 % of the subscriptions
are shared with a second member and 3 % of the baskets given to the solidarity pool.

Measured with Django's test client as a logged-in owner (full middleware stack, in process):
the PDF of every sign-in sheet of one distribution date (20 pickup points, one page or more each;
budget ≤ 2 s), the HTML sheet of the busiest point, and the first page of the members list
(`amap:members`) and of the subscriptions list (`amap:subscriptions`) with the selectors behind
them (`cabas.amap.selectors.members_for_list`, `subscriptions_for_list`); a page or a selector not
written yet is reported « skipped ».
"""

import argparse
import datetime
import random
import time
from decimal import Decimal

from bench.common import fresh_database, machine_lines, record, setup_django, summary_ms


def _farm(slug: str, name: str, products: list[tuple[str, str]]):
    from cabas.catalogue.models import Category, Product, Variant
    from cabas.enterprises.models import Enterprise

    farm = Enterprise.objects.create(slug=slug, name=name, model="producer", is_producer=True, sells="own")
    category = Category.objects.first()
    variants = []
    for product_name, variant_name in products:
        product, _created = Product.objects.get_or_create(
            producer=farm, name=product_name, defaults={"category": category}
        )
        variants.append(
            Variant.objects.create(
                product=product, name=variant_name, unit="item", quantity=Decimal(1), price=Decimal(1)
            )
        )
    return farm, variants


def _points(amap, points: int, weeks: int):
    """`points` pickup points and their weekly distributions (every point on Tuesdays)."""
    from django.utils import timezone

    from cabas.amap.distributions import distributions_generate
    from cabas.cycles.models import ShippingMethod

    today = timezone.localdate()
    first = today + datetime.timedelta(days=7 + (1 - today.weekday()) % 7)
    found = []
    for i in range(points):
        place = ShippingMethod.objects.create(
            enterprise=amap, kind="pickup", name=f"Point de retrait {i + 1:02d}", city="Lyon"
        )
        created, _skipped = distributions_generate(
            amap=amap,
            place=place,
            rhythm="weekly",
            first=first,
            last=first + datetime.timedelta(weeks=weeks - 1),
            starts_at=datetime.time(18, 0),
            ends_at=datetime.time(19, 30),
        )
        found.append((place, sorted(created, key=lambda d: d.date)))
    return found


def _contracts(amap, points):
    """Per point: vegetables (fixed), eggs (variable, every other week), bread (fixed)."""
    from django.utils import timezone

    from cabas.amap.contracts import contract_create, contract_product_set
    from cabas.amap.models import Contract

    veg_farm, (big, small) = _farm(
        "jardins", "Jardins du Garon", [("Panier de légumes", "Grand"), ("Panier de légumes", "Petit")]
    )
    egg_farm, (dozen, half) = _farm(
        "poules", "Poules de la Coise", [("Œufs", "Douzaine"), ("Œufs", "Demi-douzaine")]
    )
    bread_farm, (loaf,) = _farm("fournil", "Le Fournil", [("Pain de campagne", "1 kg")])
    today = timezone.localdate()
    common = {
        "season": "Été",
        "signup_opens_on": today - datetime.timedelta(days=10),
        "signup_closes_on": today + datetime.timedelta(days=200),
        "published": True,
        "absence_quota": 3,
        "max_instalments": 10,
    }
    found = []
    for place, distributions in points:
        veg = contract_create(
            amap=amap,
            producer=veg_farm,
            distributions=distributions,
            data={**common, "name": f"Légumes {place.name}", "kind": Contract.Kind.FIXED},
        )
        eggs = contract_create(
            amap=amap,
            producer=egg_farm,
            distributions=distributions[::2],
            data={**common, "name": f"Œufs {place.name}", "kind": Contract.Kind.VARIABLE},
        )
        bread = contract_create(
            amap=amap,
            producer=bread_farm,
            distributions=distributions,
            data={**common, "name": f"Pain {place.name}", "kind": Contract.Kind.FIXED},
        )
        p_big = contract_product_set(contract=veg, variant=big, price=Decimal("18.00"))
        p_small = contract_product_set(contract=veg, variant=small, price=Decimal("11.00"))
        p_dozen = contract_product_set(contract=eggs, variant=dozen, price=Decimal("4.20"), max_quantity=4)
        p_half = contract_product_set(contract=eggs, variant=half, price=Decimal("2.30"), max_quantity=4)
        p_loaf = contract_product_set(contract=bread, variant=loaf, price=Decimal("5.50"), max_quantity=3)
        found.append(
            [
                (veg, [{p_big.pk: 1}, {p_small.pk: 1}]),
                (eggs, [{p_dozen.pk: 1}, {p_dozen.pk: 2, p_half.pk: 1}]),
                (bread, [{p_loaf.pk: 1}, {p_loaf.pk: 2}]),
            ]
        )
    return found


def _members(amap, count: int, rng):
    from django.utils import timezone

    from cabas.amap.models import Membership
    from cabas.orders.models import Customer

    first_names = ["Camille", "Louise", "Jules", "Inès", "Hugo", "Léa", "Nathan", "Zoé", "Paul", "Chloé"]
    last_names = [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
    ]
    Customer.objects.bulk_create(
        [
            Customer(
                enterprise=amap,
                email=f"adherent{i:05d}@exemple.fr",
                first_name=rng.choice(first_names),
                last_name=f"{rng.choice(last_names)}-{i}",
                phone=f"06 {i % 100:02d} 00 00 00",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    members = list(Customer.objects.filter(enterprise=amap).order_by("pk"))
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(
                amap=amap, customer=m, year=now.year, amount=Decimal("15.00"), method="cheque", paid_at=now
            )
            for m in members
        ],
        batch_size=1000,
    )
    return members


def build(args):
    """The AMAP, its owner, points, contracts, members and subscriptions; returns (amap, owner,
    the date measured, seconds to build, orders placed)."""
    from cabas.accounts.models import User
    from cabas.amap.models import Basket
    from cabas.amap.subscribing import subscription_create
    from cabas.enterprises.models import Enterprise, Role
    from cabas.orders.models import Order

    rng = random.Random(13)
    started = time.perf_counter()
    amap = Enterprise.objects.create(
        slug="amap-des-pentes", name="AMAP des Pentes", model="amap", sells="any"
    )
    owner = User.objects.create_user(
        email="presidente@exemple.fr", password="x", email_confirmed_at="2026-01-01T00:00Z"
    )
    Role.objects.create(user=owner, enterprise=amap, role="owner")
    points = _points(amap, args.points, args.weeks)
    contracts = _contracts(amap, points)
    members = _members(amap, args.members, rng)
    subscribers = members[: args.subscriptions]
    sharers = members[args.subscriptions :]
    for i in range(args.subscriptions):
        # Most members subscribe once; every fifth subscription is a member's second one.
        customer = subscribers[i if i % 5 else (i + 1) % len(subscribers)]
        point = contracts[i % len(contracts)]
        contract, baskets = point[(i // len(contracts)) % len(point)]
        if contract.subscriptions.filter(customer=customer).exists():
            customer = subscribers[i]
        shared = [sharers[i % len(sharers)]] if sharers and rng.random() < 0.05 else None
        subscription_create(
            contract=contract,
            customer=customer,
            quantities=rng.choice(baskets),
            sharers=shared,
            by_manager=True,
        )
    baskets = list(Basket.objects.values_list("pk", flat=True))
    Basket.objects.filter(pk__in=rng.sample(baskets, len(baskets) * 3 // 100)).update(absence="solidarity")
    day = points[0][1][2].date
    return amap, owner, day, time.perf_counter() - started, Order.objects.count()


def measure_page(client, url: str, requests: int) -> dict:
    """Queries of one request, then wall and CPU time of `requests` requests (after 3 warm-up ones):
    on a shared machine the CPU time says what the page costs, the wall time what others left."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)  # now: the next request clears the connection's query log
    assert response.status_code == 200, response.status_code
    walls, cpus = [], []
    for _ in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    cpu = summary_ms(cpus)["median"]
    return {**summary_ms(walls), "cpu": cpu, "queries": queries, "size": len(response.content)}


def _skipped(name: str, reason: str) -> dict:
    print(f"{name}: skipped ({reason})", flush=True)
    return {"skipped": reason}


def measure_selector(function, requests: int) -> dict:
    """SQL queries and times of a list selector's first page (50 rows read)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        rows = list(function()[:50])
    queries = len(captured)
    walls, cpus = [], []
    for _ in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        list(function()[:50])
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    cpu = summary_ms(cpus)["median"]
    return {**summary_ms(walls), "cpu": cpu, "queries": queries, "rows": len(rows)}


def measure_lists(client, amap, requests: int) -> list[tuple[str, dict]]:
    from django.urls import NoReverseMatch, reverse

    try:
        from cabas.amap.selectors import members_for_list, subscriptions_for_list
    except ImportError:
        selectors = None
    else:
        selectors = {
            "members_for_list": lambda: members_for_list(amap, q=""),
            "subscriptions_for_list": lambda: subscriptions_for_list(amap, contract=None, status=None),
        }
    found = []
    for name in ("members_for_list", "subscriptions_for_list"):
        if selectors is None:
            found.append((f"`{name}(…)` selector, first 50 rows", _skipped(name, "not written yet")))
        else:
            found.append(
                (f"`{name}(…)` selector, first 50 rows", measure_selector(selectors[name], requests))
            )
    for name in ("amap:members", "amap:subscriptions"):
        label = f"`{name}` page, first page"
        try:
            url = reverse(name, kwargs={"slug": amap.slug})
        except NoReverseMatch:
            found.append((label, _skipped(name, "no such page yet")))
            continue
        found.append((label, measure_page(client, url, requests)))
    return found


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--subscriptions", type=int, default=1200)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cabas.amap.models import Basket
    from cabas.amap.sheets import distributions_on

    with fresh_database():
        amap, owner, day, built, orders = build(args)
        print(f"built in {built:.0f} s: {orders:,} orders", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        client = Client()
        client.force_login(owner)
        distributions = distributions_on(amap, day)
        at_day = Basket.objects.filter(delivery__distribution__in=distributions).count()
        busiest = max(distributions, key=lambda d: d.deliveries.filter(baskets__isnull=False).count())
        rows = []
        day_url = reverse("amap:sign_in_sheets_day_pdf", args=[amap.slug, day.isoformat()])
        pdf = measure_page(client, day_url, args.requests)
        label = f"PDF of the {len(distributions)} sign-in sheets of {day:%d/%m/%Y}"
        rows.append((f"{label} ({at_day:,} baskets, {pdf['size'] / 1024:.0f} KiB)", pdf))
        print(f"{vendor}: day PDF {pdf['median']:.0f} ms (CPU {pdf['cpu']:.0f} ms), {pdf['queries']} queries")
        one_url = reverse("amap:sign_in_sheet_pdf", args=[amap.slug, busiest.uuid])
        rows.append(
            (
                f"PDF of the sheet of one point ({busiest.place.name})",
                measure_page(client, one_url, args.requests),
            )
        )
        sheet_url = reverse("amap:sign_in_sheet", args=[amap.slug, busiest.uuid])
        rows.append(
            (
                f"HTML sheet of one point ({busiest.place.name})",
                measure_page(client, sheet_url, args.requests),
            )
        )
        rows.extend(measure_lists(client, amap, args.requests))
        machine = machine_lines()
    from django.conf import settings  # set up by setup_django() above

    body = [
        *machine,
        f"- data: one AMAP, {args.members:,} members (with their membership), {args.subscriptions:,} "
        f"subscriptions by `subscription_create` over {args.points} pickup points × 3 contracts "
        f"(vegetables and bread weekly, eggs every other week; {args.weeks} weekly distributions per "
        f"point): {orders:,} standing orders, built in {built:.0f} s; 5 % shared, 3 % of the baskets "
        f"given to the solidarity pool; an owner requests each page with Django's test client (full "
        f"middleware stack, in process), {args.requests} timed requests after 3 warm-up requests and "
        f"one counted one",
        "- budget: the PDF of every sign-in sheet of a date ≤ 2 s; a date's sheets are laid out in "
        f"{settings.PDF_PROCESSES} parts at once by the PDF processes (`PDF_PROCESSES`, cabas/lib/pdf.py), "
        "a single sheet in the web process; CPU median: the web process's own CPU time",
        "",
        "| scenario | SQL queries | median | p95 | CPU median |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, result in rows:
        if "skipped" in result:
            body.append(f"| {label} | skipped: {result['skipped']} | | | |")
        else:
            body.append(
                f"| {label} | {result['queries']} | {result['median']:.0f} ms | {result['p95']:.0f} ms | "
                f"{result['cpu']:.0f} ms |"
            )
    title = f"AMAP distribution day, {args.members:,} members, {args.subscriptions:,} subscriptions"
    record(f"{title} — {vendor}", body)
    print("\n".join(body[len(machine) :]))


if __name__ == "__main__":
    main()
