"""Turn what the user gives (a local path, a .gz, a .zip, an http(s) URL) into plain local files to parse.

- URLs are streamed to a cache under PILOTE_DATA_DIR/decp/cache/ (resumable with HTTP Range, sha256 recorded),
  only from public addresses over https (UrlPolicy: every resolved address checked, the connection pinned to it,
  redirects checked at each hop, a size cap counted while streaming, a timeout, French errors only); the cached
  file is dropped when its run ends (pilote.decp.tasks), and anything older than the retention by `prune_cache`.
- .gz and .zip are decompressed to a work directory through core's bounded decompression (pilote.core.uploads:
  Budget, open_member, open_gzip, copy_bounded) with zip-bomb guards: an absolute size limit and a
  compression-ratio limit, per member and for the whole archive, checked on the bytes really produced.
Every materialised input keeps the sha256 *of the file as given* (that is what makes re-imports no-ops).
"""

import gzip
import hashlib
import http.client
import ipaddress
import os
import shutil
import socket
import ssl
import time
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pilote.core.uploads import Budget, UploadRefused, copy_bounded, open_gzip, open_member
from pilote.decp.errors import ImportFailed


MAX_UNCOMPRESSED = int(os.environ.get("PILOTE_DECP_MAX_UNCOMPRESSED", 8 * 1024**3))  # 8 GiB per member
MAX_RATIO = 200  # DECP JSON compresses ~10-20×; 200× only happens with crafted archives
# The whole archive, all members together (a bomb of many members each under the ratio): an absolute cap and a
# ratio to the archive's size. Both counted by pilote.core.uploads' bounded decompression (Budget).
MAX_TOTAL_UNCOMPRESSED = int(os.environ.get("PILOTE_DECP_MAX_UNCOMPRESSED_TOTAL", 8 * 1024**3))
MAX_TOTAL_RATIO = 100
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


# -- fetching by URL only what should be fetched (issue 15, decision 0011) -----------------------------------
MAX_REDIRECTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class UrlPolicy:
    """What the server may download: https only, public addresses only, known hosts when an allow-list is set
    (PILOTE_DECP_URL_HOSTS, set by the operator, plus the hosts the platform's data stewards add on the data page:
    decp.models.UrlHost), a size cap and a timeout."""

    allow_http: bool = False
    allow_private: bool = False  # development and tests only: loopback, private ranges, any port
    hosts: tuple = ()  # empty: any public host
    max_bytes: int = 4 * 1024**3
    timeout: float = 30.0

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        from pilote.decp.models import UrlHost

        stewards_hosts = UrlHost.objects.values_list("host", flat=True)
        return cls(
            allow_http=settings.PILOTE_DECP_URL_ALLOW_HTTP,
            allow_private=settings.PILOTE_DECP_URL_ALLOW_PRIVATE,
            hosts=tuple(sorted({h.lower() for h in settings.PILOTE_DECP_URL_HOSTS} | set(stewards_hosts))),
            max_bytes=settings.PILOTE_DECP_MAX_DOWNLOAD_BYTES,
            timeout=settings.PILOTE_DECP_URL_TIMEOUT_S,
        )


