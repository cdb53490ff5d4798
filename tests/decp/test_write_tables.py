"""The write-tables step writes each table in one pass (pilote.decp.steps.table_sink): the tables must be exactly
those the former chunk files + relaxed concatenation gave — same rows, same columns in the same order, same
types — whatever the slicing of the previous generation."""

import polars as pl
import pyarrow.parquet as pq
import pytest

from pilote.decp import hooks, pipeline, store, tables
from pilote.decp.demo import synth
from pilote.decp.pipeline import run_import
from pilote.decp.steps import delta_tables, table_sink, write_tables
from pilote.decp.versions import build_versions
from tests.decp.test_incremental import _monthly


KEYS = ["import_run", "record_key"]


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(hooks, "_PREPARERS", {})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    return hooks


def test_sink_frames_gives_the_relaxed_concatenation(tmp_path):
    frames = [
        pl.DataFrame({"a": [1, 2], "b": [None, None], "l": [["x"], []]}, schema_overrides={"a": pl.Int32}),
        pl.DataFrame({"c": ["z"], "a": [3], "b": ["y"]}),  # a column more, Int64, a typed `b`
        pl.DataFrame({"a": [4], "l": [None]}, schema_overrides={"a": pl.Int32, "l": pl.List(pl.String)}),
        pl.DataFrame(schema={"a": pl.Int32}),  # empty
    ]
    path = tmp_path / "t.parquet"
    table_sink.sink_frames(path, table_sink.relaxed_schema([f.schema for f in frames]), lambda: iter(frames))
    written = pl.read_parquet(path)
    expected = pl.concat(frames, how="diagonal_relaxed")
    assert written.schema == expected.schema
    assert written.equals(expected)  # row order kept too


def test_a_failing_producer_fails_the_write(tmp_path):
    def frames():
        yield pl.DataFrame({"a": [1]})
        raise OSError("lecture impossible de la génération précédente")

    with pytest.raises(Exception, match="lecture impossible"):
        table_sink.sink_frames(tmp_path / "t.parquet", {"a": pl.Int64}, frames)


def _read_parts(parts, table):
    files = sorted((parts / table).glob("*.parquet")) if (parts / table).exists() else []
    return [pl.read_parquet(f) for f in files]


def _expected(parts, old_dir, run_id, win):
    """The generation's tables computed in memory from the step's inputs, whole tables at once (what the former
    chunk files + diagonal_relaxed consolidation gave; fine at test size)."""
    is_new = pl.col("import_run") == run_id
    win_new, win_old = win.filter(is_new).drop("import_run"), win.filter(~is_new)
    contrats = [
        f.rename({"qualite": "_qualite_base"}).join(win_new, on="record_key").with_columns(import_run=pl.lit(run_id))
        for f in _read_parts(parts, "contrats")
    ]
    ids = win_new.select("record_key", "contrat_uid")
    new = {"contrats": contrats}
    for table in write_tables.CHILD_TABLES:
        new[table] = [
            f.join(ids, on="record_key").with_columns(import_run=pl.lit(run_id)) for f in _read_parts(parts, table)
        ]
    new["versions"] = [
        build_versions(c.lazy(), m.lazy(), t.lazy()).collect()
        for c, m, t in zip(new["contrats"], new["modifications"], new["titulaires"], strict=True)
    ]
    old_keys = win_old.select(*KEYS, "contrat_uid")
    expected = {}
    for table, frames in new.items():
        if old_dir is None:
            expected[table] = pl.concat(frames, how="diagonal_relaxed")
            continue
        old = tables.scan(old_dir, table).collect()
        if table == "contrats":
            old = old.drop("contrat_uid", "nb_copies", "qualite").join(win_old, on=KEYS)
        else:
            old = old.drop("contrat_uid").join(old_keys, on=KEYS)
        expected[table] = pl.concat([*frames, old], how="diagonal_relaxed")
    return expected


def _sorted(frame):
    scalar = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(scalar, nulls_last=True)


