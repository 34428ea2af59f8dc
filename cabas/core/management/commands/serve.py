"""`manage.py serve`: the site as a small group runs it for real — gunicorn (threads, a real listen
backlog) and the background worker beside it, stopped together.

`make run` prepares what this needs (migrations, collected static files, a secret key) and calls it;
`make dev` keeps Django's auto-reloading development server for working on the code.
"""

import contextlib
import ctypes
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# gunicorn's own default (2048) already is what matters: a burst of buyers waits in the queue
# instead of being reset, as happens with the development server's backlog of 10.
BACKLOG = 2048


def _die_with_parent():
    """In each child: be stopped if this command is killed outright (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _no_control_socket() -> list[str]:
    """gunicorn 25+ opens a control socket at one fixed path per user: two sites on one machine
    would fight over it, and Cabas does not use it."""
    from gunicorn.config import Config

    return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []


class Command(BaseCommand):
    help = "Serve the site with gunicorn and run the background worker beside it (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port (127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (2)")
        parser.add_argument("--threads", type=int, default=8, help="threads per process (8)")
        parser.add_argument("--no-worker", action="store_true", help="serve only, no background worker")

    def handle(self, *args, bind, workers, threads, no_worker, **options):
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG est actif : le site montre ses erreurs en détail. Pour travailler sur le code, "
                "préférez `make dev` ; pour servir le site, DEBUG=0."
            )
        web = [
            sys.executable, "-m", "gunicorn", settings.WSGI_APPLICATION.rsplit(".", 1)[0],
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread", "--backlog", str(BACKLOG),
            "--access-logfile", "-", "--graceful-timeout", "10", *_no_control_socket(),
        ]
        worker = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker"]
        # Our own interpreter and arguments: nothing from outside reaches these command lines.
        children = {"gunicorn": subprocess.Popen(web, preexec_fn=_die_with_parent)}  # noqa: S603
        if not no_worker:
            children["db_worker"] = subprocess.Popen(worker, preexec_fn=_die_with_parent)  # noqa: S603

        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Cabas sur http://{bind}/ (Ctrl-C pour arrêter le site et le worker)")
        self.stdout.flush()
        ended = []
        try:
            while not stopping and not ended:
                ended = [name for name, child in children.items() if child.poll() is not None]
                time.sleep(0.2)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        if ended and not stopping:
            raise CommandError(f"Arrêt inattendu de {', '.join(ended)} : le site et le worker sont arrêtés.")
