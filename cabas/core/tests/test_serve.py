"""`make run` serves the site as it is run for real: gunicorn with a real listen backlog, static files
by WhiteNoise (hashed, compressed, cached for a year), the background worker beside it, all stopped
together. The development server (`make dev`) reset buyers' connections past 10 at once."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(var_dir: Path) -> dict:
    dropped = {"CABAS_TESTING", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(45),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DJANGO_SETTINGS_MODULE="cabas.settings",
        CABAS_VAR_DIR=str(var_dir),
        EMAIL_URL="console:",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=True, **kwargs,
    )


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def _wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _answers(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


@pytest.fixture
def served(tmp_path):
    """The site served by `manage.py serve` on a fresh var directory (its own SQLite file)."""
    env = _env(tmp_path)
    _manage(env, "migrate", "django_tasks_database", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _answers(f"{base}/healthz")), (tmp_path / "serve.log").read_text()
        yield {"base": base, "process": process, "env": env, "log": tmp_path / "serve.log", "var": tmp_path}
    finally:
        if process.poll() is None:
            process.terminate()  # the command stops gunicorn and the worker with it
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_make_run_serves_with_the_production_server_and_make_dev_keeps_the_reloader():
    run = subprocess.run(["make", "-n", "run"], cwd=BASE_DIR, capture_output=True, text=True, check=True)
    dev = subprocess.run(["make", "-n", "dev"], cwd=BASE_DIR, capture_output=True, text=True, check=True)

    assert "manage.py serve" in run.stdout and "runserver" not in run.stdout
    assert "collectstatic" in run.stdout and "DEBUG=" in run.stdout
    assert "runserver" in dev.stdout and "db_worker" in dev.stdout


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _forty_buyers_at_once(base: str) -> list:
    def fetch(_):
        try:
            return _get(f"{base}/healthz")[0]
        except OSError as error:
            return repr(error)

    with ThreadPoolExecutor(max_workers=40) as pool:
        return list(pool.map(fetch, range(40)))


def test_it_serves_like_production_with_the_worker_beside_it_and_stops_both(served):
    """One server for every check (starting one costs seconds): connections, static files, the
    worker, then stopping."""
    base = served["base"]

    # Forty buyers at once: every one answered, none reset (runserver's backlog is 10).
    assert _forty_buyers_at_once(base) == [200] * 40
    assert _get(f"{base}/healthz")[1]["Server"].startswith("gunicorn")

    # Static files by WhiteNoise: hashed names, compressed, cached for a year.
    manifest = json.loads((served["var"] / "static" / "staticfiles.json").read_text())
    css = manifest["paths"]["css/cabas.css"]
    status, headers, _ = _get(f"{base}/static/{css}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]

    # The background worker runs beside the site: a queued email is sent (console backend).
    address = f"serve-check-{secrets.token_hex(4)}@exemple.fr"
    _manage(
        served["env"], "shell", "-c",
        "from cabas.accounts.tasks import send_templated_email; "
        "send_templated_email.enqueue(template_prefix='emails/accounts/confirm_email', "
        f"context={{'email': '{address}', 'max_age_days': 3}}, to=['{address}'])",
    )
    assert _wait_for(lambda: f"To: {address}" in served["log"].read_text(), 60), served["log"].read_text()

    # Ctrl-C or SIGTERM stops the site and the worker together.
    children = _children(served["process"].pid)
    assert len(children) == 2  # gunicorn's master and the worker
    served["process"].send_signal(signal.SIGTERM)
    assert served["process"].wait(timeout=30) == 0
    assert not _answers(f"{base}/healthz")
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
