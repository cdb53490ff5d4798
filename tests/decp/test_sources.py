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
