"""Pretty-printed JSON cut into record texts for the workers: the same records, in the same order, as the exact
sequential reader (ijson), and the same French error on bad JSON."""

import json

import orjson
import polars as pl
import pytest

from pilote.decp import ingest
from pilote.decp.errors import ImportFailed
from pilote.decp.readers import json_ranges
from pilote.decp.readers.json_ranges import scan_batches
from pilote.decp.readers.json_reader import NotLineLayout, iter_records_ijson
from pilote.decp.readers.sources import materialize
from tests.decp.conftest import EXAMPLES, LOCAL, REAL_2019, SHARED


REAL = sorted((SHARED / "real").rglob("*.json"))
FIXTURES = sorted(LOCAL.glob("*.json"))
EXAMPLES_JSON = [p for p in EXAMPLES if p.suffix == ".json"]


def cut(path, **kwargs):
    """(tableau, position, record) from the parallel path's batches, parsed as the workers do (orjson)."""
    out = []
    for tableau, first_pos, _line, texts in scan_batches(path, name=path.name, **kwargs):
        out.extend((tableau, first_pos + i, orjson.loads(text)) for i, text in enumerate(texts))
    return out


def spans_lines(path):
    return all(b"\n" in text for *_, texts in scan_batches(path, name=path.name) for text in texts)


@pytest.mark.parametrize("path", [*REAL, *FIXTURES, *EXAMPLES_JSON], ids=lambda p: f"{p.parent.name}-{p.name}")
def test_same_records_in_same_order_as_the_sequential_reader(path):
    expected = list(iter_records_ijson(path, name=path.name))
    try:
        got = cut(path)
    except orjson.JSONDecodeError:
        # a record orjson refuses (bare NaN): the worker hands the file to the exact reader (see below)
        assert b"NaN" in path.read_bytes()
        return
    except NotLineLayout:
        assert "marches" not in json.loads(path.read_bytes())  # a single-record document: the exact reader
        return
    assert got == expected


@pytest.mark.parametrize("path", REAL_2019, ids=lambda p: p.name)
def test_real_pretty_files_take_the_parallel_path(path):
    assert spans_lines(path)  # record texts cut from the pretty layout, not the ijson fallback


TRICKY = [
    {"id": "1", "acheteur": {"id": "21350238800019"}, "objet": 'guillemets \\" et } ] { , accolades "},'},
    {"id": "2", "acheteur": {"id": "21350238800019"}, "objet": "ligne\n    }\n  },\n  {", "montant": 12.5},
    {"id": "3", "acheteur": {"id": "21350238800019"}, "objet": "\\\\", "titulaires": [{"titulaire": {"id": "1"}}]},
    {"id": "4}", "acheteur": {"id": "21350238800019", "nom": "Ville {de} [Rennes]"}, "objet": '}\\\\"'},
    {"id": "5", "acheteur": {"id": "21350238800019"}, "modifications": [], "objet": "é ü ☃ \u2028"},
]


@pytest.mark.parametrize("indent", [2, 4, "\t", "    "])
@pytest.mark.parametrize("shape", ["2019", "2022"])
def test_escaped_quotes_and_braces_in_strings(tmp_path, indent, shape):
    doc = (
        {"$schema": "x", "marches": TRICKY}
        if shape == "2019"
        else {"marches": {"contrat-concession": TRICKY[:2], "marche": TRICKY, "extra": None}, "n": 1.5e3}
    )
    path = tmp_path / "tricky.json"
    path.write_text(json.dumps(doc, indent=indent, ensure_ascii=False).replace("\n", "\r\n"), encoding="utf-8")
    got = cut(path, batch_lines=2)
    assert got == list(iter_records_ijson(path, name=path.name))
    assert [r["id"] for _, _, r in got][:5] == [r["id"] for r in TRICKY]  # concessions come after the marchés
    assert spans_lines(path)


def test_byte_budget_splits_batches_and_positions_go_on(tmp_path, monkeypatch):
    path = REAL_2019[0]
    monkeypatch.setattr(json_ranges, "BATCH_BYTES", 50_000)
    batches = list(scan_batches(path, name=path.name))
    assert len(batches) > 3
    assert [b[1] for b in batches] == [sum(len(b[3]) for b in batches[:i]) for i in range(len(batches))]
    assert cut(path) == list(iter_records_ijson(path, name=path.name))


@pytest.mark.parametrize(
    "text",
    [
        b'{"marches": [\n{\n"id": "1",\n"objet": {\n"a": 1\n}\n}\n]}',  # no indentation: needle cuts too early
        b'{"marches": [{"id": "1"},\n  {\n    "id": "2"\n  }\n]}',  # a record not at the start of a line
        b'{"marches": [\n  {\n    "id": "1"\n  },\n  "texte",\n  [1]\n]}',  # records that are not objects
        b'{"marches": {"marche": [\n  {\n    "id": "1"\n  }\n], "autre": {"a": [1]}}}',  # unknown object
    ],
)
def test_other_layouts_fall_back_to_the_exact_reader(tmp_path, text):
    path = tmp_path / "autre.json"
    path.write_bytes(text)
    with pytest.raises((NotLineLayout, orjson.JSONDecodeError)):
        cut(path)
    parts_fast, _ = read(path, tmp_path / "a")
    parts_slow, _ = read(path, tmp_path / "b", sequential=True)
    assert_same_parts(parts_fast, parts_slow)


