"""Service functions of the DECP app for the web layer (views call these, never the importer directly)."""

from django.db import transaction

from pilote.core import uploads
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
    """Web entry point: store an uploaded file in the private area « decp » (PILOTE_DATA_DIR/private/decp/, or
    take the URL), record the audit row and enqueue the import. The uploaded file is written completely (under a
    temporary name, then renamed) before anything is enqueued."""
    import uuid

    if upload is not None:
        storage = uploads.private_storage("decp")
        name = storage.save(f"{uuid.uuid4().hex}/{uploads.safe_name(upload.name)}", upload)
        source = storage.path(name)
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