@pytest.mark.parametrize("share", [0.01, 10.0], ids=["whole", "parts"])
def test_monthly_write_equals_the_tables_recomputed_in_memory(data_dir, registry, tmp_path, monkeypatch, share):
    """Written whole (the previous generation read in slices) or merge-on-read (a delta part and a mask on the
    previous main parts), the tables hold the rows recomputed in memory."""
    monkeypatch.setattr(delta_tables, "MAX_SHARE", share)
    first = synth.write(tmp_path / "stock.json", count=1500, seed=5)
    run_import([first], data_dir=data_dir, prepare=False)
    monkeypatch.setattr(write_tables, "OLD_SLICE", 97)  # many slices of the previous generation, the last partial
    monkeypatch.setattr(table_sink, "ROW_GROUP_SIZE", 211)
    expected, real = {}, pipeline.write_tables

    def checked(out, parts, old_dir, run_id, win, results, workers=1, changes=None):
        expected.update(_expected(parts, old_dir, run_id, win))
        return real(out, parts, old_dir, run_id, win, results, workers=workers, changes=changes)

    monkeypatch.setattr(pipeline, "write_tables", checked)
    report = run_import([_monthly(first, tmp_path)], data_dir=data_dir, prepare=False)
    assert report["replaced"] > 0
    assert report["stored"] > 0
    generation = store.current_generation_dir(data_dir)
    assert set(expected) == {"contrats", "titulaires", "modifications", "actes_sous_traitance", "versions"}
    for table, frame in expected.items():
        written = tables.scan(generation, table).collect()
        assert written.columns == frame.columns, table
        assert written.schema == frame.schema, table
        assert written.height == frame.height, table
        assert _sorted(written).equals(_sorted(frame)), table
    assert min(expected[t].height for t in ("contrats", "titulaires", "versions")) > 0
    written = tables.parts(generation, "contrats").files[-1]  # the whole file, or the delta part
    assert (written.name == "contrats.delta.parquet") is (share > 1)
    assert pq.ParquetFile(written).num_row_groups > 1  # the sink's row group size is used


def test_a_first_import_writes_the_tables_recomputed_in_memory_without_chunk_files(
    data_dir, registry, tmp_path, monkeypatch
):
    """A first import joins each staged part as its table's sink takes it: no chunk file is written, and the tables
    hold the rows computed in memory from the same parts, several parts included."""
    from pilote.decp import ingest

    monkeypatch.setattr(ingest, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr("pilote.decp.readers.json_reader.BATCH_LINES", 200)  # several staged parts
    monkeypatch.setattr(table_sink, "ROW_GROUP_SIZE", 211)

    def no_chunk(*args, **kwargs):
        raise AssertionError("chunk file written by a first import")

    monkeypatch.setattr(write_tables, "new_part_chunks", no_chunk)
    expected, parts_seen, real = {}, [], pipeline.write_tables

    def checked(out, parts, old_dir, run_id, win, results, workers=1, changes=None):
        assert old_dir is None
        parts_seen.extend(sorted((parts / "contrats").glob("*.parquet")))
        expected.update(_expected(parts, old_dir, run_id, win))
        return real(out, parts, old_dir, run_id, win, results, workers=workers, changes=changes)

    monkeypatch.setattr(pipeline, "write_tables", checked)
    first = synth.write(tmp_path / "stock.json", count=1500, seed=5)
    run_import([first], data_dir=data_dir, prepare=False, workers=2)
    assert len(parts_seen) > 1
    generation = store.current_generation_dir(data_dir)
    assert not (generation / "_chunks").exists()
    assert set(expected) == {"contrats", "titulaires", "modifications", "actes_sous_traitance", "versions"}
    for table, frame in expected.items():
        written = tables.scan(generation, table).collect()
        assert written.schema == frame.schema, table
        assert _sorted(written).equals(_sorted(frame)), table
    assert min(expected[t].height for t in ("contrats", "titulaires", "versions")) > 0
