"""Permission-matrix extension of the cockpit (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "analytics:public_cockpit": "public: only organisations that chose to publish (is_public)",
    "analytics:public_method": "public: the Méthode page of a published cockpit (is_public)",
}
KWARG_PROVIDERS = {}


def _export_job(organisation):
    """A finished background export (pilote.core.export_jobs) with its file, so that its page and its download
    both answer."""
    from pilote.core import export_jobs
    from pilote.core.models import ExportJob

    job = ExportJob.objects.filter(organisation=organisation).first()
    if job is None:
        name = export_jobs.storage().save_bytes(f"org-{organisation.pk}/matrice.csv", b"\xef\xbb\xbfa\r\n")
        job = ExportJob.objects.create(
            organisation=organisation, kind="cockpit", fmt="csv", status=ExportJob.Status.DONE, file_name=name
        )
    return job.pk


KWARG_PROVIDERS["job_id"] = _export_job
