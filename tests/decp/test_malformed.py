"""Bad input: a clear French message naming the file (and position), non-zero exit, the store exactly as before."""

import gzip
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from pilote.decp.errors import ImportFailed
from pilote.decp.importer import run_import
from pilote.decp.readers import sources
from tests.decp.conftest import LOCAL, snapshot


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"


@pytest.fixture
def populated(data_dir):
    """A store with one import, and its snapshot."""
    run_import([GOOD], data_dir=data_dir)
    return snapshot(data_dir)


def _truncated(tmp_path):
    data = GOOD.read_bytes()
    p = tmp_path / "tronque.json"
    p.write_bytes(data[: len(data) // 2])
    return p


def _truncated_lines(tmp_path):
    p = tmp_path / "tronque-lignes.json"
    p.write_bytes(b'{"marches": {"marche": [\n{"id": "1", "acheteur": {"id": "21350238800019"}},\n')
    return p


def _invalid(tmp_path):
    p = tmp_path / "invalide.json"
    # pretty-printed (exact ijson reader) with a missing comma between two keys
    p.write_bytes(b'{"marches": {"marche": [\n  {\n    "id": "1"\n    "acheteur": {}\n  }\n]}}\n')
    return p


def _latin1(tmp_path):
    p = tmp_path / "latin1.json"
    p.write_bytes('{"marches": {"marche": [\n{"id": "1", "objet": "Réfection é"}\n]}}\n'.encode("latin-1"))
    return p


def _not_decp(tmp_path):
    p = tmp_path / "geo.json"
    p.write_bytes(b'{"type": "FeatureCollection", "features": []}')
    return p


def _empty(tmp_path):
    p = tmp_path / "vide.json"
    p.write_bytes(b"")
    return p


def _xxe(tmp_path):
    p = tmp_path / "xxe.xml"
    p.write_text(
        '<?xml version="1.0"?><!DOCTYPE marches [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<marches><marche><id>&x;</id></marche></marches>",
        encoding="utf-8",
    )
    return p


def _billion_laughs(tmp_path):
    entities = '<!ENTITY a0 "lol">'
    p = tmp_path / "laughs.xml"
    p.write_text(
        '<?xml version="1.0"?><!DOCTYPE marches [' + entities + '<!ENTITY a1 "&a0;&a0;&a0;&a0;&a0;&a0;&a0;">'
        '<!ENTITY a2 "&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;">]><marches><marche><id>&a2;</id></marche></marches>',
        encoding="utf-8",
    )
    return p


def _zip_bomb(tmp_path):
    p = tmp_path / "bombe.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("decp.json", b'{"marches": {"marche": [' + b" " * (60 * 1024 * 1024) + b"]}}")
    return p


def _gzip_bomb(tmp_path):
    p = tmp_path / "bombe.json.gz"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as g:
        g.write(b'{"marches": [' + b" " * (60 * 1024 * 1024) + b"]}")
    p.write_bytes(buf.getvalue())
    return p


def _xml_not_decp(tmp_path):
    p = tmp_path / "autre.xml"
    p.write_text("<html><body/></html>", encoding="utf-8")
    return p


CASES = [
    (_truncated, "JSON tronqué"),
    (_truncated_lines, "JSON tronqué"),
    (_invalid, "JSON invalide"),
    (_latin1, "encodage invalide"),
    (_not_decp, "pas au format DECP"),
    (_empty, "fichier vide"),
    (_xxe, "XML refusé"),
    (_billion_laughs, "XML refusé"),
    (_zip_bomb, "bombe de décompression"),
    (_gzip_bomb, "bombe de décompression"),
    (_xml_not_decp, "pas au format DECP"),
]


@pytest.mark.parametrize(("make", "message"), CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_bad_file_leaves_store_untouched(make, message, tmp_path, data_dir, populated):
    path = make(tmp_path)
    with pytest.raises(ImportFailed) as info:
        run_import([path], data_dir=data_dir)
    text = info.value.french()
    assert message in text
    assert path.name in text  # names the file
    assert snapshot(data_dir) == populated


def test_bad_file_among_good_ones_aborts_the_whole_import(tmp_path, data_dir, populated):
    other = tmp_path / "autre.json"
    other.write_bytes(LOCAL.joinpath("ci_raw_marches.json").read_bytes())
    with pytest.raises(ImportFailed, match="invalide"):
        run_import([other, _invalid(tmp_path)], data_dir=data_dir)
    assert snapshot(data_dir) == populated


def test_position_is_named(tmp_path, data_dir):
    with pytest.raises(ImportFailed) as info:
        run_import([_latin1(tmp_path)], data_dir=data_dir)
    assert "ligne 2" in info.value.french()
    with pytest.raises(ImportFailed) as info:
        run_import([_truncated(tmp_path)], data_dir=data_dir)
    assert "octet" in info.value.french()


def test_command_exits_non_zero_with_french_message(tmp_path, data_dir, populated):
    with pytest.raises(CommandError, match=r"Fichier « invalide\.json »"):
        call_command("decp", "import", str(_invalid(tmp_path)))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("decp", "import", str(tmp_path / "absent.json"))
    assert snapshot(data_dir) == populated


@pytest.mark.django_db  # the download reads the stewards' allow-list of hosts
def test_unreachable_url(data_dir, populated, settings):
    settings.PILOTE_DECP_URL_ALLOW_HTTP = settings.PILOTE_DECP_URL_ALLOW_PRIVATE = True  # loopback, for the test
    url = "http://127.0.0.1:9/decp.json"  # discard port: nothing listens
    with pytest.raises(ImportFailed) as info:
        run_import([url], data_dir=data_dir)
    assert "injoignable" in info.value.french()
    assert url in info.value.french()
    assert snapshot(data_dir) == populated


def test_ratio_guard_is_independent_of_declared_sizes(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_UNCOMPRESSED", 1024 * 1024)
    p = tmp_path / "grand.json.gz"
    p.write_bytes(gzip.compress(bytes(range(256)) * 8192))  # 2 MiB of poorly compressible data
    with pytest.raises(ImportFailed, match="dépasse"):
        sources.materialize(p, tmp_path / "w", tmp_path / "c")
