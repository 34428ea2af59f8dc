"""Benchmark of checkouts against a running server: 200 buyers at once on 50 units of stock.

    python -m bench.checkouts [--buyers 200] [--stock 50] [--workers 2] [--threads 8]
                              [--throughput-orders 400] [--throughput-clients 16] [--no-bare]

Builds a shop with an open cycle in a fresh test database (PostgreSQL when DATABASE_URL says so,
the acceptance; SQLite otherwise), starts the site as deployed — gunicorn with `--workers`
processes of `--threads` threads (gthread; one persistent database connection per thread) — and
drives it over HTTP like browsers do: each buyer gets the shop page (session and CSRF cookies),
adds to its cart, opens the checkout, then all the buyers confirm at the same moment.

Scenario 1 (correctness): `--buyers` buyers, `--stock` units → exactly `--stock` orders placed,
every other buyer sent back to the shop with "plus de stock", no other error, stock 0.
Scenario 2 (throughput): `--throughput-clients` concurrent clients place `--throughput-orders`
3-line orders on ample stock. Placed orders per second go to bench/RESULTS.md, with the CPU each
order costs the server (master + workers), PostgreSQL and the client.
Scenario 3 (reference): the same clients post the same number of orders to a bare Django view
doing the same writes (bench/bare.py); DESIGN.md §7 sets the checkout's budget at about 40 % of it.
"""

import argparse
import concurrent.futures
import datetime
import http.cookiejar
import os
import re
import socket
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


def start_server(workers: int, threads: int):
    """Start gunicorn as deployed (docs/deploy.md): `workers` processes of `threads` threads each
    (gthread), the site's production settings plus the bench's URLconf (bench/urls.py: the bare
    reference view). Returns the master process and the base URL once it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
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
    command = [sys.executable, "-m", "gunicorn", "cabas.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"]
    command += ["--backlog", "2048", "--timeout", "120", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    break
        except (OSError, urllib.error.HTTPError):
            if time.monotonic() > deadline:
                process.terminate()
                raise
        time.sleep(0.2)
    return process, base


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
        body = urllib.parse.urlencode(data, doseq=True).encode()
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

    def bare(self, form: dict) -> str:
        """Post to the bare reference view (bench/bare.py)."""
        status, location, _ = self.post("/bench/bare-checkout/", form)
        if status == 302 and location.startswith("/orders/"):
            return "placed"
        return f"error {status} {location}"


def _processes():
    """(pid, parent pid, name, command line, CPU seconds used so far: user + system) of every process."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        yield int(stat.parent.name), int(fields[1]), comm, cmdline, (int(fields[11]) + int(fields[12])) / tick


# A PostgreSQL client backend: "postgres: 15/main: <user> <database> <host>(<port>) <state>".
BACKEND = re.compile(r"^postgres: (?:[^:]+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")


def _server_cpu(master: int) -> dict[int, float]:
    """CPU seconds so far of the server: gunicorn's master and its workers."""
    return {pid: cpu for pid, ppid, _, _, cpu in _processes() if master in (pid, ppid)}