def check_url(url, policy):
    """Scheme, host and port of `url` allowed by the policy (no network); returns (scheme, host, port)."""
    parts = urllib.parse.urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme != "https" and not (scheme == "http" and policy.allow_http):
        raise ImportFailed("seules les adresses https sont acceptées", fichier=url)
    if not host or parts.username or parts.password:
        raise ImportFailed("adresse incomplète ou avec identifiants : refusée", fichier=url)
    if policy.hosts and host not in policy.hosts:
        raise ImportFailed(
            f"le serveur « {host} » n'est pas dans la liste des serveurs autorisés ({', '.join(policy.hosts)})",
            fichier=url,
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise ImportFailed("port invalide", fichier=url) from exc
    if port not in DEFAULT_PORTS.values() and not policy.allow_private:
        raise ImportFailed(f"port {port} refusé : seuls les ports 80 et 443 sont autorisés", fichier=url)
    return scheme, host, port


def is_public(ip):
    """A global unicast address: not private, loopback, link-local, multicast, reserved or unspecified (an
    IPv4 address mapped in IPv6 is checked as the IPv4 address it is)."""
    ip = getattr(ip, "ipv4_mapped", None) or ip
    blocked = (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )
    return ip.is_global and not blocked


def resolve_checked(host, port, policy, *, url):
    """The address to connect to: every address the name resolves to must be public (a name resolving to one
    public and one private address is refused); the connection then goes to that checked address, so a second
    resolution (DNS rebinding) cannot send it elsewhere."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ImportFailed(f"nom de serveur « {host} » introuvable", fichier=url) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise ImportFailed(f"nom de serveur « {host} » introuvable", fichier=url)
    if not policy.allow_private:
        refused = [ip for ip in addresses if not is_public(ip)]
        if refused:
            raise ImportFailed(
                f"le serveur « {host} » a une adresse non publique ({refused[0]}) : le téléchargement est refusé",
                fichier=url,
            )
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header keeps the name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is verified against the name (SNI too)."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _open(url, policy, headers):
    """(connection, response) for `url`, following at most MAX_REDIRECTS redirects, each hop checked anew."""
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = check_url(url, policy)
        address = resolve_checked(host, port, policy, url=url)
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = cls(host, port, address=address, timeout=policy.timeout)
        parts = urllib.parse.urlsplit(url)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            connection.close()
            if not location:
                raise ImportFailed("redirection sans adresse", fichier=url)
            url = urllib.parse.urljoin(url, location)
            continue
        return connection, response
    raise ImportFailed(f"plus de {MAX_REDIRECTS} redirections : téléchargement abandonné", fichier=url)


def _network_error(exc):
    """A French reason for a network failure (never the raw error: its details would map the network)."""
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return "connexion sécurisée impossible (certificat invalide)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "le serveur ne répond pas dans le délai"
    return "adresse injoignable"


def _too_big(url, policy):
    return ImportFailed(
        f"fichier refusé : il dépasse la taille maximale de téléchargement ({policy.max_bytes // 1024**2} Mo)",
        fichier=url,
    )


def _cache_paths(url, cache_dir):
    parsed = urllib.parse.urlparse(url)
    base = Path(parsed.path).name or "telechargement"
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    final = Path(cache_dir) / f"{key}-{base[:100]}"
    return final, final.with_name(final.name + ".part")


def download(url, cache_dir, *, policy=None):
    """Stream `url` to `cache_dir`, resuming a partial download with Range; returns the final path."""
    policy = policy or UrlPolicy.from_settings()
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    final, partial = _cache_paths(url, cache_dir)
    if final.exists():
        return final
    done = partial.stat().st_size if partial.exists() else 0
    headers = {"User-Agent": "pilote-decp"}
    if done:
        headers["Range"] = f"bytes={done}-"
    connection = None
    try:
        connection, response = _open(url, policy, headers)
        if response.status not in (200, 206):
            raise ImportFailed(f"le serveur a répondu {response.status} ({response.reason[:80]})", fichier=url)
        resumed = bool(done) and response.status == 206
        length = response.getheader("Content-Length")
        expected = (done if resumed else 0) + int(length) if length and length.isdigit() else None
        if expected is not None and expected > policy.max_bytes:
            partial.unlink(missing_ok=True)
            raise _too_big(url, policy)
        got = done if resumed else 0
        with open(partial, "ab" if resumed else "wb") as out:
            while block := response.read(CHUNK):
                got += len(block)
                if got > policy.max_bytes:  # a server may lie about (or omit) the length: counted as it comes
                    out.close()
                    partial.unlink(missing_ok=True)
                    raise _too_big(url, policy)
                out.write(block)
    except ImportFailed:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        resumable = partial.exists() and partial.stat().st_size > 0
        suffix = " ; le téléchargement partiel est gardé et reprendra" if resumable else ""
        raise ImportFailed(f"{_network_error(exc)}{suffix}", fichier=url) from exc
    finally:
        if connection is not None:
            connection.close()
    got = partial.stat().st_size
    if expected is not None and got != expected:
        # http.client returns a short read silently when the server drops the connection.
        raise ImportFailed(
            f"téléchargement interrompu ({got} octets reçus sur {expected}) ; relancez l'import pour le reprendre",
            fichier=url,
        )
    os.replace(partial, final)
    return final


def forget_download(url, cache_dir):
    """The cached copy of `url` (complete or partial), once its run is over."""
    for path in _cache_paths(url, cache_dir):
        path.unlink(missing_ok=True)


def prune_cache(cache_dir, *, max_age_s):
    """Files of the URL cache older than `max_age_s` (abandoned partial downloads): the cache is not a store."""
    cache_dir = Path(cache_dir)
    if not cache_dir.is_dir():
        return
    limit = time.time() - max_age_s
    for path in cache_dir.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _cap(compressed_size, ratio, absolute):
    return min(absolute, max(compressed_size, 1) * ratio + 64 * 1024)


def archive_budget(name, archive_size, ratio=MAX_TOTAL_RATIO):
    """What one archive may write once decompressed, all members together: core's bounded decompression
    (pilote.core.uploads.Budget, the one mechanism for every archive read on the server), capped here by an
    absolute size and a ratio to the archive's size."""
    return Budget(name, total_bytes=_cap(archive_size, ratio, MAX_TOTAL_UNCOMPRESSED))


def _refused(name, archive_name, dst, archive, member, ratio):
    """The French reason for a refusal of core's Budget, in the import's words (which cap, where)."""
    Path(dst).unlink(missing_ok=True)
    if archive.used > archive.total_bytes:
        return ImportFailed(
            f"archive refusée : décompressée, l'archive entière dépasse {archive.total_bytes // 1024**2} Mo "
            f"(taux de compression supérieur à {ratio} ou plus de "
            f"{MAX_TOTAL_UNCOMPRESSED // 1024**2} Mo, bombe de décompression probable)",
            fichier=archive_name,
            where=f"à l'octet décompressé {archive.used}",
        )
    return ImportFailed(
        f"archive refusée : décompressée, elle dépasse {member.total_bytes // 1024**2} Mo "
        f"(taux de compression supérieur à {MAX_RATIO}, bombe de décompression probable)",
        fichier=name,
        where=f"à l'octet décompressé {member.used}",
    )


def _extract(stream, dst, *, name, archive_name, compressed_size, archive, ratio=MAX_TOTAL_RATIO):
    """Copy a stream already counted against the archive's budget to dst, within the member's own cap (size and
    ratio to its compressed size), both counted on the bytes really produced, never on declared sizes."""
    member = Budget(name, total_bytes=_cap(compressed_size, MAX_RATIO, MAX_UNCOMPRESSED))
    try:
        with stream, open(dst, "wb") as out:
            return copy_bounded(stream, out, member, name)
    except UploadRefused as exc:
        raise _refused(name, archive_name, dst, archive, member, ratio) from exc


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
        archive = archive_budget(name, size, MAX_RATIO)
        try:
            stream = open_gzip(path, archive, name)
            _extract(stream, out, name=name, archive_name=name, compressed_size=size, archive=archive, ratio=MAX_RATIO)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # a full disk (OSError) is not an unreadable file
            raise ImportFailed(f"fichier gzip illisible ou tronqué ({exc})", fichier=name) from exc
        return [Input(out, name, digest, size)]
    if magic == b"PK\x03\x04":
        inputs = []
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
                if not members:
                    raise ImportFailed("archive zip vide", fichier=name)
                budget = archive_budget(name, size)
                for index, member in enumerate(members):
                    out = work_dir / f"{digest[:12]}-{index}.plain"
                    member_name = f"{name}:{member.filename}"
                    stream = open_member(archive, member, budget)
                    _extract(
                        stream,
                        out,
                        name=member_name,
                        archive_name=name,
                        compressed_size=member.compress_size,
                        archive=budget,
                    )
                    # A member's identity is the archive checksum plus its name: re-importing the archive is a no-op.
                    member_digest = hashlib.sha256(f"{digest}:{member.filename}".encode()).hexdigest()
                    inputs.append(Input(out, member_name, member_digest, member.compress_size))
        except zipfile.BadZipFile as exc:
            raise ImportFailed(f"archive zip illisible ({exc})", fichier=name) from exc
        return inputs
    return [Input(path, name, digest, size)]


def cleanup(work_dir):
    shutil.rmtree(work_dir, ignore_errors=True)
