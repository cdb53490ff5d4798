"""Property-based tests of the parsers: arbitrary record mutations never crash; every record is stored or rejected."""

import tempfile
from pathlib import Path

import orjson
import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from pilote.decp.importer import run_import
from pilote.decp.ingest import Reader
from pilote.decp.readers.flatten import Flattener, RecordRejected
from pilote.decp.readers.sources import materialize
from tests.decp.test_import import marche


json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)  # fmt: skip
json_value = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    *marche(0), "modifications", "actesSousTraitance", "modificationsActesSousTraitance", "_type", "acheteur.id",
    "autoriteConcedante", "concessionnaires", "valeurGlobale",
]  # fmt: skip


@st.composite
def mutated_record(draw):
    rec = marche(draw(st.integers(0, 50)))
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["replace", "delete", "wrap", "unwrap"]))
        key = draw(st.sampled_from(FIELDS))
        if action == "replace":
            rec[key] = draw(json_value)
        elif action == "delete":
            rec.pop(key, None)
        elif action == "wrap" and key in rec:
            rec[key] = [rec[key]]
        elif action == "unwrap" and isinstance(rec.get(key), dict) and len(rec[key]) == 1:
            rec[key] = next(iter(rec[key].values()))
    return draw(st.one_of(st.just(rec), json_value)) if draw(st.integers(0, 9)) == 0 else rec


@settings(max_examples=200, deadline=None)
@given(mutated_record())
def test_flattener_stores_or_rejects(rec):
    f = Flattener(import_run="r", source="s", fichier="f", sha256="x", fmt="decp-2022-json")
    reason = None
    try:
        f.add(rec, key=0, position=0, tableau="marche")
    except RecordRejected as exc:
        reason = str(exc)
    assert f.count == (0 if reason is not None else 1)
    assert reason is None or reason  # a rejection always carries its French reason
    frames = f.frames()  # always buildable with the contract's dtypes
    assert frames["contrats"].height == f.count
    assert set(frames["titulaires"]["record_key"].to_list()) <= {0}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutated_record(), min_size=0, max_size=12), st.booleans())
def test_import_with_real_cleaning_accounts_for_every_record(records, pretty):
    """Through the whole pipeline (real cleaning, dedup, store): read = stored + duplicates + rejected."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "fuzz.json"
        if pretty:  # exact ijson reader
            path.write_bytes(orjson.dumps({"marches": {"marche": records}}, option=orjson.OPT_INDENT_2))
        else:  # line fast path
            path.write_bytes(b'{"marches": {"marche": [\n' + b",\n".join(orjson.dumps(r) for r in records) + b"\n]}}")
        report = run_import([path], data_dir=tmp / "data")
        assert report["read"] == len(records)
        assert report["read"] == report["stored"] + report["duplicates"] + report["rejected"]
        gen = tmp / "data" / "decp" / "generations" / report["generation"]
        assert pl.read_parquet(gen / "copies.parquet").height + report["rejected"] == len(records)
        assert pl.read_parquet(gen / "rejets.parquet").height == report["rejected"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_reader(data):
    """Garbage is either read (as DECP) or refused with ImportFailed: never another exception."""
    from pilote.decp.errors import ImportFailed

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "x.bin"
        path.write_bytes(b'{"marches": {"marche": [\n' + data)
        message = None
        try:
            (inp,) = materialize(path, tmp / "w", tmp / "c")
            Reader(tmp / "parts", import_run="r", cleaner="identity", workers=1).read(inp, file_no=0, source="s")
        except ImportFailed as exc:
            message = exc.french()
        assert message is None or "x.bin" in message
