"""Heavy exports in the background. A contract list above PILOTE_EXPORT_TASK_ROWS rows (a national cockpit list
took 14 s and 805 MB inside the request) is not built by the web worker: the export view records an ExportJob
(`do_request_export`, audited) and a django-tasks task (database backend, run by `db_worker`) builds the file
into the private area « exports »; the job's page (pilote.core.views_exports) shows its state and, once ready,
a download link for the members of the organisation that asked. Files are deleted after
PILOTE_FILE_RETENTION_HOURS (a temporary area: pilote.core.retention.purge_expired).

The apps that export register a builder in AppConfig.ready: `register_builder(kind, build)` where
`build(job) -> (title, bytes, rows)` computes the file from the job's organisation, format and address."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pilote.core import retention, uploads
from pilote.core.audit import CoreVerb
from pilote.core.models import ExportJob
from pilote.core.services import record_event


logger = logging.getLogger("pilote.exports")
AREA = "exports"
BUILDERS: dict[str, Callable] = {}


def register_builder(kind: str, build: Callable) -> None:
    BUILDERS[kind] = build


def task_threshold() -> int:
    return int(getattr(settings, "PILOTE_EXPORT_TASK_ROWS", 5000))


def storage() -> uploads.PrivateStorage:
    return uploads.private_storage(AREA)


@transaction.atomic
def do_request_export(*, organisation, actor, kind: str, fmt: str, query: str) -> ExportJob:
    """Record the export to build and enqueue it once the transaction commits."""
    if kind not in BUILDERS:
        raise ValueError(f"type d'export inconnu : {kind}")
    job = ExportJob.objects.create(
        organisation=organisation, requested_by=actor, kind=kind, fmt=fmt, query=query[:4000]
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CoreVerb.EXPORT_DEMANDE,
        target=str(job),
        payload={"type": kind, "format": fmt, "adresse": query[:500]},
    )
    transaction.on_commit(lambda: build_export_task.enqueue(job.pk))
    return job


def execute_export_job(job_id: int) -> dict:
    """Build the file of ExportJob `job_id` (the task body; also callable directly). Any failure ends the job as
    failed with a French message: a job never stays « en cours »."""
    job = ExportJob.objects.select_related("organisation").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, message="Préparation du fichier…")
    try:
        title, content, rows = BUILDERS[job.kind](job)
        retention.purge_expired(AREA)
        name = storage().save_bytes(
            uploads.new_name(f"export.{job.fmt}", folder=f"org-{job.organisation_id}"), content
        )
    except Exception as error:  # the job must end as failed whatever the cause (logged with its traceback)
        logger.exception("export %s en échec", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            message=f"L'export n'a pas pu être préparé ({type(error).__name__}). Réessayez ou réduisez les filtres.",
            finished_at=timezone.now(),
        )
        return {"statut": "echec"}
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        title=title[:200],
        rows=rows,
        file_name=name,
        message=f"{rows} lignes",
        finished_at=timezone.now(),
    )
    return {"statut": "pret", "lignes": rows}


@task()
def build_export_task(job_id):
    return execute_export_job(job_id)


def file_path(job: ExportJob):
    """The job's file when it is ready and not yet deleted by the retention, else None."""
    if job.status != ExportJob.Status.DONE or not job.file_name:
        return None
    store = storage()
    return store.path(job.file_name) if store.exists(job.file_name) else None
