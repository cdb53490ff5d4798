"""Documents attached to lessons learnt: size and type limits, storage under PILOTE_DATA_DIR/annuaire/documents
(outside any public URL; a view checks rights before serving a file)."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError


MAX_BYTES = 10 * 1024 * 1024

# extension → (MIME type, accepted first bytes). Office files are zip containers; text has no signature.
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
}


def documents_dir() -> Path:
    return Path(settings.PILOTE_DATA_DIR) / "annuaire" / "documents"


def safe_name(name: str) -> str:
    name = Path(name or "document").name
    return re.sub(r"[^\w.\- ]", "_", name)[:200] or "document"


def check(upload) -> tuple:
    """Returns (upload, MIME type) or raises a French ValidationError; reads only the first bytes."""
    name = safe_name(upload.name)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        accepted = ", ".join(sorted(e.lstrip(".") for e in ALLOWED))
        raise ValidationError(
            {"documents": f"« {name} » : type de fichier non accepté (formats acceptés : {accepted})."}
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {"documents": f"« {name} » dépasse la taille maximale de {MAX_BYTES // (1024 * 1024)} Mo."}
        )
    if upload.size == 0:
        raise ValidationError({"documents": f"« {name} » est vide."})
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if signatures and not head.startswith(signatures):
        raise ValidationError({"documents": f"« {name} » ne correspond pas à son extension {extension}."})
    if not signatures:
        sample = upload.read(4096)
        upload.seek(0)
        if b"\x00" in sample:
            raise ValidationError({"documents": f"« {name} » n'est pas un fichier texte."})
    return upload, content_type


def new_stored_name(name: str) -> str:
    return uuid.uuid4().hex + Path(safe_name(name)).suffix.lower()


def path_of(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{2,5}", stored_name):
        raise ValueError("nom de stockage invalide")
    return documents_dir() / stored_name


def store(upload, stored_name: str) -> None:
    directory = documents_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with path_of(stored_name).open("wb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
