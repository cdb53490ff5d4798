"""Turn what the user gives (a local path, a .gz, a .zip, an http(s) URL) into plain local files to parse.

- URLs are streamed to a cache under PILOTE_DATA_DIR/decp/cache/ (resumable with HTTP Range, sha256 recorded).
- .gz and .zip are decompressed to a work directory with zip-bomb guards: an absolute size limit and a
  compression-ratio limit, both checked while streaming (never trusting the sizes declared by the archive).
Every materialised input keeps the sha256 *of the file as given* (that is what makes re-imports no-ops).
"""

import gzip
import hashlib
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pilote.decp.errors import ImportFailed


MAX_UNCOMPRESSED = int(os.environ.get("PILOTE_DECP_MAX_UNCOMPRESSED", 8 * 1024**3))  # 8 GiB per member
MAX_RATIO = 200  # DECP JSON compresses ~10-20×; 200× only happens with crafted archives
CHUNK = 1024 * 1024


@dataclass
class Input:
    path: Path  # plain file to parse
    name: str  # what the user gave (file name, URL, or "archive.zip:member.json")
    sha256: str  # of the original file as given
    size: int  # bytes of the original file


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_url(spec):
    return str(spec).startswith(("http://", "https://"))


def download(url, cache_dir, *, timeout=30):
    """Stream `url` to `cache_dir`, resuming a partial download with Range; returns the final path."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    parsed = urllib.parse.urlparse(url)
    base = Path(parsed.path).name or "telechargement"
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    final = cache_dir / f"{key}-{base}"
    partial = final.with_name(final.name + ".part")
    if final.exists():
        return final
    done = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "pilote-decp"})  # noqa: S310 - scheme checked
    if done:
        request.add_header("Range", f"bytes={done}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            resumed = bool(done) and response.status == 206
            length = response.headers.get("Content-Length")
            expected = (done if resumed else 0) + int(length) if length and length.isdigit() else None
            with open(partial, "ab" if resumed else "wb") as out:
                while block := response.read(CHUNK):
                    out.write(block)
    except urllib.error.HTTPError as exc:
        raise ImportFailed(f"le serveur a répondu {exc.code} ({exc.reason})", fichier=url) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFailed(
            f"adresse injoignable ({reason}) ; le téléchargement partiel est gardé et reprendra", fichier=url
        ) from exc
    got = partial.stat().st_size
    if expected is not None and got != expected:
        # http.client returns a short read silently when the server drops the connection.
        raise ImportFailed(
            f"téléchargement interrompu ({got} octets reçus sur {expected}) ; relancez l'import pour le reprendre",
            fichier=url,
        )
    os.replace(partial, final)
    return final


def _copy_guarded(src, dst, *, name, compressed_size):
    """Copy a decompressing stream to dst, refusing when size or ratio exceed the limits (zip bomb)."""
    written = 0
    limit = min(MAX_UNCOMPRESSED, max(compressed_size, 1) * MAX_RATIO + 64 * 1024)
    with open(dst, "wb") as out:
        while block := src.read(CHUNK):
            written += len(block)
            if written > limit:
                out.close()
                Path(dst).unlink(missing_ok=True)
                raise ImportFailed(
                    f"archive refusée : décompressée, elle dépasse {limit // 1024**2} Mo "
                    f"(taux de compression supérieur à {MAX_RATIO}, bombe de décompression probable)",
                    fichier=name,
                    where=f"à l'octet décompressé {written}",
                )
            out.write(block)
    return written


def materialize(spec, work_dir, cache_dir):
    """Local plain files for one input spec (path or URL); archives give one Input per member."""
    spec = str(spec)
    if is_url(spec):
        path = download(spec, cache_dir)
        name = spec
    else:
        path = Path(spec)
        name = path.name
        if not path.exists():
            raise ImportFailed("fichier introuvable", fichier=spec)
        if path.is_dir():
            raise ImportFailed("c'est un dossier, pas un fichier", fichier=spec)
    digest = sha256_file(path)
    size = path.stat().st_size
    if size == 0:
        raise ImportFailed("fichier vide", fichier=name)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic[:2] == b"\x1f\x8b":
        out = work_dir / f"{digest[:12]}.plain"
        try:
            with gzip.open(path, "rb") as src:
                _copy_guarded(src, out, name=name, compressed_size=size)
        except (OSError, EOFError) as exc:
            raise ImportFailed(f"fichier gzip illisible ou tronqué ({exc})", fichier=name) from exc
        return [Input(out, name, digest, size)]
    if magic == b"PK\x03\x04":
        inputs = []
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
                if not members:
                    raise ImportFailed("archive zip vide", fichier=name)
                for index, member in enumerate(members):
                    out = work_dir / f"{digest[:12]}-{index}.plain"
                    member_name = f"{name}:{member.filename}"
                    with archive.open(member) as src:
                        _copy_guarded(src, out, name=member_name, compressed_size=member.compress_size)
                    # A member's identity is the archive checksum plus its name: re-importing the archive is a no-op.
                    member_digest = hashlib.sha256(f"{digest}:{member.filename}".encode()).hexdigest()
                    inputs.append(Input(out, member_name, member_digest, member.compress_size))
        except zipfile.BadZipFile as exc:
            raise ImportFailed(f"archive zip illisible ({exc})", fichier=name) from exc
        return inputs
    return [Input(path, name, digest, size)]


def cleanup(work_dir):
    shutil.rmtree(work_dir, ignore_errors=True)
