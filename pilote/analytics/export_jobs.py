"""Heavy cockpit exports in the background: a contract list above PILOTE_EXPORT_TASK_ROWS rows (a national list
took 14 s and 805 MB inside the request) is not built by the web worker. The export page records an ExportJob
(`do_request_export`, audited) and a django-tasks task (database backend, run by `db_worker`) builds the file
into the private area « exports »; the job's page shows its state and, once ready, a download link for the
members of the organisation that asked. Files are deleted after PILOTE_FILE_RETENTION_HOURS (the area is
temporary: pilote.core.uploads.purge_expired)."""

import logging

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from pilote.analytics import exports
from pilote.analytics.audit import AnalyticsVerb
from pilote.analytics.models import ExportJob
from pilote.contracts import figures
from pilote.contracts.filters import parse_filters
from pilote.core import uploads
from pilote.core.services import record_event


logger = logging.getLogger("pilote.exports")
AREA = "exports"
BACKGROUND_FORMATS = {"csv", "xlsx"}


def task_threshold() -> int:
    return int(getattr(settings, "PILOTE_EXPORT_TASK_ROWS", 5000))


def needs_background(name: str, fmt: str, filters, organisation, drill: str) -> bool:
    """A contract list in CSV or XLSX whose rows pass the threshold (one count query); aggregated tables are
    small and stay in the request."""
    if name != "contrats" or fmt not in BACKGROUND_FORMATS:
        return False
    _rows, total = figures.contracts(filters, drill, organisation, limit=1)
    return (total or 0) > task_threshold()


def storage() -> uploads.PrivateStorage:
    return uploads.private_storage(AREA)


@transaction.atomic
def do_request_export(*, organisation, actor, table: str, fmt: str, drill: str, query: str) -> ExportJob:
    """Record the export to build and enqueue it once the transaction commits."""
    job = ExportJob.objects.create(
        organisation=organisation, requested_by=actor, table=table, fmt=fmt, drill=drill, query=query[:4000]
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb=AnalyticsVerb.EXPORT_REQUESTED,
        target=str(job),
        payload={"tableau": table, "format": fmt, "filtres": query[:500]},
    )
    transaction.on_commit(lambda: build_export_task.enqueue(job.pk))
    return job


def execute_export_job(job_id: int) -> dict:
    """Build the file of ExportJob `job_id` (the task body; also callable directly). Any failure ends the job as
    failed with a French message: a job never stays « en cours »."""
    job = ExportJob.objects.select_related("organisation").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, message="Préparation du fichier…")
    try:
        filters, _form = parse_filters(QueryDict(job.query), job.organisation)
        columns, rows, title = exports.table(job.table, filters, job.organisation, job.drill)
        content = exports.file_content(job.fmt, columns, rows, title, filters.summary())
        uploads.purge_expired(AREA)
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
        rows=len(rows),
        file_name=name,
        message=f"{len(rows)} lignes"
        + (f" (limité aux {exports.MAX_ROWS} premières)" if len(rows) >= exports.MAX_ROWS else ""),
        finished_at=timezone.now(),
    )
    return {"statut": "pret", "lignes": len(rows)}


@task()
def build_export_task(job_id):
    return execute_export_job(job_id)


def file_path(job: ExportJob):
    """The job's file when it is ready and not yet deleted by the retention, else None."""
    if job.status != ExportJob.Status.DONE or not job.file_name:
        return None
    store = storage()
    return store.path(job.file_name) if store.exists(job.file_name) else None
