"""Housekeeping run by the processes themselves, without a cron: at start-up and once a day.

An app registers in its AppConfig.ready (core must not know the apps above it):
- `register_startup(name, function)`: run when `manage.py serve` starts and each time the task worker
  (`manage.py worker`, which serve starts and restarts) starts — e.g. decp marks « interrompu » the import runs
  killed with a previous worker;
- `register_daily(name, function)`: run by the task worker at its start and then every 24 hours — e.g. the
  temporary files past PILOTE_FILE_RETENTION_HOURS (`purge_files`).

`function()` returns a short French summary (or "" when it had nothing to do). A failing job is reported and
the others still run: housekeeping never keeps the site or the worker from starting."""

import logging
from collections.abc import Callable


logger = logging.getLogger(__name__)

Job = Callable[[], str]
DAY_SECONDS = 24 * 3600

_STARTUP: dict[str, Job] = {}
_DAILY: dict[str, Job] = {}


def _register(registry: dict[str, Job], name: str, job: Job) -> None:
    if name in registry and registry[name] is not job:
        raise ValueError(f"housekeeping job {name!r} is already registered")
    registry[name] = job


def register_startup(name: str, job: Job) -> None:
    _register(_STARTUP, name, job)


def register_daily(name: str, job: Job) -> None:
    _register(_DAILY, name, job)


def _run(registry: dict[str, Job]) -> list[str]:
    """Each job once, in registration order; returns the lines to print (summaries and failures)."""
    lines = []
    for name, job in list(registry.items()):
        try:
            summary = job()
        except Exception:  # a broken job is reported, never stops the process nor the other jobs
            logger.exception("housekeeping job %s failed", name)
            lines.append(f"{name} : échec (détails dans le journal)")
            continue
        if summary:
            lines.append(f"{name} : {summary}")
    return lines


def run_startup() -> list[str]:
    return _run(_STARTUP)


def run_daily() -> list[str]:
    return _run(_DAILY)
