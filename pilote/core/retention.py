"""Retention of temporary files in the private storage (pilote.core.uploads.private_storage).

Areas whose files are temporary (a census file waiting for its confirmation, an export waiting for its
download) are registered by the app that owns them in AppConfig.ready. Those older than
PILOTE_FILE_RETENTION_HOURS are deleted by the task worker (`manage.py worker`, which `serve` runs) at its start
and every 24 hours (pilote.core.startup, no cron needed), by `manage.py purge_files` on demand, and by the app
itself when it writes a new file. Attachments of fiches and lessons are kept: they are never registered here."""

import time

from django.conf import settings

from pilote.core.uploads import private_root


TEMPORARY_AREAS: set[str] = set()


def register_temporary_area(area: str) -> None:
    TEMPORARY_AREAS.add(area)


def retention_seconds() -> float:
    return float(getattr(settings, "PILOTE_FILE_RETENTION_HOURS", 24)) * 3600


def purge_expired(area: str | None = None, *, now: float | None = None) -> int:
    """Delete the files of one temporary area (or of all) older than the retention; returns how many."""
    limit = (time.time() if now is None else now) - retention_seconds()
    removed = 0
    for name in sorted(TEMPORARY_AREAS) if area is None else [area]:
        folder = private_root() / name
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def purge_job() -> str:
    """The daily housekeeping job (pilote.core.startup, run by `manage.py worker`): its French summary."""
    removed = purge_expired()
    return f"{removed} fichier(s) de plus de {retention_seconds() / 3600:g} h supprimé(s)" if removed else ""
