"""Incremental identity (decision 0021): a new file's copies recompute only the identity partitions they touch,
and the store it gives equals a full rebuild (`decp rebuild`)."""

import datetime
import json
import random
import shutil

import polars as pl
import pytest
from django.core.management import call_command

from pilote.decp import hooks, store, tables
from pilote.decp.demo import synth
from pilote.decp.errors import ImportFailed
from pilote.decp.identity import IDENTIFIED, KEY_COLUMNS, assign_identity, assign_identity_touched
from pilote.decp.pipeline import run_import, run_rebuild
from pilote.decp.steps import delta_tables


D = datetime.date
VALID = ["21350238800019", "55204599900869"]  # Luhn-valid SIRETs
TYPO = "21350238800018"  # the first one mistyped


def _copies(rows, run):
    schema = {
        "record_key": pl.Int64,
        "type_contrat": pl.String,
        "cle_acheteur": pl.String,
        "cle_id": pl.String,
        "cle_date_notification": pl.Date,
        "date_derniere_publication": pl.Date,
        "cle_montant": pl.Float64,
        "cle_titulaire": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.lit(run).alias("import_run"),
        pl.lit("src").alias("source"),
        pl.lit(f"{run}.json").alias("fichier"),
        pl.lit(run).alias("fichier_sha256"),
        pl.col("record_key").alias("position"),
        pl.lit("marche").alias("tableau"),
        pl.lit("decp-2022-json").alias("format"),
        pl.lit(0, pl.Int32).alias("nb_modifications"),
        pl.lit(False).alias("montant_inutilisable"),
        pl.lit(None, pl.String).alias("cle_lot"),
        pl.lit("national").alias("provenance"),
    ).select(*KEY_COLUMNS, "provenance")


def _stored(old):
    """The `copies` table a first import writes (what the next import reads back)."""
    return assign_identity(old.lazy()).collect().select(*KEY_COLUMNS, *IDENTIFIED)


def _same(new, stored):
    """The incremental result and the full path's (identity over the new copies + the stored key columns)."""
    inc = assign_identity_touched(new.lazy(), stored.lazy()).collect()
    full = assign_identity(pl.concat([new, stored.select(new.columns)], how="diagonal_relaxed").lazy()).collect()
    key = ["import_run", "record_key"]
    return inc.sort(key), full.select(inc.columns).sort(key)


def test_a_new_spelling_a_mistyped_buyer_and_an_undated_copy_join_stored_contracts():
    old = _copies(
        [
            (1, "marche", VALID[0], "2024-015", D(2024, 3, 1), D(2024, 3, 10), 1000.0, "T1"),
            (2, "marche", VALID[0], "2024-015", D(2024, 3, 1), D(2024, 3, 12), 1000.0, "T1"),
            (3, "marche", VALID[1], "B7", D(2024, 5, 1), D(2024, 5, 2), 50.0, "T2"),
            (4, "concession", VALID[1], "C1", D(2023, 1, 1), D(2023, 1, 5), 9.0, "T3"),
            (5, "marche", VALID[0], "untouched", D(2022, 1, 1), D(2022, 1, 5), 9.0, "T4"),
        ],
        "r1",
    )
    new = _copies(
        [
            (1, "marche", VALID[0], "2024-015-LOT01", D(2024, 3, 1), D(2024, 6, 1), 1000.0, "T1"),  # spelling
            (2, "marche", TYPO, "B7", D(2024, 5, 1), D(2024, 7, 1), 50.0, "T2"),  # mistyped buyer, later
            (3, "marche", VALID[0], "2024-015", None, D(2024, 8, 1), None, None),  # undated republication
            (4, "marche", VALID[1], "C1", D(2023, 1, 1), D(2023, 2, 1), 9.0, "T3"),  # a marché, not the concession
            (5, "marche", VALID[1], "NEW", D(2025, 1, 1), D(2025, 1, 2), 3.0, "T5"),
        ],
        "r2",
    )
    inc, full = _same(new, _stored(old))
    assert inc.equals(full)
    by_key = {(r["import_run"], r["record_key"]): r for r in inc.iter_rows(named=True)}
    assert by_key["r2", 1]["contrat_uid"] == by_key["r1", 1]["contrat_uid"]
    assert by_key["r2", 2]["contrat_uid"] == f"m|{VALID[1]}|B7|2024-05-01"
    assert by_key["r2", 2]["retenue"]
    # the undated copy joins its contract's single date, and never overrides a dated copy
    assert by_key["r2", 3]["contrat_uid"] == f"m|{VALID[0]}|2024-015|2024-03-01"
    assert not by_key["r2", 3]["retenue"]
    assert by_key["r2", 4]["contrat_uid"] != by_key["r1", 4]["contrat_uid"]
    assert inc.filter(pl.col("retenue")).height == 6  # 2024-015, B7, concession C1, marché C1, untouched, NEW


