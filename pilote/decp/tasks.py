"""Background task (django-tasks) running a DECP import and keeping its ImportRun up to date.

Every way a run can end leaves it finished: success, an ImportFailed (its French message), any other exception
(a French reason, the traceback goes to the log only), or the death of the worker: a run holds a file lock on
`decp/runs/<id>.lock` while it executes, so a run still « en cours » whose lock is free was interrupted by a
crash and is marked « interrompu » (`mark_interrupted_runs`, on the import page and when a run starts).
"""

import errno
import fcntl
import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from pilote.core import uploads
from pilote.decp import provenance, store
from pilote.decp.errors import ImportFailed
from pilote.decp.models import ImportRun
from pilote.decp.readers import sources


logger = logging.getLogger(__name__)

# Progress is written at most this often (fraction steps), not on every batch: it is a database write.
PROGRESS_STEP = 0.02
INTERRUPTED_MESSAGE = (
    "Import interrompu : le processus qui l'exécutait s'est arrêté (redémarrage ou panne du serveur). "
    "Les données en service n'ont pas changé ; relancez l'import."
)


def _lock_path(run_id):
    folder = store.decp_dir() / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{run_id}.lock"


@contextmanager
def _run_lock(run_id):
    """Held while the run executes; the kernel releases it when the process dies, however it dies."""
    with open(_lock_path(run_id), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    _lock_path(run_id).unlink(missing_ok=True)


def _is_alive(run_id):
    path = _lock_path(run_id)
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def mark_interrupted_runs():
    """Runs « en cours » whose process is gone become « interrompu »; returns how many."""
    count = 0
    for run_id in ImportRun.objects.filter(status=ImportRun.Status.RUNNING).values_list("pk", flat=True):
        if not _is_alive(run_id):
            count += ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.INTERRUPTED, message=INTERRUPTED_MESSAGE, finished_at=timezone.now()
            )
            _lock_path(run_id).unlink(missing_ok=True)
    return count


def failure_message(exc):
    """What the person sees of a failure that is not an ImportFailed: a French reason, never a traceback."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (
            "Import arrêté : le disque du serveur est plein. Les données en service n'ont pas changé ; "
            "prévenez l'administrateur de la plateforme."
        )
    if isinstance(exc, MemoryError):
        return (
            "Import arrêté : la mémoire du serveur ne suffit pas pour ce fichier. Les données en service n'ont pas "
            "changé ; découpez le fichier ou prévenez l'administrateur de la plateforme."
        )
    return (
        "Import arrêté par une erreur inattendue (détails dans le journal du serveur). Les données en service "
        "n'ont pas changé ; prévenez l'administrateur de la plateforme."
    )


def publisher_of(run):
    """National for a run without organisation, else the organisation and the buyer SIRETs it holds now."""
    return provenance.national() if run.organisation_id is None else provenance.for_organisation(run.organisation)


def execute_import_run(run_id, *, cleaner="real", workers=None):
    """Run the import of ImportRun `run_id` in this process (the task body; also callable directly)."""
    mark_interrupted_runs()  # a worker starting a run is a worker that (re)started: earlier crashes show now
    with _run_lock(run_id):
        run = ImportRun.objects.select_related("organisation").get(pk=run_id)
        try:
            return _execute(run, cleaner=cleaner, workers=workers)
        finally:
            discard_input(run)


def _execute(run, *, cleaner, workers):
    from pilote.decp.pipeline import run_import  # heavy imports only when a run starts

    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.message = "Import démarré"
    run.save(update_fields=["status", "started_at", "message"])
    last = {"value": 0.0}

    def progress(fraction, message):
        if fraction - last["value"] >= PROGRESS_STEP or fraction >= 1.0:
            last["value"] = fraction
            ImportRun.objects.filter(pk=run.pk).update(progress=round(fraction, 4), message=message)

    try:
        # preparations inside the new generation, then after-publish work (cache warming) before the run shows
        # as finished, so that the first visit after an import does not pay for it
        report = run_import(
            [run.source],
            source=run.source_name or None,
            progress=progress,
            cleaner=cleaner,
            workers=workers,
            after_publish=True,
            publisher=publisher_of(run),
        )
    except ImportFailed as exc:
        return _fail(run, exc.french())
    except Exception as exc:
        logger.exception("Import DECP %s : échec inattendu", run.pk)
        return _fail(run, failure_message(exc))
    problems = report.get("apres_publication", [])
    run.status = ImportRun.Status.SUCCEEDED
    run.progress = 1.0
    run.report = report
    run.message = " ".join([summary_fr(report), *problems])
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "progress", "report", "message", "finished_at"])
    return {"statut": report["statut"], "generation": report["generation"]}


def _fail(run, message):
    run.status = ImportRun.Status.FAILED
    run.message = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    return {"statut": "echec", "message": message}


def discard_input(run):
    """An uploaded file is deleted once processed (its checksum stays in the manifest: a re-import of the same
    file is still recognised); a downloaded file leaves the URL cache when its run ends (a failed one keeps its
    partial download to resume it), and the cache drops anything older than PILOTE_DECP_CACHE_HOURS."""
    try:
        source = Path(run.source)
        area = Path(uploads.private_storage("decp").location).resolve()
        if not sources.is_url(run.source) and source.resolve().is_relative_to(area):
            if source.parent.resolve() != area:
                shutil.rmtree(source.parent, ignore_errors=True)  # the upload's own folder (<uuid>/<name>)
            else:
                source.unlink(missing_ok=True)
        if sources.is_url(run.source) and run.status != ImportRun.Status.FAILED:
            # a failed download keeps its partial file so that the next try resumes it (until the retention)
            sources.forget_download(run.source, store.decp_dir() / "cache")
        sources.prune_cache(store.decp_dir() / "cache", max_age_s=settings.PILOTE_DECP_CACHE_HOURS * 3600)
    except OSError:
        logger.exception("Import DECP %s : fichiers de travail non supprimés", run.pk)


@task()
def run_import_task(run_id):
    return execute_import_run(run_id)


def summary_fr(report):
    """One French sentence summarising a report (also used by the command)."""
    if report["statut"] == "deja_importe":
        return "Fichier(s) déjà importé(s) : rien n'a changé."
    return (
        f"{report['read']} enregistrements lus : {report['stored']} nouveaux contrats, "
        f"{report['duplicates']} doublons, {report['rejected']} rejetés ; génération {report['generation']}."
    )
