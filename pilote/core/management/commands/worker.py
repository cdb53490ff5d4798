"""`manage.py worker`: the background task worker (django-tasks' `db_worker`, same options) preceded by the
start-up housekeeping (pilote.core.startup: e.g. import runs killed with a previous worker marked « interrompu »)
and running the daily housekeeping (e.g. `purge_files`) at its start and then every 24 hours, in a thread of its
own: no cron needed. `manage.py serve` starts (and restarts) this command."""

import os
import threading

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from pilote.core import startup
from pilote.core.priority import lower_priority


class Command(DbWorkerCommand):
    help = (
        "Travailleur de tâches de fond (db_worker) : vérifications au démarrage (imports interrompus), "
        "nettoyage quotidien (fichiers temporaires)."
    )

    daily_seconds = startup.DAY_SECONDS

    def say(self, lines: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)

    def start_housekeeping(self) -> threading.Thread:
        """Start-up jobs now; daily jobs now and then every `daily_seconds`, in a daemon thread (it dies with
        the worker; the next worker runs them again at its start)."""
        self.say(startup.run_startup())
        self.housekeeping_stop = threading.Event()

        def daily():
            while True:
                self.say(startup.run_daily())
                if self.housekeeping_stop.wait(self.daily_seconds):
                    return

        thread = threading.Thread(target=daily, name="pilote-housekeeping", daemon=True)
        thread.start()
        return thread

    def handle(self, *args, **options):
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent only watches files: its child works
        lower_priority()
        self.start_housekeeping()
        try:
            return super().handle(*args, **options)
        finally:
            self.housekeeping_stop.set()