@pytest.mark.parametrize("seed", range(6))
def test_incremental_identity_equals_the_full_path_on_random_stores(seed):
    """Random copies from small pools (ids in several spellings, mistyped buyers, missing dates, both types):
    whatever is split into a stored part and a new file, the touched partitions give the full result."""
    rng = random.Random(seed)
    ids = ["A1", "a1", "A/1", "A1-LOT02", "B2", "b2", "C3", "D4/x", "D4X"]
    buyers = [*VALID, TYPO]
    dates = [D(2024, 1, 1), D(2024, 2, 1), None]

    def row(n):
        return (
            n,
            rng.choice(["marche", "marche", "concession"]),
            rng.choice(buyers),
            rng.choice(ids),
            rng.choice(dates),
            D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(400)),
            rng.choice([100.0, 100.2, 5000.0, None]),
            rng.choice(["T1", "T2", None]),
        )

    old = _copies([row(n) for n in range(120)], "r1")
    new = _copies([row(n) for n in range(25)], "r2")
    inc, full = _same(new, _stored(old))
    assert inc.equals(full)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(hooks, "_PREPARERS", {})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    return hooks


def _monthly(first, tmp_path, seed=7):
    """A second file: republications of some contracts of the first (later publication, an amount changed, an id
    re-spelled with a lot suffix or in lower case, an undated copy), and contracts of its own."""
    records = json.loads(first.read_bytes())["marches"]["marche"]
    rng = random.Random(seed)
    out = []
    for n, rec in enumerate(rng.sample(records, 150)):
        rec = dict(rec, datePublicationDonnees="2026-11-20")
        if n % 5 == 1:
            rec["id"] = rec["id"] + "-LOT01"
        elif n % 5 == 2:
            rec["id"] = rec["id"].lower()
        elif n % 5 == 3:
            rec.pop("dateNotification")
        elif n % 5 == 4:
            rec["montant"] = float(rec["montant"]) * 1.5
        out.append(rec)
    fresh = json.loads(synth.generate(200, seed=92 + seed))["marches"]["marche"]
    path = tmp_path / f"mensuel-{seed}.json"
    path.write_text(json.dumps({"marches": {"marche": out + fresh, "contrat-concession": []}}), encoding="utf-8")
    return path


def _table(data_dir, table):
    frame = tables.scan(store.current_generation_dir(data_dir), table).collect()
    frame = frame.select(sorted(frame.columns))  # content modulo row and column order
    scalar = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(scalar, nulls_last=True)


