"""Background imports of a big SIRENE extract or list of inclusive structures (django-tasks, database backend,
run by `db_worker`). The upload page stages the file in the private temporary area « explorer » under a random
token with its metadata (organisation, uploader, kind, name); the task runs the import service, whose parsing
happens in the limited child process (pilote.contracts.sirene / inclusion: memory and CPU bounded), and keeps its
outcome beside it for the page that polls. The import replaces the organisation's rows in one transaction only
when the whole file is valid; the staged file is deleted once processed (the rest after the retention)."""

import json
import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskException

from pilote.core import retention, uploads
from pilote.core.models import Organisation
from pilote.explorer import services


logger = logging.getLogger("pilote.explorer")
AREA = "explorer"
KINDS = ("sirene", "inclusion")


def _storage() -> uploads.PrivateStorage:
    return uploads.private_storage(AREA)


def _valid(token: str) -> bool:
    return isinstance(token, str) and token.isalnum() and len(token) == 32


def stage(data: bytes, *, kind: str, organisation, user, filename: str) -> str:
    """Keep an uploaded file for the background import; returns the token that names it."""
    retention.purge_expired(AREA)
    token = secrets.token_hex(16)
    storage = _storage()
    storage.save_bytes(f"{token}.bin", data)
    meta = {"kind": kind, "organisation": organisation.pk, "user": user.pk, "filename": filename}
    storage.save_bytes(f"{token}.json", json.dumps(meta).encode())  # written last: the token is complete
    return token


def load_meta(token: str, *, kind: str, organisation) -> dict | None:
    """The staged import's metadata when `token` is one of this organisation's imports of this kind."""
    if not _valid(token):
        return None
    try:
        with _storage().open(f"{token}.json", "rb") as fh:
            meta = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("organisation") != organisation.pk or meta.get("kind") != kind:
        return None
    return meta


def enqueue(token: str) -> None:
    """Enqueue the import of `token`, keeping the task's id beside it (see `outcome`)."""
    result = import_staged_task.enqueue(token)
    _storage().save_bytes(f"{token}.task", str(result.id).encode())


def outcome(token: str, filename: str = "Le fichier") -> dict | None:
    """{"state": "done", "summary": …} or {"state": "failed", "message": …}; None while the task runs. A task
    that failed without writing its outcome (the worker could not even record it) is a failure, not a page
    polling forever."""
    storage = _storage()
    if storage.exists(f"{token}.outcome.json"):
        with storage.open(f"{token}.outcome.json", "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    if _task_failed(token):
        return {"state": "failed", "message": f"« {filename} » n'a pas pu être importé : rien n'a été modifié."}
    return None


def _task_failed(token: str) -> bool:
    try:
        with _storage().open(f"{token}.task", "rb") as fh:
            result_id = fh.read().decode()
        return import_staged_task.get_result(result_id).status == TaskResultStatus.FAILED
    except (OSError, ValueError, TaskException):
        return False


def _save_outcome(token: str, **outcome_) -> None:
    _storage().save_bytes(f"{token}.outcome.json", json.dumps(outcome_, ensure_ascii=False).encode())


def _import(meta: dict, data: bytes) -> dict:
    organisation = Organisation.objects.get(pk=meta["organisation"])
    actor = get_user_model().objects.filter(pk=meta["user"]).first()
    if meta["kind"] == "sirene":
        extract = services.do_import_sirene_extract(
            organisation=organisation, filename=meta["filename"], raw=data, actor=actor
        )
        return {
            "rows": extract.rows,
            "skipped": extract.skipped,
            "with_categorie": extract.with_categorie,
            "with_departement": extract.with_departement,
        }
    imported = services.do_import_inclusion_list(
        organisation=organisation, filename=meta["filename"], raw=data, actor=actor
    )
    return {"rows": imported.rows}


def run_import(token: str) -> str:
    """Import the staged file `token`; returns the state reached ("done", "failed" or "missing")."""
    if not _valid(token):
        return "missing"
    storage = _storage()
    try:
        with storage.open(f"{token}.json", "rb") as fh:
            meta = json.loads(fh.read().decode("utf-8"))
        with storage.open(f"{token}.bin", "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return "missing"
    name = meta.get("filename") or "Le fichier"
    try:
        summary = _import(meta, data)
    except ValidationError as error:
        _save_outcome(token, state="failed", message=f"« {name} » : " + " ".join(error.messages))
        return "failed"
    except Exception:  # the page must never wait forever: any failure becomes a refusal (logged)
        logger.exception("import %s en échec", token)
        _save_outcome(token, state="failed", message=f"« {name} » n'a pas pu être importé : rien n'a été modifié.")
        return "failed"
    finally:
        storage.delete(f"{token}.bin")  # the upload is not kept once processed
    _save_outcome(token, state="done", summary=summary)
    return "done"


@task()
def import_staged_task(token):
    return run_import(token)
