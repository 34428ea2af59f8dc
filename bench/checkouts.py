"""Benchmark of checkouts against a running server: 200 buyers at once on 50 units of stock.

    python -m bench.checkouts [--buyers 200] [--stock 50] [--server-threads 16]
                              [--throughput-orders 400] [--throughput-clients 16]

Builds a shop with an open cycle in a fresh test database (PostgreSQL when DATABASE_URL says so,
the acceptance; SQLite otherwise), starts the site in a separate process — Django's WSGI
application behind the standard library's WSGI server with a fixed pool of threads (a real
server's worker pool; one persistent database connection per thread) — and drives
it over HTTP like browsers do: each buyer gets the shop page (session and CSRF cookies), adds one
unit to its cart, opens the checkout, then all the buyers confirm at the same moment.

Scenario 1 (correctness): `--buyers` buyers, `--stock` units → exactly `--stock` orders placed,
every other buyer sent back to the shop with "plus de stock", no other error, stock 0.
Scenario 2 (throughput): `--throughput-clients` concurrent clients place `--throughput-orders`
3-line orders on ample stock. Placed orders per second go to bench/RESULTS.md.
"""

import argparse
import concurrent.futures
import datetime
import http.cookiejar
import os
import re
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

from bench.common import fresh_database, machine_lines, record, setup_django

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


# --- the server (a subprocess) ----------------------------------------------------------------


def serve(port: int, threads: int) -> None:
    """Serve Django's WSGI application on 127.0.0.1:`port` with a pool of `threads` threads."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class PooledServer(socketserver.ThreadingMixIn, WSGIServer):
        request_queue_size = 1024
        daemon_threads = True

        def process_request(self, request, client_address):
            pool.submit(self.process_request_thread, request, client_address)

    server = PooledServer(("127.0.0.1", port), Quiet)
    server.set_app(application)
    print("ready", flush=True)
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_server(threads: int):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        # Production settings (no query log, cached templates) over plain HTTP on loopback.
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "EMAIL_URL": "dummy:",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    # Production static files: hashed names from a manifest that collectstatic writes.
    env["CABAS_VAR_DIR"] = tempfile.mkdtemp(prefix="cabas-bench-var-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.checkouts", "--serve", str(port), "--server-threads", str(threads)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"  # noqa: S101
    return process, f"http://127.0.0.1:{port}"


# --- the data ---------------------------------------------------------------------------------


def build(stock: int):
    from django.utils import timezone

    from cabas.catalogue.models import Category, Product, Variant
    from cabas.cycles.models import (
        CycleDistributor,
        CycleSupplier,
        CycleVariant,
        Fee,
        OrderCycle,
        ShippingMethod,
    )
    from cabas.enterprises.models import Enterprise
    from cabas.payments.models import PaymentMethod

    now = timezone.now()
    shop = Enterprise.objects.create(
        slug="ferme-du-banc", name="Ferme du Banc", model="farm_sale", is_producer=True, sells="own"
    )
    cycle = OrderCycle.objects.create(
        coordinator=shop,
        name="Vente flash",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    supplier = CycleSupplier.objects.create(cycle=cycle, supplier=shop)
    supplier.fees.add(
        Fee.objects.create(
            enterprise=shop,
            name="Préparation",
            fee_type="packing",
            calculator="flat_per_item",
            amount=Decimal("0.20"),
        )
    )
    distribution = CycleDistributor.objects.create(cycle=cycle, distributor=shop, pickup_at=now)
    distribution.shipping_methods.add(ShippingMethod.objects.create(enterprise=shop, name="À la ferme"))
    payment = PaymentMethod.objects.create(enterprise=shop, kind="cash", name="Espèces")
    distribution.payment_methods.add(payment)
    category = Category.objects.get(slug="tomates")
    variants = []
    for name, on_hand in [
        ("Tomates anciennes", stock),
        ("Courgettes", 10**6),
        ("Salades", 10**6),
        ("Oignons", 10**6),
    ]:
        product = Product.objects.create(producer=shop, name=name, category=category)
        variant = Variant.objects.create(
            product=product, unit="g", quantity=Decimal(500), price=Decimal("2.40"), on_hand=on_hand
        )
        CycleVariant.objects.create(cycle=cycle, variant=variant)
        variants.append(variant)
    return shop, cycle, variants, distribution.shipping_methods.get(), payment


# --- a buyer ----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Buyer:
    """A browser: its own cookies (session, CSRF)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        return self._open(request)

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def prepare(self, slug: str, cycle, variants: list, email: str) -> dict:
        """Fill the cart and open the checkout; returns the confirmation form to post."""
        status, _, page = self.get(f"/{slug}/shop/?cycle={cycle.uuid}")
        assert status == 200, status  # noqa: S101
        token = CSRF.search(page).group(1)
        for variant in variants:
            status, _, _ = self.post(
                f"/{slug}/shop/cart/set/",
                {"csrfmiddlewaretoken": token, "cycle": cycle.uuid, "variant": variant.uuid, "set": "1"},
            )
            assert status == 302, status  # noqa: S101
        status, _, page = self.get(f"/{slug}/shop/checkout/?cycle={cycle.uuid}")
        assert status == 200, status  # noqa: S101
        return {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            "idempotency_key": KEY.search(page).group(1),
            "cycle": cycle.uuid,
            "email": email,
            "full_name": "Client Pressé",
            "phone": "",
            "note": "",
            "address": "",
            "postcode": "",
            "city": "",
            "confirm": "1",
        }

    def confirm(self, slug: str, form: dict, shipping, payment) -> str:
        status, location, page = self.post(
            f"/{slug}/shop/checkout/",
            {**form, "shipping_method": shipping.uuid, "payment_method": payment.uuid},
        )
        if status == 302 and location.startswith("/orders/"):
            return "placed"
        if status == 302 and "/shop/" in location:
            # Sent back to the shop: the message is in the session; read it on the page.
            _, _, shop_page = self.get(location)
            return (
                "plus de stock" if "plus de stock" in shop_page else f"redirect without message: {location}"
            )
        if status == 200 and ("plus que" in page or "plus de stock" in page):
            return "plus de stock"
        return f"error {status}"


