"""`manage.py serve`: the web server (gunicorn) and the background task worker (`manage.py worker`: django-tasks'
db_worker with Pilote's housekeeping) together, in the foreground. A worker that dies (killed, out of memory, a
crash) is restarted, with a growing pause if it keeps dying at once, and the web keeps serving; if the web server
stops, everything stops.

At start, before serving, the start-up housekeeping runs (pilote.core.startup: e.g. import runs killed with the
previous worker are marked « interrompu »); the worker runs it again at each (re)start, and runs the daily
housekeeping (temporary files past their retention) at its start and every 24 hours."""

import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from pilote.core import startup


class Command(BaseCommand):
    help = "Démarre le serveur web et le travailleur de tâches de fond (redémarré s'il s'arrête)."

    poll_seconds = 0.5
    first_restart_delay = 1.0
    max_restart_delay = 60.0
    stable_seconds = 30.0  # a worker that ran this long was healthy: the next restart waits the first delay again

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="adresse:port d'écoute (défaut 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2, help="processus web (défaut 2)")

    def web_command(self, bind: str, workers: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]

    def worker_command(self) -> list[str]:
        return [sys.executable, "manage.py", "worker", "--queue-name", "*"]

    def _start(self, argv: list[str]) -> subprocess.Popen:
        return subprocess.Popen(argv, cwd=settings.BASE_DIR, env=os.environ.copy())  # noqa: S603 — fixed argv

    def stop(self, *_):
        self._stopping.set()

    def handle(self, *args, bind, workers, **options):
        self._stopping = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        for line in startup.run_startup():
            self.stdout.write(line)
        web = self._start(self.web_command(bind, workers))
        self.worker = self._start(self.worker_command())
        self.worker_starts = 1
        self.stdout.write(f"Pilote est servi sur http://{bind}/ (Ctrl+C pour arrêter).")
        try:
            self._supervise(web)
        finally:
            for process in (web, self.worker):
                if process.poll() is None:
                    process.terminate()
            for process in (web, self.worker):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if web.returncode not in (0, -signal.SIGTERM, -signal.SIGINT) and not self._stopping.is_set():
            self.stderr.write(f"Le serveur web s'est arrêté (code {web.returncode}).")
            sys.exit(1)

    def _supervise(self, web: subprocess.Popen) -> None:
        delay, started = self.first_restart_delay, time.monotonic()
        while not self._stopping.is_set() and web.poll() is None:
            code = self.worker.poll()
            if code is not None:
                if time.monotonic() - started >= self.stable_seconds:
                    delay = self.first_restart_delay
                self.stderr.write(
                    f"Le travailleur de tâches s'est arrêté (code {code}) : redémarrage dans {delay:.0f} s ; "
                    "le site reste servi."
                )
                if self._stopping.wait(delay):
                    return
                self.worker, started = self._start(self.worker_command()), time.monotonic()
                self.worker_starts += 1
                delay = min(delay * 2, self.max_restart_delay)
            self._stopping.wait(self.poll_seconds)
