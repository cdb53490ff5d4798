"""Service functions of the DECP app for the web layer (views call these, never the importer directly)."""

from django.db import transaction

from pilote.core.services import record_event
from pilote.decp.audit import DecpVerb
from pilote.decp.models import ImportRun
from pilote.decp.tasks import run_import_task


def do_start_import(*, source_path_or_url, source_name, actor):
    """Create an ImportRun and enqueue the background import; returns the run (status « en attente »)."""
    run = ImportRun.objects.create(source=str(source_path_or_url), source_name=source_name or "", actor=actor)
    # Enqueue after commit: the worker must find the row.
    transaction.on_commit(lambda: run_import_task.enqueue(run.pk))
    return run


def do_receive_import(organisation, *, upload=None, url=None, source_name="", actor):
    """Web entry point: store an uploaded file under PILOTE_DATA_DIR (or take the URL), record the audit row
    and enqueue the import. The uploaded file is written completely before anything is enqueued."""
    import uuid
    from pathlib import Path

    from django.conf import settings

    from pilote.decp.forms import safe_upload_name

    if upload is not None:
        folder = Path(settings.PILOTE_DATA_DIR) / "uploads" / "decp" / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_upload_name(upload.name)
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        source = str(target)
        shown = upload.name
    else:
        source = shown = url
    with transaction.atomic():
        run = do_start_import(source_path_or_url=source, source_name=source_name, actor=actor)
        record_event(
            actor=actor,
            organisation=organisation,
            verb=DecpVerb.IMPORT_DEMANDE,
            target=shown,
            payload={"import_run": run.pk, "source": source_name},
        )
    return run
