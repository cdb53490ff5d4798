"""The one upload check and the one private file storage.

**Check** (`check_upload(upload, rules)`): every file people send goes through it before anything is parsed or
written. In order: the extension against the use's allow-list (`UploadRules.extensions`; None lets the content
decide, as the census does), the size (empty or above the use's bound), the first bytes against the
extension's signature (a « .pdf » must start with « %PDF », text must hold no NUL byte), then, for archives
recognised by their first bytes (zip: XLSX, ODS, DOCX…; gzip), the uncompressed size: for a zip, the central
directory is read (a bounded read at the end of the file, nothing is decompressed) and the declared sizes of
the members are checked one by one and in total, as well as their number; for gzip, the size recorded in the
trailer. The rules can also ask (`verify_inflated_size`) to inflate every member as a stream, nothing kept,
counting the bytes really produced against the caps (a member's declared size is not trusted): for files
handed to another reader (census spreadsheets, python-calamine) or kept to be opened later. A refusal is an
`UploadRefused` (a Django ValidationError) whose French message names the file.

**Bounded decompression** (`Budget`, `bounded`, `open_member`, `read_member`, `open_gzip`, `copy_bounded`):
whoever reads an archive on the server (a census spreadsheet's parts, a DECP zip or gz) reads it through one
Budget per archive: each part and the whole archive have a cap counted on the bytes the decompressor really
produces, 64 KiB at a time, and the read stops with an UploadRefused naming the file (and the part) as soon
as a cap is passed.

**Storage** (`private_storage(area)`): a Django FileSystemStorage rooted at `PILOTE_DATA_DIR/private/<area>/`,
never under MEDIA_ROOT, without any URL: views check rights and serve files with FileResponse. A file is written
under a temporary name and renamed when complete, so a failed upload leaves nothing half-written. Files stored
before this module, in the area's former folder (`LEGACY_FOLDERS`), are moved into the private folder the first
time they are looked up: their stored names stay valid."""

import gzip
import io
import os
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction


MB = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy Office (doc, xls)


@dataclass(frozen=True)
class Kind:
    content_type: str
    signatures: tuple[bytes, ...] = ()  # accepted first bytes; empty: no signature
    text: bool = False  # no NUL byte in the first 4 KiB


