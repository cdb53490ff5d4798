"""Pages of the exports built in the background (pilote.core.export_jobs): the job's state, polled while it
runs, and its file. Only the organisation that asked sees them (organisation_view scopes the job)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from pilote.core import export_jobs, tabular
from pilote.core.models import ExportJob
from pilote.core.permissions import ALL_ROLES, organisation_view


def _job_of(request, job_id) -> ExportJob:
    return get_object_or_404(
        ExportJob.objects.select_related("requested_by"), pk=job_id, organisation=request.organisation
    )


@organisation_view(*ALL_ROLES)
def export_job(request, job_id):
    job = _job_of(request, job_id)
    context = {"organisation": request.organisation, "job": job, "available": export_jobs.file_path(job) is not None}
    template = "core/_export_job_status.html" if request.htmx else "core/export_job.html"
    return render(request, template, context)


@organisation_view(*ALL_ROLES)
def export_file(request, job_id):
    job = _job_of(request, job_id)
    path = export_jobs.file_path(job)
    if path is None:
        raise Http404("Ce fichier n'est pas prêt ou a été supprimé après sa durée de conservation.")
    content_type = tabular.XLSX_CONTENT_TYPE if job.fmt == "xlsx" else tabular.CSV_CONTENT_TYPE
    filename = f"{slugify(job.title) or 'export'}.{job.fmt}"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type)
