"""Documents attached to lessons learnt: the knowledge network's rules for pilote.core.uploads (size and types),
stored in the private area « annuaire » (PILOTE_DATA_DIR/private/annuaire/, outside any public URL; a view
checks rights before serving a file; files of the former PILOTE_DATA_DIR/annuaire/documents/ are moved there
when first read)."""

import re
from pathlib import Path

from pilote.core import uploads


MAX_BYTES = 10 * 1024 * 1024
RULES = uploads.UploadRules(
    extensions=(".pdf", ".odt", ".ods", ".odp", ".docx", ".xlsx", ".pptx", ".png", ".jpg", ".jpeg", ".txt", ".csv"),
    max_bytes=MAX_BYTES,
    # Office documents are zip archives, kept and opened later: their parts are inflated as a stream, nothing
    # kept, and counted on the real bytes (a bomb declaring small parts is refused at upload).
    max_uncompressed_bytes=100 * 1024 * 1024,
    max_member_bytes=100 * 1024 * 1024,
    verify_inflated_size=True,
)


def storage() -> uploads.PrivateStorage:
    return uploads.private_storage("annuaire")


def documents_dir() -> Path:
    return Path(storage().location)


def safe_name(name: str) -> str:
    return uploads.safe_name(name, default="document")


def check(upload) -> tuple:
    """Returns (upload, MIME type) or raises a French ValidationError on the « documents » field."""
    try:
        checked = uploads.check_upload(upload, RULES)
    except uploads.UploadRefused as refusal:
        raise uploads.UploadRefused({"documents": refusal.messages}) from refusal
    return upload, checked.content_type


def new_stored_name(name: str) -> str:
    return uploads.new_name(safe_name(name))


def path_of(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}(\.[a-z0-9]{1,8})?", stored_name):
        raise ValueError("nom de stockage invalide")
    return Path(storage().path(stored_name))


def store(upload, stored_name: str) -> None:
    path_of(stored_name)  # validates the name
    storage().save(stored_name, upload)


def remove(stored_name: str) -> None:
    path_of(stored_name)
    storage().delete(stored_name)