def _database_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of PostgreSQL for this benchmark: the backends connected to `database` and
    the server's own processes (WAL writer, checkpointer…); backends of other databases (other
    work on the machine) are left out."""
    result = {}
    for pid, _, comm, cmdline, cpu in _processes():
        backend = BACKEND.match(cmdline)
        if comm == "postgres" and (backend is None or backend.group(1) == database):
            result[pid] = cpu
    return result


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots (processes that ended are not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _run(base, buyers: int, clients: int, prepare, act, cpu=()):
    """Prepare `buyers` buyers (concurrently; `prepare(buyer, i)` returns what `act` posts), then
    run `act(buyer, prepared)` for all of them through `clients` threads at once. Returns the
    outcomes, the elapsed time and the CPU seconds used meanwhile by each of the `cpu` snapshots."""
    people = [Buyer(base) for _ in range(buyers)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(32, buyers)) as pool:
        forms = list(pool.map(lambda i: prepare(people[i], i), range(buyers)))
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
            outcome = act(people[i], forms[i])
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    before = [measure() for measure in cpu]
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    used = [_cpu_used(was, measure()) for measure, was in zip(cpu, before, strict=True)]
    return outcomes, elapsed, used


def _per_order(seconds: float, counts) -> float:
    return seconds * 1000 / max(1, counts.get("placed", 0))


def _cpu_line(cpu: list[float], counts, rate: float, vendor: str) -> str:
    server, database, client = (_per_order(seconds, counts) for seconds in cpu)
    total = server + database + client
    cores = os.cpu_count()
    return (
        f"CPU per placed order: server {server:.1f} ms (gunicorn master + workers), "
        f"{vendor} {database:.1f} ms"
        + (" (this database's backends + the server's own processes)" if vendor == "PostgreSQL" else "")
        + f", benchmark client {client:.1f} ms: {total:.1f} ms in all, i.e. at most "
        f"{cores * 1000 / total:.0f} orders/s if the {cores} cores did nothing else "
        f"(measured: {rate:.0f}/s)."
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--throughput-orders", type=int, default=400)
    parser.add_argument("--throughput-clients", type=int, default=16)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare reference view")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (checkout, then bare)")
    args = parser.parse_args(argv)

    setup_django()
    from collections import Counter

    from django.db import connection

    from cabas.catalogue.models import Variant
    from cabas.orders.models import Line, Order

    with fresh_database():
        shop, cycle, variants, shipping, payment = build(args.stock)
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        database = connection.settings_dict["NAME"]
        connection.close()
        process, base = start_server(args.workers, args.threads)
        slug = shop.slug

        def prepare(lines):
            return lambda buyer, i: buyer.prepare(slug, cycle, lines, f"b{i}@exemple.fr")

        def confirm(buyer, form):
            return buyer.confirm(slug, form, shipping, payment)

        bare_form = {"seller_id": shop.pk, "cycle_id": cycle.pk, "variant_id": [v.pk for v in variants[1:]]}

        def bare(buyer, form):
            return buyer.bare({**form, **bare_form})

        cpu = (
            lambda: _server_cpu(process.pid),
            (lambda: _database_cpu(database)) if vendor == "PostgreSQL" else dict,
            lambda: {0: sum(os.times()[:2])},
        )
        try:
            outcomes, elapsed, _cpu = _run(
                base, args.buyers, args.buyers, prepare(variants[:1]), confirm
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
            connection.close()
            # Throughput: the checkout and the bare view one after the other, `rounds` times, so that
            # what else the machine does weighs on both alike; the median round is reported.
            rounds = []
            for _ in range(args.rounds):
                t_outcomes, t_elapsed, t_cpu = _run(
                    base,
                    args.throughput_orders,
                    args.throughput_clients,
                    prepare(variants[1:]),
                    confirm,
                    cpu,
                )
                t_counts = Counter(t_outcomes)
                b_counts, b_elapsed, b_cpu = None, None, None
                if not args.no_bare:
                    b_outcomes, b_elapsed, b_cpu = _run(
                        base,
                        args.throughput_orders,
                        args.throughput_clients,
                        prepare(variants[1:]),
                        bare,
                        cpu,
                    )
                    b_counts = Counter(b_outcomes)
                rounds.append((t_counts, t_elapsed, t_cpu, b_counts, b_elapsed, b_cpu))
        finally:
            process.terminate()
            process.wait(timeout=30)
            connection.close()
        machine = machine_lines()

    rate = counts.get("placed", 0) / elapsed

    def rates(one_round):
        t_counts, t_elapsed, _, b_counts, b_elapsed, _ = one_round
        t_rate = t_counts.get("placed", 0) / t_elapsed
        b_rate = b_counts.get("placed", 0) / b_elapsed if b_counts is not None else None
        return t_rate, b_rate

    def share(one_round):
        t_rate, b_rate = rates(one_round)
        return t_rate / b_rate if b_rate else t_rate

    # The round whose checkout ÷ bare ratio is the median one (the checkout's rate without --no-bare).
    median = sorted(rounds, key=share)[len(rounds) // 2]
    t_counts, t_elapsed, t_cpu, b_counts, b_elapsed, b_cpu = median
    t_rate, b_rate = rates(median)
    body = [
        *machine,
        f"- server: gunicorn as deployed (docs/deploy.md), {args.workers} worker processes × "
        f"{args.threads} threads (gthread; one persistent database connection per thread), DEBUG off "
        "(production settings over plain HTTP); clients: Python threads speaking HTTP with their own "
        "cookies, on the same machine",
        "",
        f"**{args.buyers} buyers confirm at the same moment, {args.stock} units of stock**: "
        f"{counts.get('placed', 0)} orders placed, {counts.get('plus de stock', 0)} told « plus de stock », "
        f"other outcomes: {sum(v for k, v in counts.items() if k not in ('placed', 'plus de stock'))}; "
        f"units sold {sold}, stock left {left} — {'OK' if ok else 'FAILED'}. "
        f"All {args.buyers} answered in {elapsed:.2f} s ({rate:.0f} placed orders/s, "
        f"{args.buyers / elapsed:.0f} checkouts/s including refusals).",
        "",
        f"**Throughput** (the median of {len(rounds)} rounds, each the checkout then the bare view): "
        f"{args.throughput_clients} concurrent clients, {args.throughput_orders} orders of "
        f"3 lines on ample stock: {t_counts.get('placed', 0)} placed in {t_elapsed:.2f} s — "
        f"**{t_rate:.0f} placed orders/s** (each checkout: stock locked and decremented, lines and fee lines "
        "written, number assigned, customer recorded, confirmation email queued, page redirect; "
        f"other outcomes: {sum(v for k, v in t_counts.items() if k != 'placed')}).",
        "",
        _cpu_line(t_cpu, t_counts, t_rate, vendor),
    ]
    if b_counts is not None:
        body += [
            "",
            f"**Reference: a bare Django view doing the same writes** (bench/bare.py, same server, same "
            f"clients, same 3 variants): {b_counts.get('placed', 0)} placed in {b_elapsed:.2f} s — "
            f"**{b_rate:.0f} orders/s** (other outcomes: "
            f"{sum(v for k, v in b_counts.items() if k != 'placed')}). The checkout reaches "
            f"**{100 * t_rate / max(b_rate, 1e-9):.0f} %** of it (budget: 150/s, about 40 %).",
            "",
            _cpu_line(b_cpu, b_counts, b_rate, vendor),
            "",
            "| round | checkout | bare view | checkout ÷ bare |",
            "|---:|---:|---:|---:|",
            *(
                f"| {i} | {rates(r)[0]:.0f}/s | {rates(r)[1]:.0f}/s | {100 * share(r):.0f} % |"
                for i, r in enumerate(rounds, 1)
            ),
        ]
    record(f"Concurrent checkouts against the running server — {vendor}", body)
    print("\n".join(body[len(machine) :]))
    if not ok or any(r[0].get("placed", 0) != args.throughput_orders for r in rounds):
        sys.exit(1)


if __name__ == "__main__":
    main()
