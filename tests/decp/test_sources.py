"""Inputs: .gz, .zip, and http(s) URLs streamed from a local server on 127.0.0.1 (resumable, checksum recorded)."""

import gzip
import hashlib
import http.server
import threading
import zipfile
from functools import partial

import pytest

from pilote.decp import store
from pilote.decp.importer import run_import
from pilote.decp.readers import sources
from tests.decp.conftest import LOCAL


# Downloads read the allow-list of hosts, which data stewards keep in the database (decp.models.UrlHost).
pytestmark = pytest.mark.django_db


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with `Range: bytes=N-` support; can cut the first response short to test resuming."""

    cut_once = {}
    ranges_seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            self.send_error(404)
            return
        start = 0
        header = self.headers.get("Range")
        if header:
            self.ranges_seen.append(header)
            start = int(header.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        cut = self.cut_once.pop(self.path, None)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:cut] if cut else body)
        if cut:
            self.wfile.flush()
            self.connection.close()


@pytest.fixture
def server(tmp_path, settings):
    # a local test server: plain http on loopback, refused by the default URL policy (tests/security/test_ssrf.py)
    settings.PILOTE_DECP_URL_ALLOW_HTTP = True
    settings.PILOTE_DECP_URL_ALLOW_PRIVATE = True
    root = tmp_path / "www"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    RangeHandler.ranges_seen.clear()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_import_from_url_records_checksum(server, data_dir):
    root, base = server
    (root / "decp.json").write_bytes(GOOD.read_bytes())
    report = run_import([f"{base}/decp.json"], data_dir=data_dir)
    assert report["read"] == 5
    inputs = store.current_manifest(data_dir)["inputs"]
    assert inputs[0]["fichier"] == f"{base}/decp.json"
    assert inputs[0]["sha256"] == hashlib.sha256(GOOD.read_bytes()).hexdigest()
    again = run_import([f"{base}/decp.json"], data_dir=data_dir)
    assert again["statut"] == "deja_importe"


def test_interrupted_download_resumes_with_range(server, tmp_path):
    root, base = server
    data = GOOD.read_bytes()
    (root / "gros.json").write_bytes(data)
    RangeHandler.cut_once["/gros.json"] = 1000
    with pytest.raises(sources.ImportFailed, match="interrompu"):
        sources.download(f"{base}/gros.json", tmp_path / "cache")
    partial_files = list((tmp_path / "cache").glob("*.part"))
    assert partial_files
    assert partial_files[0].stat().st_size == 1000
    path = sources.download(f"{base}/gros.json", tmp_path / "cache")
    assert path.read_bytes() == data
    assert RangeHandler.ranges_seen == ["bytes=1000-"]


def test_http_error_is_reported(server, data_dir):
    _, base = server
    with pytest.raises(sources.ImportFailed, match="404"):
        run_import([f"{base}/absent.json"], data_dir=data_dir)


def test_gzip_and_zip_inputs(tmp_path, data_dir):
    gz = tmp_path / "decp.json.gz"
    gz.write_bytes(gzip.compress(GOOD.read_bytes()))
    zp = tmp_path / "paquet.zip"
    with zipfile.ZipFile(zp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(LOCAL / "ci_raw_marches.json", "a/ci_raw_marches.json")
        z.write(LOCAL / "decp_test_2019.json", "b/decp_test_2019.json")
    report = run_import([gz, zp], data_dir=data_dir)
    assert report["read"] == 5 + 3 + 2
    names = [f["fichier"] for f in report["files"]]
    assert names == ["decp.json.gz", "paquet.zip:a/ci_raw_marches.json", "paquet.zip:b/decp_test_2019.json"]
    assert report["files"][0]["sha256"] == hashlib.sha256(gz.read_bytes()).hexdigest()
    assert run_import([zp], data_dir=data_dir)["statut"] == "deja_importe"


def test_one_member_past_its_own_ratio_is_refused_by_name_in_a_roomy_archive(tmp_path):
    """The archive's total is far from its cap (a large, barely compressible member first), but the next member
    inflates 1000×: refused by its own cap through core's bounded decompression, its partial copy removed."""
    import random

    rng = random.Random(15)
    archive = tmp_path / "lot.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.json", bytes(rng.getrandbits(8) for _ in range(512 * 1024)))
        zf.writestr("b.json", b" " * (40 * 1024 * 1024))
    work = tmp_path / "work"
    with pytest.raises(sources.ImportFailed) as info:
        sources.materialize(archive, work, tmp_path / "cache")
    text = info.value.french()
    assert "lot.zip:b.json" in text
    assert "elle dépasse" in text
    assert "l'archive entière" not in text
    assert [p.stat().st_size for p in work.iterdir()] == [512 * 1024]  # a.json only, nothing of b.json kept


def test_archive_total_is_counted_by_core_budget(tmp_path, monkeypatch):
    """One mechanism: the DECP readers count through pilote.core.uploads.Budget (a budget that refuses
    everything refuses the archive, with the import's French words)."""
    from pilote.core import uploads

    monkeypatch.setattr(sources, "MAX_TOTAL_UNCOMPRESSED", 10)
    archive = tmp_path / "petit.json.gz"
    archive.write_bytes(gzip.compress(b'{"marches": []}' * 10))
    budgets = []
    real = uploads.Budget

    def spy(*args, **kwargs):
        budgets.append(real(*args, **kwargs))
        return budgets[-1]

    monkeypatch.setattr(sources, "Budget", spy)
    with pytest.raises(sources.ImportFailed, match="l'archive entière dépasse"):
        sources.materialize(archive, tmp_path / "w", tmp_path / "c")
    assert budgets
    assert budgets[0].used > budgets[0].total_bytes == 10