@pytest.mark.parametrize("merge_on_read", [True, False], ids=["parts", "whole"])
def test_monthly_import_then_rebuild_gives_the_same_store(data_dir, registry, tmp_path, monkeypatch, merge_on_read):
    """Written merge-on-read (main parts shared, a delta and a mask: forced here, the file is a third of the
    stock) or whole (the delta would pass its share of the main part), the store equals a rebuild."""
    monkeypatch.setattr(delta_tables, "MAX_SHARE", 10.0 if merge_on_read else 0.01)
    first = synth.write(tmp_path / "stock.json", count=1500, seed=5)
    run_import([first], data_dir=data_dir, prepare=False)
    base = store.current_generation_dir(data_dir)
    report = run_import([_monthly(first, tmp_path)], data_dir=data_dir, prepare=False)
    assert report["replaced"] > 0  # the file touches stored contracts…
    assert report["stored"] > 0  # …and adds some
    new = store.current_generation_dir(data_dir)
    for table in tables.MERGED_TABLES:
        parts = tables.parts(new, table)
        shared = parts.main.stat().st_ino == tables.main_path(base, table).stat().st_ino
        assert shared is merge_on_read, table
        assert (parts.delta is not None) is merge_on_read, table
    assert tables.mask_path(new).exists() is merge_on_read
    assert tables.mask_path(new, "copies").exists() is merge_on_read
    names = ("contrats", "copies", "versions", "titulaires", "modifications", "actes_sous_traitance")
    incremental = {t: _table(data_dir, t) for t in names}
    call_command("decp", "rebuild", "--sans-preparations")
    rebuilt = {t: _table(data_dir, t) for t in incremental}
    for table, frame in incremental.items():
        assert frame.height == rebuilt[table].height, table
        assert frame.schema == rebuilt[table].schema, table
        assert frame.equals(rebuilt[table]), table
    manifest = store.current_manifest(data_dir)
    assert len(manifest["inputs"]) == 2
    assert manifest["previous"] is not None


def _tables(data_dir):
    names = ("contrats", "copies", "versions", "titulaires", "modifications", "actes_sous_traitance")
    return {t: _table(data_dir, t) for t in names}


def _assert_same(one, other):
    for table, frame in one.items():
        assert frame.schema == other[table].schema, table
        assert frame.equals(other[table]), table


def test_two_monthly_files_on_parts_then_a_compaction_give_the_rebuilt_store(
    data_dir, registry, tmp_path, monkeypatch
):
    """A delta written on a delta (the second file changes contracts of the first's delta and of the main part),
    then a third file past MAX_SHARE: a whole write read from parts (a new main part, no delta, no mask). Each
    store equals a rebuild of its copies."""
    first = synth.write(tmp_path / "stock.json", count=1500, seed=5)
    run_import([first], data_dir=data_dir, prepare=False)
    monkeypatch.setattr(delta_tables, "MAX_SHARE", 10.0)
    run_import([_monthly(first, tmp_path, seed=7)], data_dir=data_dir, prepare=False)
    second = run_import([_monthly(first, tmp_path, seed=8)], data_dir=data_dir, prepare=False)
    assert second["changements"]["modifie"] > 0
    gen = store.current_generation_dir(data_dir)
    assert tables.parts(gen, "contrats").delta is not None
    assert tables.masked_uids(gen).len() > second["changements"]["modifie"]  # the first file's mask is kept
    on_parts = _tables(data_dir)
    copy = tmp_path / "copie"
    shutil.copytree(data_dir, copy)
    run_rebuild(data_dir=copy, prepare=False)
    _assert_same(on_parts, _tables(copy))

    monkeypatch.setattr(delta_tables, "MAX_SHARE", 0.01)
    run_import([_monthly(first, tmp_path, seed=9)], data_dir=data_dir, prepare=False)
    compacted = store.current_generation_dir(data_dir)
    assert tables.parts(compacted, "contrats") == tables.Parts(tables.main_path(compacted, "contrats"))
    whole = _tables(data_dir)
    run_rebuild(data_dir=data_dir, prepare=False)
    _assert_same(whole, _tables(data_dir))


def test_rebuild_without_data_is_refused(data_dir, registry):
    with pytest.raises(ImportFailed, match="aucune génération DECP à reconstruire"):
        run_rebuild(data_dir=data_dir)


def _rows_by_contract(generation_dir):
    """Every row of every table keyed by contract, serialised and grouped by contrat_uid (what an artefact of the
    generation can derive from)."""
    per_uid = {}
    for table in ("contrats", "titulaires", "modifications", "actes_sous_traitance", "versions"):
        frame = tables.scan(generation_dir, table).collect()
        for row in frame.iter_rows(named=True):
            text = json.dumps({k: row[k] for k in sorted(row)}, default=str, sort_keys=True)
            per_uid.setdefault(row["contrat_uid"], []).append(f"{table}:{text}")
    return {uid: sorted(rows) for uid, rows in per_uid.items()}