def read(path, tmp_path, *, sequential=False, workers=1, monkeypatch=None):
    """Parts written by the Reader (the parallel path, or the exact sequential reader only)."""
    reader = ingest.Reader(tmp_path / "parts", import_run="test", cleaner="real", workers=workers)
    (inp,) = materialize(path, tmp_path / "work", tmp_path / "cache")
    original = ingest.scan_batches
    if sequential:
        ingest.scan_batches = _no_fast_path
    try:
        result = reader.read(inp, file_no=0, source="test")
    finally:
        ingest.scan_batches = original
        reader.close()
    parts = {t: pl.read_parquet(tmp_path / "parts" / t / "*.parquet") for t in ("contrats", "titulaires")}
    return parts, result


def _no_fast_path(path, *, name, batch_lines=None):
    raise NotLineLayout("test")
    yield  # a generator, like scan_batches


def assert_same_parts(a, b):
    for table in a:
        assert (
            a[table].sort("record_key", maintain_order=True).equals(b[table].sort("record_key", maintain_order=True))
        )


@pytest.mark.parametrize("path", [*REAL_2019, LOCAL / "decp_test_2022.json"], ids=lambda p: p.name)
def test_reader_writes_the_same_parts_as_the_sequential_reader(path, tmp_path):
    fast, fast_result = read(path, tmp_path / "a")
    slow, slow_result = read(path, tmp_path / "b", sequential=True)
    assert_same_parts(fast, slow)
    assert fast_result.read == slow_result.read
    assert fast_result.rejects == slow_result.rejects


def test_worker_pool_on_a_pretty_file(tmp_path, monkeypatch):
    """Two spawned workers, small batches: the parts equal the sequential reader's."""
    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    path = next(p for p in REAL_2019 if p.name == "data.gouv.fr_pes.json")
    fast, _ = read(path, tmp_path / "a", workers=2)
    slow, _ = read(path, tmp_path / "b", sequential=True)
    assert_same_parts(fast, slow)


def test_rejected_records_are_reported_as_by_the_sequential_reader(tmp_path):
    records = [*TRICKY[:2], {"objet": "sans identifiant"}, {"id": "x", "acheteur": {"id": ""}}, *TRICKY[2:]]
    path = tmp_path / "rejets.json"
    path.write_text(json.dumps({"marches": {"marche": records}}, indent=2), encoding="utf-8")
    assert spans_lines(path)  # read through the parallel path
    fast, fast_result = read(path, tmp_path / "a")
    slow, slow_result = read(path, tmp_path / "b", sequential=True)
    assert_same_parts(fast, slow)
    assert len(slow_result.rejects) >= 2
    assert fast_result.rejects == slow_result.rejects


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_record_in_a_pretty_file_with_the_worker_pool(tmp_path, monkeypatch, workers):
    """The worker that meets the bad record hands the file to the exact reader: same error, whatever ran beside."""
    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(json_ranges, "BATCH_BYTES", 100_000)  # several batches in flight
    path = tmp_path / "mauvais.json"
    path.write_bytes(_broken(REAL_2019[0].read_bytes()))
    with pytest.raises(ImportFailed) as sequential:
        list(iter_records_ijson(path, name="mauvais.json"))
    reader = ingest.Reader(tmp_path / "parts", import_run="test", workers=workers)
    (inp,) = materialize(path, tmp_path / "work", tmp_path / "cache")
    try:
        with pytest.raises(ImportFailed) as parallel:
            reader.read(inp, file_no=0, source="test")
    finally:
        reader.close()
    assert str(parallel.value) == str(sequential.value)


def _broken(data):
    """A missing comma between two keys of a record in the middle of the file."""
    middle = data.index(b'"id"', len(data) // 2)
    end = data.index(b",", middle)
    return data[:end] + data[end + 1 :]


@pytest.mark.parametrize(
    "damage",
    [_broken, lambda d: d[: len(d) // 2], lambda d: d.replace(b'"acheteur"', b'"acheteur" "x"', 1)],
    ids=["virgule", "tronque", "cle"],
)
def test_bad_json_gives_the_sequential_readers_french_error(tmp_path, damage):
    path = tmp_path / "mauvais.json"
    path.write_bytes(damage(REAL_2019[0].read_bytes()))
    with pytest.raises(ImportFailed) as sequential:
        list(iter_records_ijson(path, name="mauvais.json"))
    reader = ingest.Reader(tmp_path / "parts", import_run="test", workers=1)
    (inp,) = materialize(path, tmp_path / "work", tmp_path / "cache")
    with pytest.raises(ImportFailed) as parallel:
        reader.read(inp, file_no=0, source="test")
    assert str(parallel.value) == str(sequential.value)
    assert "mauvais.json" in str(parallel.value)
    assert "octet" in str(parallel.value)


@pytest.mark.parametrize(("batch_bytes", "slack"), [(1, 1), (300, 10), (5_000, 64)])
def test_batches_cut_anywhere_give_the_same_records(tmp_path, monkeypatch, batch_bytes, slack):
    """Batches cut past any byte budget, records longer than the buffer's slack (it grows), an array ending inside
    a batch's range: the same records, positions and order as the exact reader; each batch is sent as a byte range
    whose records the parent counted without reading them one by one."""
    monkeypatch.setattr(json_ranges, "BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(json_ranges, "SLACK", slack)
    records = [dict(r, objet=r["objet"] * (1 + i % 3)) for i, r in enumerate(TRICKY * 4)]
    doc = {"marches": {"marche": records, "contrat-concession": records[:3]}}
    path = tmp_path / "lots.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    batches = list(scan_batches(path, name=path.name))
    assert all(isinstance(texts, json_ranges.JsonBatch) and texts.nbytes > 0 for *_, texts in batches)
    assert cut(path) == list(iter_records_ijson(path, name=path.name))
