"""Service functions of the DECP app for the web layer (views call these, never the importer directly)."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pilote.core import uploads
from pilote.core.models import User
from pilote.core.services import record_event
from pilote.decp.audit import DecpVerb
from pilote.decp.models import ImportRun, UrlHost
from pilote.decp.tasks import run_import_task


def do_start_import(*, source_path_or_url, source_name, actor, organisation=None):
    """Create an ImportRun for `organisation` (None: a national import) and enqueue the background import;
    returns the run (status « en attente »)."""
    run = ImportRun.objects.create(
        source=str(source_path_or_url), source_name=source_name or "", actor=actor, organisation=organisation
    )
    # Enqueue after commit: the worker must find the row.
    transaction.on_commit(lambda: run_import_task.enqueue(run.pk))
    return run


def do_receive_import(organisation, *, upload=None, url=None, source_name="", national=False, actor):
    """Web entry point: store an uploaded file in the private area « decp » (PILOTE_DATA_DIR/private/decp/, or
    take the URL), record the audit row and enqueue the import. The uploaded file is written completely (under a
    temporary name, then renamed) before anything is enqueued.

    The run belongs to `organisation` and publishes only its buyers' records; `national`: a national source,
    for the platform's data stewards only (the run then belongs to no organisation)."""
    if national and not getattr(actor, "is_data_steward", False):
        raise PermissionDenied("Seuls les gestionnaires des données nationales importent une source nationale.")
    if upload is not None:
        storage = uploads.private_storage("decp")
        name = storage.save(f"{uuid.uuid4().hex}/{uploads.safe_name(upload.name)}", upload)
        source = storage.path(name)
        shown = upload.name
    else:
        source = shown = url
    with transaction.atomic():
        run = do_start_import(
            source_path_or_url=source,
            source_name=source_name,
            actor=actor,
            organisation=None if national else organisation,
        )
        record_event(
            actor=actor,
            organisation=organisation,
            verb=DecpVerb.IMPORT_DEMANDE,
            target=shown,
            payload={"import_run": run.pk, "source": source_name, "nationale": national},
        )
    return run


DEMO_STEWARD = "appui@demo.pilote.test"


def prepare_demo() -> list[str]:
    """Demo content: the demo support person is also a data steward, so that a national import can be tried."""
    updated = User.objects.filter(email=DEMO_STEWARD, is_data_steward=False).update(is_data_steward=True)
    return [f"gestionnaire des données nationales : {DEMO_STEWARD}"] if updated else []


def _steward_only(actor):
    if not getattr(actor, "is_data_steward", False):
        raise PermissionDenied("Seuls les gestionnaires des données nationales tiennent la liste des hôtes autorisés.")


def clean_host(text: str) -> str:
    """A bare host name (« www.data.gouv.fr »), lower-cased and in its ASCII form; a French error otherwise."""
    host = (text or "").strip().lower().rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if (
        len(ascii_host) > 253
        or len(labels) < 2
        or not all(label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels)
        or any(label.startswith("-") or label.endswith("-") for label in labels)
    ):
        raise ValidationError({"host": f"« {text} » n'est pas un nom d'hôte (exemple : www.data.gouv.fr)."})
    return ascii_host


@transaction.atomic
def do_add_url_host(organisation, *, host: str, actor) -> UrlHost:
    """Allow downloads from `host` (data stewards only); once the list holds one host, only listed hosts are
    fetched."""
    _steward_only(actor)
    host = clean_host(host)
    if UrlHost.objects.filter(host=host).exists():
        raise ValidationError({"host": f"L'hôte {host} est déjà dans la liste."})
    entry = UrlHost.objects.create(host=host, added_by=actor)
    record_event(
        actor=actor, organisation=organisation, verb=DecpVerb.HOTE_AJOUTE, target=host, payload={"hote": host}
    )
    return entry


@transaction.atomic
def do_remove_url_host(organisation, *, entry: UrlHost, actor) -> None:
    _steward_only(actor)
    record_event(
        actor=actor,
        organisation=organisation,
        verb=DecpVerb.HOTE_RETIRE,
        target=entry.host,
        payload={"hote": entry.host},
    )
    entry.delete()