@pytest.mark.parametrize("share", [10.0, 0.01], ids=["parts", "whole"])
def test_an_import_lists_exactly_the_contracts_whose_rows_changed(data_dir, registry, tmp_path, monkeypatch, share):
    monkeypatch.setattr(delta_tables, "MAX_SHARE", share)
    seen = {}
    registry.register_preparer("témoin", lambda generation_dir: seen.update(changes=store.changes(generation_dir)))
    first = synth.write(tmp_path / "stock.json", count=1500, seed=5)
    run_import([first], data_dir=data_dir)
    assert seen["changes"] is None  # a first import: every artefact is built whole
    base = store.current_generation_dir(data_dir)
    report = run_import([_monthly(first, tmp_path)], data_dir=data_dir)
    changes = seen["changes"]
    assert changes.base_dir == base  # the published generation the import was built on
    new = store.current_generation_dir(data_dir)
    before, after = _rows_by_contract(base), _rows_by_contract(new)
    truth = {
        **dict.fromkeys(after.keys() - before.keys(), store.ADDED),
        **dict.fromkeys(before.keys() - after.keys(), store.REMOVED),
        **{uid: store.CHANGED for uid in after.keys() & before.keys() if after[uid] != before[uid]},
    }
    assert dict(changes.frame.iter_rows()) == truth
    assert {store.ADDED, store.CHANGED} <= set(truth.values())  # the file adds and changes (removed: below)
    assert set(changes.gone()) == {u for u, e in truth.items() if e != store.ADDED}
    assert set(changes.fresh()) == {u for u, e in truth.items() if e != store.REMOVED}
    assert report["changements"] == {
        e: list(truth.values()).count(e) for e in (store.ADDED, store.CHANGED, store.REMOVED)
    }
    call_command("decp", "rebuild")
    assert seen["changes"] is None  # a rebuild builds every artefact whole


def _contrats(path, rows):
    path.mkdir()
    schema = {"contrat_uid": pl.String, "import_run": pl.String, "record_key": pl.Int64, "nb_copies": pl.Int32}
    frame = pl.DataFrame([r[:4] for r in rows], schema=schema, orient="row")
    frame = frame.with_columns(pl.Series("qualite", [r[4] for r in rows], dtype=pl.List(pl.String)), objet=pl.lit("x"))
    frame.write_parquet(path / "contrats.parquet")
    return path


def test_changes_compare_the_retained_copy_the_copy_count_and_the_quality_codes(tmp_path):
    base = _contrats(
        tmp_path / "g1",
        [
            ("same", "r1", 1, 1, ["a", "b"]),
            ("codes", "r1", 2, 1, []),
            ("copy", "r1", 3, 1, None),
            ("count", "r1", 4, 1, None),
            ("merged", "r1", 5, 1, None),
        ],
    )
    new = _contrats(
        tmp_path / "g2",
        [
            ("same", "r1", 1, 1, ["a", "b"]),
            ("codes", "r1", 2, 1, ["montant_atypique"]),
            ("copy", "r2", 7, 2, None),
            ("count", "r1", 4, 2, None),
            ("new", "r2", 8, 1, None),
        ],
    )
    store.write_changes(new, base)
    assert json.loads((new / store.CHANGES_META).read_text()) == {"base": "g1", "ajoute": 1, "modifie": 3, "retire": 1}
    (base / "manifest.json").write_text("{}")
    changes = store.changes(new)
    assert dict(changes.frame.iter_rows()) == {
        "codes": "modifie", "copy": "modifie", "count": "modifie", "merged": "retire", "new": "ajoute"
    }  # fmt: skip
    assert sorted(changes.gone()) == ["codes", "copy", "count", "merged"]
    assert sorted(changes.fresh()) == ["codes", "copy", "count", "new"]
    (base / "manifest.json").unlink()  # the base generation is gone: the artefacts are built whole
    assert store.changes(new) is None
