"""Pages of the exports built in the background (pilote.analytics.export_jobs): the job's state, polled while
it runs, and its file. Only the organisation that asked sees them (organisation_view scopes the job)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from pilote.analytics import export_jobs, permissions as perms
from pilote.analytics.models import ExportJob
from pilote.core import tabular
from pilote.core.permissions import organisation_view


def _job_of(request, job_id) -> ExportJob:
    return get_object_or_404(
        ExportJob.objects.select_related("requested_by"), pk=job_id, organisation=request.organisation
    )


@organisation_view(*perms.CAN_EXPORT)
def export_job(request, job_id):
    job = _job_of(request, job_id)
    context = {"organisation": request.organisation, "job": job, "available": export_jobs.file_path(job) is not None}
    template = "analytics/_export_job_status.html" if request.htmx else "analytics/export_job.html"
    return render(request, template, context)


@organisation_view(*perms.CAN_EXPORT)
def export_file(request, job_id):
    job = _job_of(request, job_id)
    path = export_jobs.file_path(job)
    if path is None:
        raise Http404("Ce fichier n'est pas prêt ou a été supprimé après sa durée de conservation.")
    content_type = tabular.XLSX_CONTENT_TYPE if job.fmt == "xlsx" else tabular.CSV_CONTENT_TYPE
    filename = f"{job.title or job.table}.{job.fmt}"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type)
