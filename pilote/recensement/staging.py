"""Census files waiting for their confirmation (« staged »): written in the private area « recensement » under a
random token with their metadata, read back only by their uploader in their campaign, deleted once imported or
after PILOTE_FILE_RETENTION_HOURS (the area is temporary: pilote.core.retention.purge_expired). A big file is read
by a background task (pilote.recensement.tasks) whose result is kept beside it."""

import json
import secrets
from pathlib import Path

from pilote.core import retention, uploads
from pilote.recensement.models import Campaign


def _staging() -> uploads.PrivateStorage:
    """Staged census files: PILOTE_DATA_DIR/private/recensement/ (formerly PILOTE_DATA_DIR/recensement/imports/)."""
    return uploads.private_storage("recensement")


def _imports_dir() -> Path:
    return Path(_staging().location)


def stage_upload(data: bytes, *, campaign: Campaign, user, filename: str, default_service: str) -> str:
    """Keep an uploaded file until the user confirms the import; returns the token that names it."""
    storage = _staging()
    # Files never confirmed are deleted after PILOTE_FILE_RETENTION_HOURS (here and by `manage.py purge_files`).
    retention.purge_expired("recensement")
    token = secrets.token_hex(16)
    storage.save_bytes(f"{token}.bin", data)
    meta = {"campaign": campaign.pk, "user": user.pk, "filename": filename, "service": default_service}
    storage.save_bytes(f"{token}.json", json.dumps(meta).encode())  # written last: the token is complete
    return token


def load_staged(token: str, *, campaign: Campaign, user) -> tuple[bytes, dict] | None:
    if not token.isalnum() or len(token) != 32:
        return None
    storage = _staging()
    try:
        with storage.open(f"{token}.json", "rb") as fh:
            meta = json.loads(fh.read().decode("utf-8"))
        with storage.open(f"{token}.bin", "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    if meta.get("campaign") != campaign.pk or meta.get("user") != user.pk:
        return None
    return data, meta


def drop_staged(token: str) -> None:
    if token.isalnum() and len(token) == 32:
        storage = _staging()
        for suffix in (".bin", ".json", ".cells.json", ".refused.txt"):
            storage.delete(f"{token}{suffix}")


# A big staged file is read by a background task (pilote.recensement.tasks): its result is kept beside it,
# « <token>.cells.json » (the cells read) or « <token>.refused.txt » (why the file is refused).


def staged_bytes(token: str) -> bytes | None:
    """The staged file itself, for the background read (the page checked the campaign and the user)."""
    if not (token.isalnum() and len(token) == 32):
        return None
    try:
        with _staging().open(f"{token}.bin", "rb") as fh:
            return fh.read()
    except OSError:
        return None


def save_staged_result(token: str, *, cells: bytes | None = None, refusal: str = "") -> None:
    storage = _staging()
    if cells is not None:
        storage.save_bytes(f"{token}.cells.json", cells)
    else:
        storage.save_bytes(f"{token}.refused.txt", refusal.encode())


def staged_result(token: str) -> tuple[str, object]:
    """("ready", cells bytes), ("refused", French message) or ("pending", None)."""
    storage = _staging()
    for suffix, state in ((".cells.json", "ready"), (".refused.txt", "refused")):
        if storage.exists(f"{token}{suffix}"):
            with storage.open(f"{token}{suffix}", "rb") as fh:
                raw = fh.read()
            return state, raw if state == "ready" else raw.decode()
    return "pending", None
