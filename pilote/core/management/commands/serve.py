"""`manage.py serve`: the web server (gunicorn) and the background task worker (django-tasks db_worker)
together, in the foreground; stopping one stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Démarre le serveur web et le travailleur de tâches de fond."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="adresse:port d'écoute (défaut 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2, help="processus web (défaut 2)")

    def handle(self, *args, bind, workers, **options):
        python = sys.executable
        env = os.environ.copy()
        web = [
            python,
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
        worker = [python, "manage.py", "db_worker", "--queue-name", "*"]
        cwd = settings.BASE_DIR
        processes = [
            subprocess.Popen(web, cwd=cwd, env=env),  # noqa: S603 — fixed argv, no user input
            subprocess.Popen(worker, cwd=cwd, env=env),  # noqa: S603 — fixed argv, no user input
        ]
        self.stdout.write(f"Pilote est servi sur http://{bind}/ (Ctrl+C pour arrêter).")

        def stop(*_):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        codes = [p.returncode for p in processes]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            sys.exit(1)
