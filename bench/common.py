"""Shared helpers of the benchmarks: a throw-away database, timing statistics, machine description
and the RESULTS.md writer."""

import contextlib
import datetime
import os
import platform
import re
import statistics
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    import django

    django.setup()


@contextlib.contextmanager
def fresh_database():
    """A new test database (SQLite file, or test_<name> on PostgreSQL from DATABASE_URL), migrated,
    dropped afterwards; the test environment (testserver host, locmem email) around it."""
    from django.conf import settings
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    with tempfile.TemporaryDirectory(prefix="cabas-bench-") as tmp:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            # A file like production (not Django's in-memory test default).
            db.setdefault("TEST", {})["NAME"] = str(Path(tmp) / "bench.sqlite3")
        setup_test_environment(debug=False)
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            yield
        finally:
            teardown_databases(old_config, verbosity=0)
            teardown_test_environment()


def summary_ms(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"median": statistics.median(ms), "p95": p95, "min": ms[0], "max": ms[-1], "n": len(ms)}


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version}"


def machine_lines() -> list[str]:
    import django

    return [
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: `nproc` = {os.cpu_count()}, {cpu_model()}; load average (1 min) at the end of the run "
        f"{os.getloadavg()[0]:.2f} (other work on the machine inflates p95)",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
        f"- database: {database_description()}",
    ]


def record(title: str, body: list[str]) -> None:
    """Write (or replace) the `## title` section of RESULTS.md."""
    header = "# Benchmark results\n\nWritten by `python -m bench.<name>`; see README.md.\n"
    text = RESULTS.read_text() if RESULTS.exists() else header
    section = "\n".join([f"## {title}", "", *body]).rstrip() + "\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text)
