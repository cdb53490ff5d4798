"""The Reader on XML: batches cut by xml_ranges and read by the worker pool write the same parts, read counts and
rejects as the sequential lxml reader, and a bad file gives the sequential reader's French error (file, line)."""

import gzip

import polars as pl
import pytest

from pilote.decp import ingest
from pilote.decp.errors import ImportFailed
from pilote.decp.readers import xml_ranges
from pilote.decp.readers.json_reader import NotLineLayout
from pilote.decp.readers.sources import materialize
from pilote.decp.readers.xml_reader import iter_records_xml
from tests.decp.test_xml_ranges import HOSTILE, M, doc, pretty, synthetic  # noqa: F401 - synthetic is a fixture


def read(path, out, *, sequential=False, parallel_only=False, workers=1, monkeypatch):
    """Parts, result and error of Reader.read: through the cut batches, or the sequential reader only."""
    reader = ingest.Reader(out / "parts", import_run="test", cleaner="real", workers=workers)
    (inp,) = materialize(path, out / "work", out / "cache")
    with monkeypatch.context() as patch:
        if sequential:
            patch.setattr(xml_ranges, "scan_batches", _not_cut)
        if parallel_only:
            patch.setattr(ingest, "iter_records_xml", _no_sequential)
        try:
            result = reader.read(inp, file_no=3, source="test")
        finally:
            reader.close()
    parts = {t: pl.read_parquet(out / "parts" / t / "*.parquet") for t in ingest.TABLES}
    return parts, result


def _not_cut(path, *, name, batch_bytes=None):
    raise NotLineLayout("test")
    yield  # a generator, like scan_batches


def _no_sequential(path, *, name):
    raise AssertionError("le lecteur séquentiel ne doit pas être appelé")


def assert_same(a, b):
    (parts_a, result_a), (parts_b, result_b) = a, b
    for table in ingest.TABLES:
        key = "record_key"
        assert parts_a[table].sort(key, maintain_order=True).equals(parts_b[table].sort(key, maintain_order=True))
    assert result_a.read == result_b.read
    assert result_a.kept == result_b.kept
    assert sorted(result_a.rejects) == sorted(result_b.rejects)
    assert result_a.codes == result_b.codes


@pytest.mark.parametrize("workers", [1, 2])
def test_synthetic_file_through_the_worker_pool(tmp_path, synthetic, workers, monkeypatch):  # noqa: F811
    path = tmp_path / "synth.xml.gz"
    path.write_bytes(gzip.compress(pretty(synthetic)))  # as published: indented, compressed
    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(xml_ranges, "BATCH_BYTES", 400_000)  # several batches in flight
    fast = read(path, tmp_path / "a", parallel_only=True, workers=workers, monkeypatch=monkeypatch)
    slow = read(path, tmp_path / "b", sequential=True, monkeypatch=monkeypatch)
    assert_same(fast, slow)
    assert fast[1].read == 3000
    assert len(list((tmp_path / "a" / "parts" / "contrats").glob("*.parquet"))) > 3
    assert fast[0]["contrats"]["format"].unique().to_list() == ["decp-2022-xml"]


def test_rejected_records_are_reported_as_by_the_sequential_reader(tmp_path, monkeypatch):
    records = [M.format(i, "bon") for i in range(30)]
    records[4] = "<marche><objet>sans identifiant ni acheteur</objet></marche>\n"
    records[9] = M.format("", "identifiant vide")
    records[17] = "<marche>du texte seulement</marche>\n"
    path = tmp_path / "rejets.xml"
    path.write_bytes(doc(*records))
    monkeypatch.setattr(xml_ranges, "BATCH_BYTES", 500)
    fast = read(path, tmp_path / "a", parallel_only=True, monkeypatch=monkeypatch)
    slow = read(path, tmp_path / "b", sequential=True, monkeypatch=monkeypatch)
    assert_same(fast, slow)
    assert fast[1].rejects == slow[1].rejects  # one file, same batches: same order too
    assert {r[2] for r in slow[1].rejects} >= {4, 17}
    assert all(r[0] == "rejets.xml" and r[1] == "marche" for r in slow[1].rejects)


@pytest.mark.parametrize("name", ["cdata", "imbrique", "auto-fermant", "prefixe-melange", "doctype-sans-entite"])
def test_files_that_fool_the_cut_are_read_again_sequentially(tmp_path, name, monkeypatch):
    path = tmp_path / "m.xml"
    path.write_bytes(HOSTILE[name])
    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(xml_ranges, "BATCH_BYTES", 700)
    fast = read(path, tmp_path / "a", workers=2, monkeypatch=monkeypatch)
    slow = read(path, tmp_path / "b", sequential=True, monkeypatch=monkeypatch)
    assert_same(fast, slow)
    assert fast[1].read == len(list(iter_records_xml(path, name="m.xml")))


def _records(n=60):
    return [M.format(f"2024-{i:03d}", f"objet {i}") for i in range(n)]


BAD = {
    "tronque-dans-un-enregistrement": lambda: doc(*_records())[:-1500],
    "tronque-avant-la-racine": lambda: doc(*_records())[: -len("</marches>\n")],
    "balise-mal-fermee": lambda: doc(*_records()).replace(b"</objet>", b"</objt>", 31),
    "utf8-invalide": lambda: doc(*_records()).replace(b"objet 40", b"objet \xe9 40"),
    "apres-la-racine": lambda: doc(*_records()) + b"<marche><id>x</id></marche>",
    "cdata-non-fermee": lambda: doc(*_records()).replace(b"objet 30<", b"<![CDATA[objet 30</marche><"),
    "xxe": lambda: doc(
        *_records(), head='<!DOCTYPE marches [<!ENTITY x SYSTEM "file:///etc/passwd">]><marches>'
    ).replace(b"objet 3<", b"&x;<"),
    "dtd-externe": lambda: doc(
        *_records(), head='<!-- x --><!DOCTYPE marches SYSTEM "http://127.0.0.1/x.dtd"><marches>'
    ),
}


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("name", BAD)
def test_bad_xml_gives_the_sequential_readers_french_error(tmp_path, name, workers, monkeypatch):
    path = tmp_path / "mauvais.xml"
    path.write_bytes(BAD[name]())
    with pytest.raises(ImportFailed) as sequential:
        list(iter_records_xml(path, name="mauvais.xml"))
    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(xml_ranges, "BATCH_BYTES", 1000)  # the bad record in a batch of its own, others beside
    reader = ingest.Reader(tmp_path / "parts", import_run="test", workers=workers)
    (inp,) = materialize(path, tmp_path / "work", tmp_path / "cache")
    try:
        with pytest.raises(ImportFailed) as parallel:
            reader.read(inp, file_no=0, source="test")
    finally:
        reader.close()
    assert str(parallel.value) == str(sequential.value)
    assert str(parallel.value).startswith("Fichier « mauvais.xml »")
    assert "ligne" in str(parallel.value) or "octet" in str(parallel.value) or name == "xxe"
    assert "root:" not in str(parallel.value)  # /etc/passwd never read (XXE refused before parsing)
