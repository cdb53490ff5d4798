"""Background task (django-tasks) running a DECP import and keeping its ImportRun up to date."""

from django.utils import timezone
from django_tasks import task

from pilote.decp.errors import ImportFailed
from pilote.decp.models import ImportRun


# Progress is written at most this often (fraction steps), not on every batch: it is a database write.
PROGRESS_STEP = 0.02


def execute_import_run(run_id, *, cleaner="real", workers=None):
    """Run the import of ImportRun `run_id` in this process (the task body; also callable directly)."""
    from pilote.decp.pipeline import run_import  # heavy imports only when a run starts

    run = ImportRun.objects.get(pk=run_id)
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.message = "Import démarré"
    run.save(update_fields=["status", "started_at", "message"])
    last = {"value": 0.0}

    def progress(fraction, message):
        if fraction - last["value"] >= PROGRESS_STEP or fraction >= 1.0:
            last["value"] = fraction
            ImportRun.objects.filter(pk=run_id).update(progress=round(fraction, 4), message=message)

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
        )
    except ImportFailed as exc:
        run.status = ImportRun.Status.FAILED
        run.message = exc.french()
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        return {"statut": "echec", "message": exc.french()}
    problems = report.get("apres_publication", [])
    run.status = ImportRun.Status.SUCCEEDED
    run.progress = 1.0
    run.report = report
    run.message = " ".join([summary_fr(report), *problems])
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "progress", "report", "message", "finished_at"])
    return {"statut": report["statut"], "generation": report["generation"]}


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
