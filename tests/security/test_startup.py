"""Housekeeping without a cron (issue 15): an import run killed with its worker is marked « interrompu » as soon
as `serve` or the task worker starts (not only when someone opens the import page), and the temporary files past
their retention are purged by the worker at its start and then every 24 hours."""

import io
import os
import signal
import sys
import time

import pytest
from django.core.management import call_command

from pilote.core import startup, uploads
from pilote.core.enums import Role
from pilote.core.management.commands import serve, worker
from pilote.decp.models import ImportRun


OLD = time.time() - 3 * 3600


def stale_run(org, user) -> ImportRun:
    """A run left « en cours » by a worker that was killed: no process holds its lock."""
    return ImportRun.objects.create(
        source="/nulle-part/x.json", actor=user, organisation=org, status=ImportRun.Status.RUNNING
    )


def old_temporary_file(name: str):
    path = uploads.private_root() / "exports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    os.utime(path, (OLD, OLD))
    return path


class QuickServe(serve.Command):
    """The real `serve`, with a web server that exits at once (so that handle returns) and a sleeping worker."""

    def web_command(self, bind, workers):
        return [sys.executable, "-c", "import time; time.sleep(0.5)"]

    def worker_command(self):
        return [sys.executable, "-c", "import time; time.sleep(30)"]


@pytest.mark.django_db
def test_serve_marks_runs_killed_with_the_previous_worker_before_serving(org_a, members_a):
    run = stale_run(org_a, members_a[Role.APPUI])
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    out = io.StringIO()
    try:
        command = QuickServe(stdout=out)
        command.handle(bind="127.0.0.1:0", workers=1)
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED
    assert run.finished_at is not None
    assert "imports DECP : 1 import(s) interrompu(s)" in out.getvalue()


def test_serve_starts_the_worker_with_its_housekeeping():
    assert serve.Command().worker_command()[2:4] == ["worker", "--queue-name"]


@pytest.mark.django_db
def test_the_task_worker_marks_interrupted_runs_and_purges_at_start(org_a, members_a, settings, monkeypatch):
    """`manage.py worker` (what serve runs, and the README's service): housekeeping, then django-tasks' db_worker
    with the options given (its loop itself is django-tasks'; it closes the test's database connection)."""
    from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

    delegated = []
    monkeypatch.setattr(DbWorkerCommand, "handle", lambda self, **options: delegated.append(options))
    settings.PILOTE_FILE_RETENTION_HOURS = 2
    run = stale_run(org_a, members_a[Role.APPUI])
    expired = old_temporary_file("ancien.xlsx")
    recent = uploads.private_root() / "exports" / "recent.xlsx"
    recent.write_bytes(b"y")
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=out)
    assert delegated[0]["queue_name"] == "*"
    assert delegated[0]["batch"] is True
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED
    deadline = time.monotonic() + 10  # the daily job runs in its own thread
    while expired.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not expired.exists()
    assert recent.exists()


@pytest.mark.django_db
def test_a_running_import_is_left_alone(org_a, members_a):
    """A run whose worker is alive (it holds the run's lock) stays « en cours » when another process starts."""
    import fcntl

    from pilote.decp import tasks

    run = stale_run(org_a, members_a[Role.APPUI])
    with open(tasks._lock_path(run.pk), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        startup.run_startup()
        fcntl.flock(held, fcntl.LOCK_UN)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


def test_the_daily_housekeeping_runs_again_every_period(settings):
    settings.PILOTE_FILE_RETENTION_HOURS = 2
    command = worker.Command(stdout=io.StringIO())
    command.daily_seconds = 0.05
    first = old_temporary_file("premier.csv")
    thread = command.start_housekeeping()
    try:
        deadline = time.monotonic() + 10
        while first.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        second = old_temporary_file("second.csv")  # written after the first pass: only a later pass removes it
        while second.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not first.exists()
        assert not second.exists()
        assert "fichiers temporaires : 1 fichier(s) de plus de 2 h supprimé(s)" in command.stdout._out.getvalue()
    finally:
        command.housekeeping_stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch):
    def broken():
        raise OSError("disque illisible")

    monkeypatch.setattr(startup, "_STARTUP", {"cassé": broken, "suivant": lambda: "fait"})
    assert startup.run_startup() == ["cassé : échec (détails dans le journal)", "suivant : fait"]
    with pytest.raises(ValueError, match="already registered"):
        startup.register_startup("suivant", lambda: "")