def _cpu_seconds(pids=None, name: str = "") -> dict[int, float]:
    """CPU time (user + system) used so far by each of the processes `pids`, or of every process
    called `name` (e.g. PostgreSQL's backends; other databases of the machine included)."""
    tick = os.sysconf("SC_CLK_TCK")
    result = {}
    stats = Path("/proc").glob("[0-9]*/stat") if pids is None else (Path(f"/proc/{p}/stat") for p in pids)
    for stat in stats:
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if pids is None and comm != name:
            continue
        result[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return result


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two `_cpu_seconds` snapshots (processes that ended are not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _run(base, shop, cycle, line_variants, shipping, payment, buyers: int, clients: int, server_pid=None):
    """Prepare `buyers` carts (concurrently), then confirm them all through `clients` threads at once.
    Returns the outcomes, the elapsed time and the CPU seconds the client (this process), the server
    and PostgreSQL used meanwhile."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(32, buyers)) as pool:
        people = [Buyer(base) for _ in range(buyers)]
        forms = list(
            pool.map(
                lambda i: people[i].prepare(shop.slug, cycle, line_variants, f"b{i}@exemple.fr"),
                range(buyers),
            )
        )
    start = threading.Barrier(clients + 1)
    queue = list(range(buyers))
    lock = threading.Lock()
    outcomes = []

    def worker():
        start.wait()
        while True:
            with lock:
                if not queue:
                    return
                i = queue.pop()
            outcome = people[i].confirm(shop.slug, forms[i], shipping, payment)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    cpu = [lambda: {0: sum(os.times()[:2])}]
    cpu.append(lambda: _cpu_seconds([server_pid]) if server_pid else {})
    cpu.append(lambda: _cpu_seconds(name="postgres"))
    before = [measure() for measure in cpu]
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    used = [_cpu_used(was, measure()) for measure, was in zip(cpu, before, strict=True)]
    return outcomes, elapsed, used


def _per_order(seconds: float, counts) -> str:
    return f"{seconds * 1000 / max(1, counts.get('placed', 0)):.1f} ms"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=50)
    parser.add_argument("--server-threads", type=int, default=16)
    parser.add_argument("--throughput-orders", type=int, default=400)
    parser.add_argument("--throughput-clients", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.server_threads)
        return

    setup_django()
    from collections import Counter

    from django.db import connection

    from cabas.catalogue.models import Variant
    from cabas.orders.models import Line, Order

    with fresh_database():
        shop, cycle, variants, shipping, payment = build(args.stock)
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        connection.close()
        process, base = start_server(args.server_threads)
        try:
            outcomes, elapsed, _cpu = _run(
                base, shop, cycle, variants[:1], shipping, payment, args.buyers, args.buyers
            )
            counts = Counter(outcomes)
            left = Variant.objects.get(pk=variants[0].pk).on_hand
            sold = sum(
                Line.objects.filter(variant=variants[0], order__status="placed").values_list(
                    "quantity", flat=True
                )
            )
            placed = Order.objects.filter(status="placed").count()
            ok = counts == {"placed": args.stock, "plus de stock": args.buyers - args.stock} and left == 0
            ok = ok and sold == args.stock == placed
            t_outcomes, t_elapsed, t_cpu = _run(
                base,
                shop,
                cycle,
                variants[1:],
                shipping,
                payment,
                args.throughput_orders,
                args.throughput_clients,
                server_pid=process.pid,
            )
            t_counts = Counter(t_outcomes)
        finally:
            process.terminate()
            process.wait(timeout=30)
            connection.close()
        machine = machine_lines()

    rate = counts.get("placed", 0) / elapsed
    t_rate = t_counts.get("placed", 0) / t_elapsed
    body = [
        *machine,
        f"- server: Django's WSGI application behind the standard library's WSGI server in its own process, "
        f"{args.server_threads} threads (one persistent database connection each), "
        "DEBUG off (production settings over plain HTTP); "
        "clients: Python threads speaking HTTP with their own cookies, on the same machine",
        "",
        f"**{args.buyers} buyers confirm at the same moment, {args.stock} units of stock**: "
        f"{counts.get('placed', 0)} orders placed, {counts.get('plus de stock', 0)} told « plus de stock », "
        f"other outcomes: {sum(v for k, v in counts.items() if k not in ('placed', 'plus de stock'))}; "
        f"units sold {sold}, stock left {left} — {'OK' if ok else 'FAILED'}. "
        f"All {args.buyers} answered in {elapsed:.2f} s ({rate:.0f} placed orders/s, "
        f"{args.buyers / elapsed:.0f} checkouts/s including refusals).",
        "",
        f"**Throughput**: {args.throughput_clients} concurrent clients, {args.throughput_orders} orders of "
        f"3 lines on ample stock: {t_counts.get('placed', 0)} placed in {t_elapsed:.2f} s — "
        f"**{t_rate:.0f} placed orders/s** (each checkout: stock locked and decremented, lines and fee lines "
        "written, number assigned, customer recorded, confirmation email queued, page redirect).",
        "",
        f"CPU per placed order during the throughput run ({os.cpu_count()} cores = "
        f"{os.cpu_count() * 1000 / max(1, t_rate):.1f} ms of CPU "
        f"per order at this rate): server {_per_order(t_cpu[1], t_counts)}, "
        f"PostgreSQL {_per_order(t_cpu[2], t_counts)} (every backend on the machine), "
        f"benchmark client {_per_order(t_cpu[0], t_counts)}.",
    ]
    record(f"Concurrent checkouts against the running server — {vendor}", body)
    print("\n".join(body[len(machine) :]))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