KINDS = {
    ".pdf": Kind("application/pdf", (b"%PDF",)),
    ".odt": Kind("application/vnd.oasis.opendocument.text", (ZIP_MAGIC,)),
    ".ods": Kind("application/vnd.oasis.opendocument.spreadsheet", (ZIP_MAGIC,)),
    ".odp": Kind("application/vnd.oasis.opendocument.presentation", (ZIP_MAGIC,)),
    ".docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP_MAGIC,)),
    ".xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP_MAGIC,)),
    ".pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP_MAGIC,)),
    ".doc": Kind("application/msword", (OLE_MAGIC,)),
    ".xls": Kind("application/vnd.ms-excel", (OLE_MAGIC,)),
    ".png": Kind("image/png", (b"\x89PNG",)),
    ".jpg": Kind("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": Kind("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": Kind("text/plain", text=True),
    ".csv": Kind("text/csv", text=True),
    ".json": Kind("application/json", text=True),
    ".xml": Kind("application/xml", text=True),
    ".parquet": Kind("application/vnd.apache.parquet", (b"PAR1",)),
    ".zip": Kind("application/zip", (ZIP_MAGIC,)),
    ".gz": Kind("application/gzip", (GZIP_MAGIC,)),
}


class UploadRefused(ValidationError):
    """The file is refused as a whole; `str(error.message)` is the French explanation naming the file."""


@dataclass(frozen=True)
class UploadRules:
    """What one use accepts. `max_bytes` may be a callable (read at check time, e.g. from settings)."""

    extensions: tuple[str, ...] | None
    max_bytes: int | Callable[[], int]
    max_uncompressed_bytes: int = 200 * MB  # archives: all members together, as declared
    max_member_bytes: int = 100 * MB  # archives: one member
    max_members: int = 10_000
    # Also inflate each member as a stream (64 KiB at a time, nothing kept) to check that it does not exceed its
    # declared size: for small files parsed by a reader that may trust the archive less than zipfile does.
    verify_inflated_size: bool = False

    def limit(self) -> int:
        return self.max_bytes() if callable(self.max_bytes) else self.max_bytes

    def accepted(self) -> str:
        return ", ".join(e.lstrip(".") for e in self.extensions or ())


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the base name as sent, made safe (safe_name)
    extension: str  # lowercase, with the dot ("" without one)
    content_type: str
    size: int


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n // MB} Mo"
    if n >= 1024:
        return f"{n // 1024} Ko"
    return f"{n} octets"


def safe_name(name: str, default: str = "fichier") -> str:
    """The base name only (no folder), with characters safe in a path and in a header; 200 characters."""
    base = Path(str(name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(" .")[:200]
    return cleaned or default


def new_name(original: str, *, folder: str = "") -> str:
    """A fresh storage name keeping the original's extension: « 3/9f…e1.pdf »."""
    extension = Path(safe_name(original)).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{extension}" if folder else f"{uuid.uuid4().hex}{extension}"


def _read_head(upload, n: int) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head or b""


def check_upload(upload, rules: UploadRules) -> CheckedUpload:
    """Check a Django UploadedFile (or any File with name, size, read, seek); raise UploadRefused."""
    name = safe_name(upload.name)
    extension = Path(name).suffix.lower()
    if rules.extensions is not None and extension not in rules.extensions:
        raise UploadRefused(
            f"« {name} » n'est pas un type de fichier accepté (formats acceptés : {rules.accepted()}).",
            code="extension",
        )
    size = upload.size or 0
    limit = rules.limit()
    if size > limit:
        raise UploadRefused(
            f"« {name} » est trop volumineux : il dépasse la taille maximale de {human_size(limit)}.", code="size"
        )
    if size == 0:
        raise UploadRefused(f"« {name} » est vide.", code="empty")
    head = _read_head(upload, 4096)
    kind = KINDS.get(extension)
    if rules.extensions is not None and kind is not None:
        if kind.signatures and not head.startswith(kind.signatures):
            raise UploadRefused(f"« {name} » ne correspond pas à son extension {extension}.", code="signature")
        if kind.text and b"\x00" in head:
            raise UploadRefused(f"« {name} » n'est pas un fichier texte.", code="not_text")
    if head.startswith(ZIP_MAGIC):
        _check_zip(upload, name, rules)
    elif head.startswith(GZIP_MAGIC):
        _check_gzip(upload, name, size, rules)
    content_type = kind.content_type if kind else "application/octet-stream"
    return CheckedUpload(name=name, extension=extension, content_type=content_type, size=size)


def check_bytes(data: bytes, filename: str, rules: UploadRules) -> CheckedUpload:
    """The same check on content already in memory."""
    return check_upload(ContentFile(data, name=filename or "fichier"), rules)


def _check_zip(upload, name: str, rules: UploadRules) -> None:
    upload.seek(0)
    try:
        # ZipFile reads the end record and the central directory only (its size is bounded by the file's).
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UploadRefused(f"« {name} » est une archive abîmée : elle n'a pas pu être lue.", code="zip") from error
    finally:
        upload.seek(0)
    if len(members) > rules.max_members:
        raise UploadRefused(
            f"« {name} » contient trop d'éléments ({len(members)}, {rules.max_members} au plus).", code="zip_members"
        )
    total = 0
    for member in members:
        if member.file_size > rules.max_member_bytes:
            raise UploadRefused(
                f"« {name} » est refusé : une fois décompressé, l'élément « {member.filename[:80]} » dépasserait "
                f"{human_size(rules.max_member_bytes)}.",
                code="zip_member_size",
            )
        total += member.file_size
    if total > rules.max_uncompressed_bytes:
        raise UploadRefused(
            f"« {name} » est refusé : une fois décompressé, il dépasserait {human_size(rules.max_uncompressed_bytes)}.",
            code="zip_size",
        )
    if rules.verify_inflated_size:
        budget = Budget(name, total_bytes=rules.max_uncompressed_bytes, part_bytes=rules.max_member_bytes)
        try:
            for member in members:
                if _inflated_size(upload, member, budget) > member.file_size:
                    raise UploadRefused(
                        f"« {name} » est refusé : l'élément « {member.filename[:80]} » est plus grand une fois "
                        "décompressé que ce que l'archive déclare.",
                        code="zip_lying",
                    )
        except (zlib.error, struct.error, ValueError, OSError) as error:
            raise UploadRefused(
                f"« {name} » est une archive abîmée : elle n'a pas pu être lue.", code="zip"
            ) from error
        finally:
            upload.seek(0)


def _inflated_size(upload, member: zipfile.ZipInfo, budget: "Budget") -> int:
    """Bytes a member really inflates to, read from its local header and its compressed bytes (the declared
    uncompressed size is not trusted), nothing kept: stops one chunk past the declared size, and refuses as soon
    as the member or the archive passes its cap (`budget`)."""
    upload.seek(member.header_offset)
    header = upload.read(30)
    if len(header) != 30 or not header.startswith(ZIP_MAGIC):
        raise ValueError("en-tête local absent")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    upload.seek(member.header_offset + 30 + name_length + extra_length)
    part = budget.part(member.filename)
    if member.compress_type == zipfile.ZIP_STORED:
        part.count(member.compress_size)
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError("méthode de compression non prise en charge")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    remaining = member.compress_size
    while remaining > 0 and part.used <= member.file_size:
        pending = upload.read(min(CHUNK, remaining))
        if not pending:
            break
        remaining -= len(pending)
        while pending and part.used <= member.file_size:
            part.count(len(inflater.decompress(pending, CHUNK)))
            pending = inflater.unconsumed_tail
    return part.used


# --- bounded decompression (shared: census spreadsheets, DECP archives, any archive read on the server) --------

CHUNK = 64 * 1024


class Budget:
    """What one archive may inflate to: each part (member) up to `part_bytes`, all parts together up to
    `total_bytes`. Counted on the bytes really produced by the decompressor, never on the sizes an archive
    declares. Past a cap, `UploadRefused` names the file (and the part); what was read so far is discarded by
    the caller. One Budget per archive: parts opened through it share the total."""

    def __init__(self, name: str, *, total_bytes: int, part_bytes: int | None = None):
        self.name = safe_name(name)
        self.total_bytes = total_bytes
        self.part_bytes = total_bytes if part_bytes is None else part_bytes
        self.used = 0

    def part(self, part_name: str = "") -> "PartCount":
        return PartCount(self, part_name)

    def _refuse(self, part_name: str, whole: bool) -> None:
        if whole or not part_name:
            limit = self.total_bytes if whole else self.part_bytes
            raise UploadRefused(
                f"« {self.name} » est refusé : une fois décompressé, il dépasserait {human_size(limit)}.",
                code="inflated_size",
            )
        raise UploadRefused(
            f"« {self.name} » est refusé : une fois décompressé, l'élément « {part_name[:80]} » dépasserait "
            f"{human_size(self.part_bytes)}.",
            code="inflated_member_size",
        )


class PartCount:
    def __init__(self, budget: Budget, part_name: str):
        self.budget, self.part_name, self.used = budget, part_name, 0

    def count(self, n: int) -> None:
        self.used += n
        self.budget.used += n
        if self.budget.used > self.budget.total_bytes:
            self.budget._refuse(self.part_name, whole=True)
        if self.used > self.budget.part_bytes:
            self.budget._refuse(self.part_name, whole=False)


class BoundedReader(io.RawIOBase):
    """A read-only stream over a decompressing stream (`gzip.open(...)`, `ZipFile.open(member)`, …) that counts
    what it hands out against a Budget and raises UploadRefused past a cap. Reads at most CHUNK bytes at a time
    from the source, so memory stays bounded whatever the archive declares."""

    def __init__(self, source, budget: Budget, part_name: str = ""):
        super().__init__()
        self._source = source
        self._count = budget.part(part_name)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(min(len(buffer), CHUNK))
        n = len(data)
        buffer[:n] = data
        self._count.count(n)
        return n

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            super().close()


def bounded(source, budget: Budget, part_name: str = "") -> io.BufferedReader:
    """`source` (a decompressing stream) read through the budget, with a buffer of CHUNK bytes."""
    return io.BufferedReader(BoundedReader(source, budget, part_name), CHUNK)


def open_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo | str, budget: Budget) -> io.BufferedReader:
    """A member of an open zip, read through the budget (the archive's total shared with its other parts)."""
    info = archive.getinfo(member) if isinstance(member, str) else member
    return bounded(archive.open(info), budget, info.filename)


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo | str, budget: Budget) -> bytes:
    """A member's bytes, refused (UploadRefused) as soon as the member or the archive passes its cap."""
    with open_member(archive, member, budget) as stream:
        return stream.read()


def open_gzip(fileobj_or_path, budget: Budget, part_name: str = "") -> io.BufferedReader:
    """The content of a gzip file (path or binary stream), read through the budget."""
    if isinstance(fileobj_or_path, str | os.PathLike):
        source = gzip.open(fileobj_or_path, "rb")  # noqa: SIM115 (closed with the returned stream)
    else:
        source = gzip.GzipFile(fileobj=fileobj_or_path, mode="rb")
    return bounded(source, budget, part_name)


def copy_bounded(source, destination, budget: Budget, part_name: str = "") -> int:
    """Copy a decompressing stream into a binary file, CHUNK by CHUNK, within the budget; returns the bytes
    written. On a refusal the caller removes the partial destination (use a temporary name)."""
    written = 0
    with bounded(source, budget, part_name) as stream:
        while chunk := stream.read(CHUNK):
            destination.write(chunk)
            written += len(chunk)
    return written


def _check_gzip(upload, name: str, size: int, rules: UploadRules) -> None:
    """The uncompressed size recorded in the gzip trailer (modulo 4 GiB, so it may lie); when the rules ask,
    the content is also inflated as a stream, nothing kept, within the caps."""
    if size < 18:
        raise UploadRefused(f"« {name} » est une archive abîmée : elle n'a pas pu être lue.", code="gzip")
    upload.seek(size - 4)
    (declared,) = struct.unpack("<I", upload.read(4))
    upload.seek(0)
    if declared > rules.max_uncompressed_bytes:
        raise UploadRefused(
            f"« {name} » est refusé : une fois décompressé, il dépasserait {human_size(rules.max_uncompressed_bytes)}.",
            code="gzip_size",
        )
    if rules.verify_inflated_size:
        budget = Budget(name, total_bytes=rules.max_uncompressed_bytes)
        try:
            with open_gzip(upload, budget) as stream:
                while stream.read(CHUNK):
                    pass
        except (OSError, EOFError, zlib.error) as error:
            raise UploadRefused(
                f"« {name} » est une archive abîmée : elle n'a pas pu être lue.", code="gzip"
            ) from error
        finally:
            upload.seek(0)


# --- private storage -----------------------------------------------------------------------------------

# Where each area kept its files before pilote/core/uploads.py (relative to PILOTE_DATA_DIR).
LEGACY_FOLDERS = {
    "fiches": "fiches",
    "annuaire": "annuaire/documents",
    "recensement": "recensement/imports",
}


def private_root() -> Path:
    return Path(settings.PILOTE_DATA_DIR) / "private"


class PrivateStorage(FileSystemStorage):
    """Files of one area under PILOTE_DATA_DIR/private/<area>/; no URL. The folder follows the setting at each
    use (tests change PILOTE_DATA_DIR), so create one with `private_storage(area)` where it is needed."""

    def __init__(self, area: str):
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", area):
            raise ValueError(f"zone de stockage invalide : {area!r}")
        self.area = area
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return str(private_root() / self.area)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Les fichiers privés n'ont pas d'adresse publique : une vue vérifie les droits.")

    def path(self, name) -> str:
        """The file's path; a file still in the area's former folder is moved here first."""
        full = super().path(name)
        if not os.path.lexists(full):
            self._migrate(name, full)
        return full

    def _migrate(self, name: str, full: str) -> None:
        legacy = LEGACY_FOLDERS.get(self.area)
        if not legacy:
            return
        from django.utils._os import safe_join

        old = safe_join(str(Path(settings.PILOTE_DATA_DIR) / legacy), name)
        if os.path.isfile(old):
            os.makedirs(os.path.dirname(full), mode=0o700, exist_ok=True)
            os.replace(old, full)

    def _save(self, name, content):
        """Write under a temporary name in the same folder, then rename: never a half-written file."""
        full = self.path(name)
        directory = os.path.dirname(full)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        while os.path.lexists(full):
            name = self.get_alternative_name(*os.path.splitext(name))
            full = self.path(name)
        partial = f"{full}.{uuid.uuid4().hex}.part"
        try:
            with open(partial, "xb") as out:
                if hasattr(content, "chunks"):
                    for chunk in content.chunks():
                        out.write(chunk)
                else:
                    out.write(content.read())
            os.chmod(partial, 0o600)
            os.replace(partial, full)
        finally:
            if os.path.lexists(partial):
                os.unlink(partial)
        return str(name).replace("\\", "/")

    def save_bytes(self, name: str, data: bytes) -> str:
        return self.save(name, ContentFile(data))

    def delete_on_commit(self, name: str) -> None:
        """Delete once the current transaction commits (a rolled-back deletion keeps the file)."""
        transaction.on_commit(lambda: self.delete(name))

    def delete(self, name) -> None:
        if name:
            super().delete(name)


def private_storage(area: str) -> PrivateStorage:
    return PrivateStorage(area)
