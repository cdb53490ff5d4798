"""The cockpit's prepared file of an import that says which contracts it changed is the previous generation's file
updated for them (pilote.contracts.prepared_update), and holds the same rows as the file written whole for the
same generation, in every table; it is written whole when it cannot be updated."""

import copy
import itertools
import json
import shutil

import polars as pl
import pytest

from pilote.contracts import db as duck, per_buyer, prepared, prepared_update
from pilote.decp import store, tables
from pilote.decp.demo import synth
from pilote.decp.pipeline import run_import
from pilote.decp.steps import delta_tables


def _with_modification(record, factor):
    record["modifications"] = [
        {
            "modification": {
                "id": "1",
                "montant": round(float(record["montant"]) * factor, 2),
                "dureeMois": 24,
                "dateNotificationModification": "2025-01-15",
                "datePublicationDonneesModification": "2025-01-20",
            }
        }
    ]
    return record


def _write(path, records):
    path.write_text(json.dumps({"marches": {"marche": records, "contrat-concession": []}}), encoding="utf-8")
    return str(path)


def _files(tmp_path):
    """A stock (some contracts with a modification) and a monthly file adding contracts and republishing stored
    ones: another amount, another spelling of the id, no date, a modification, a lot suffix (a new contract)."""
    records = json.loads(synth.generate(1800, seed=5))["marches"]["marche"]
    stock = [_with_modification(r, 1.4) if n % 7 == 0 else r for n, r in enumerate(records[:1500])]
    monthly = records[1500:]
    for n, record in enumerate(copy.deepcopy(stock[:150])):
        if n % 5 == 0:
            record["montant"] = float(record["montant"]) * 1.5
        elif n % 5 == 1:
            record["id"] = record["id"].lower()
        elif n % 5 == 2:
            record.pop("dateNotification")
        elif n % 5 == 3:
            _with_modification(record, 2.0)
        else:
            record["id"] += "-LOT01"
        monthly.append(record)
    return _write(tmp_path / "stock.json", stock), _write(tmp_path / "mensuel.json", monthly)


def _meta(path) -> dict:
    return {r["cle"]: r["valeur"] for r in duck.read_prepared(path, f"SELECT * FROM prepare.{prepared_update.META}")}


def _normalised(rows):
    """Rows in a fixed order, each as (exact part, floats): lists sorted (the amounts of a group are listed in
    the order they were read), floats apart (sums added up in another order)."""
    out = []
    for row in rows:
        exact = tuple(
            (k, tuple(sorted(v, key=repr)) if isinstance(v, list) else v)
            for k, v in sorted(row.items())
            if not isinstance(v, float)
        )
        floats = tuple((k, v) for k, v in sorted(row.items()) if isinstance(v, float))
        out.append((repr(exact), floats))
    return sorted(out, key=lambda r: (r[0], [v for _k, v in r[1]]))


def _tables(path) -> dict:
    names = duck.read_prepared(path, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'prepare'")
    tables = sorted(r["table_name"] for r in names if r["table_name"] != prepared_update.META)
    return {name: _normalised(duck.read_prepared(path, f"SELECT * FROM prepare.{name}")) for name in tables}


def _assert_same_tables(updated, whole):
    a, b = _tables(updated), _tables(whole)
    assert sorted(a) == sorted(b)
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for (exact_a, floats_a), (exact_b, floats_b) in zip(a[name], b[name], strict=True):
            assert exact_a == exact_b, name
            assert [k for k, _v in floats_a] == [k for k, _v in floats_b], name
            assert [v for _k, v in floats_a] == pytest.approx([v for _k, v in floats_b], rel=1e-9, nan_ok=True), name


def _whole_copy(generation_dir, tmp_path, monkeypatch):
    """The file written whole for the same generation, in a copy of it (the generation's own file is kept)."""
    other = tmp_path / "entier" / generation_dir.name
    shutil.copytree(generation_dir, other)
    with monkeypatch.context() as m:
        m.setattr(store, "changes", lambda _dir: None)
        prepared.write_prepared_file(other)
    return other / duck.PREPARED_DB


@pytest.fixture
def imported(settings, tmp_path, monkeypatch):
    """The stock imported (its file written whole), then the monthly file (its file updated): (base, new). The
    monthly file's tables are written merge-on-read (a main part shared, a delta, a mask: forced, the file is
    large for the stock), so the file is prepared from parts."""
    monkeypatch.setattr(delta_tables, "MAX_SHARE", 10.0)
    monkeypatch.setattr(prepared_update, "MAX_CHANGED_SHARE", 1.0)
    monkeypatch.setattr(prepared_update, "MAX_APPENDED_SHARE", 1.0)
    stock, monthly = _files(tmp_path)
    run_import([stock], data_dir=settings.PILOTE_DATA_DIR)
    base = store.current_generation_dir()
    run_import([monthly], data_dir=settings.PILOTE_DATA_DIR)
    new = store.current_generation_dir()
    assert tables.parts(new, "contrats").delta is not None
    return base, new


def test_an_import_updates_the_previous_file_into_the_whole_file(imported, tmp_path, monkeypatch):
    base, new = imported
    assert _meta(base / duck.PREPARED_DB)["lignes_ajoutees"] == "0"  # the stock's: written whole
    changes = store.changes(new).frame
    states = dict(changes.group_by("etat").len().iter_rows())
    assert states["ajoute"] >= 300, states
    assert states["modifie"] > 50, states
    updated = new / duck.PREPARED_DB
    assert int(_meta(updated)["lignes_ajoutees"]) == len(store.changes(new).fresh())  # updated, not rewritten
    _assert_same_tables(updated, _whole_copy(new, tmp_path, monkeypatch))


def test_a_whole_write_in_passes_over_buyers_gives_the_file_of_one_pass(imported, tmp_path, monkeypatch):
    """The per-buyer monthly cube of a whole write is computed over ranges of buyers, one after the other: with
    ranges of 100 contracts the file holds the rows one pass gives, still sorted by buyer."""
    base, _new = imported
    monkeypatch.setattr(prepared, "PASS_CONTRACTS", 100)
    path = base / duck.PREPARED_DB
    passes = duck.read_prepared(path, prepared.pass_bounds().replace("{prepared}.", "prepare."))
    assert len(passes) >= 10
    assert passes[0]["de"] is None
    assert passes[-1]["a"] is None
    assert all(a["a"] == b["de"] for a, b in itertools.pairwise(passes))
    in_passes = _whole_copy(base, tmp_path / "passes", monkeypatch)
    monkeypatch.setattr(prepared, "PASS_CONTRACTS", 10**9)
    _assert_same_tables(in_passes, _whole_copy(base, tmp_path / "une", monkeypatch))
    order = duck.read_prepared(
        in_passes,
        f"SELECT count(*) AS n FROM (SELECT acheteur_id < lag(acheteur_id) OVER (ORDER BY rowid) AS back "
        f"FROM prepare.{per_buyer.CUBE}) WHERE back",
    )
    assert order == [{"n": 0}]


def test_removed_contracts_leave_the_file_and_their_groups(imported, tmp_path, monkeypatch):
    """A generation without some contracts of the previous one (merged into another spelling, or withdrawn)."""
    _base, new = imported
    removed = tables.scan(new, "contrats").collect()["contrat_uid"].sort().gather_every(9).to_list()
    following = new.parent / "suivante"
    following.mkdir()
    for table in ("contrats", "titulaires", "modifications", "actes_sous_traitance", "versions", "copies"):
        frame = tables.scan(new, table).collect()
        if "contrat_uid" in frame.columns:
            frame = frame.filter(~pl.col("contrat_uid").is_in(removed))
        frame.write_parquet(following / f"{table}.parquet")
    pl.DataFrame({"contrat_uid": removed, "etat": store.REMOVED}).write_parquet(following / store.CHANGES)
    (following / store.CHANGES_META).write_text(json.dumps({"base": new.name}), encoding="utf-8")
    prepared.write_prepared_file(following)
    assert int(_meta(following / duck.PREPARED_DB)["lignes_ajoutees"]) > 0  # updated (the previous file's count)
    _assert_same_tables(following / duck.PREPARED_DB, _whole_copy(following, tmp_path, monkeypatch))


def test_an_update_is_bounded_below_a_whole_write(imported, settings, monkeypatch):
    """An update reads the changed contracts' groups: DuckDB is bounded to PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT there
    (with the whole write's bound it kept what it read until the import passed 1 GB at 1.6 M)."""
    _base, new = imported
    settings.PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT, settings.PILOTE_DUCKDB_BUILD_MEMORY_LIMIT = "300MB", "700MB"
    limits, connect = [], duck._connect
    monkeypatch.setattr(duck, "_connect", lambda limit: limits.append(limit) or connect(limit))
    assert not _prepare_again(new)  # updated from the previous generation's file
    assert "300MB" in limits
    limits.clear()
    monkeypatch.setattr(store, "changes", lambda _dir: None)
    assert _prepare_again(new)  # whole
    assert "700MB" in limits
    assert "300MB" not in limits


def _rewritten(generation_dir) -> bool:
    """Whether the generation's file was written whole (nothing appended since)."""
    return _meta(generation_dir / duck.PREPARED_DB)["lignes_ajoutees"] == "0"


def _prepare_again(generation_dir):
    (generation_dir / duck.PREPARED_DB).unlink()
    prepared.write_prepared_file(generation_dir)
    return _rewritten(generation_dir)


def test_the_file_is_written_whole_when_it_cannot_be_updated(imported, monkeypatch):
    base, new = imported
    assert not _prepare_again(new)  # the case the fallbacks below change
    with monkeypatch.context() as m:
        m.setattr(prepared_update, "MAX_CHANGED_SHARE", 0.05)  # the changes are a large share of the contracts
        assert _prepare_again(new)
    with monkeypatch.context() as m:
        m.setattr(prepared_update, "MAX_APPENDED_SHARE", 0.05)  # the previous file appended too many rows
        assert _prepare_again(new)
    with monkeypatch.context() as m:
        m.setattr(duck, "engine_version", lambda: "0.0.0")  # another DuckDB (its hash() makes the identifiers)
        assert _prepare_again(new)
    with monkeypatch.context() as m:  # other thresholds in force today than when the previous file was written
        m.setattr(prepared_update, "thresholds_on", lambda day: f"[{day}]")
        assert _prepare_again(new)
    with monkeypatch.context() as m:  # the update fails (a bug): the import writes the file whole, it does not fail
        m.setattr(prepared_update, "check", lambda: "SELECT no_such_column")
        assert _prepare_again(new)
    saved = base / "saved.duckdb"
    (base / duck.PREPARED_DB).rename(saved)  # no previous file
    assert _prepare_again(new)
    saved.rename(base / duck.PREPARED_DB)
    assert not _prepare_again(new)


def test_changes_that_miss_a_contract_give_the_whole_file(imported, tmp_path, monkeypatch):
    """The updated copy is checked against the generation (one row per contract): changes that forget an added
    contract are refused, and the file is written whole."""
    _base, new = imported
    frame = pl.read_parquet(new / store.CHANGES)
    added = frame.filter(pl.col("etat") == store.ADDED)["contrat_uid"][0]
    frame.filter(pl.col("contrat_uid") != added).write_parquet(new / store.CHANGES)
    assert _prepare_again(new)
    assert not (new / f"{duck.PREPARED_DB}.tmp").exists()
    _assert_same_tables(new / duck.PREPARED_DB, _whole_copy(new, tmp_path, monkeypatch))


def test_every_prepared_table_has_a_way_to_be_updated(tmp_path):
    names = {name for name, _select, _index in prepared.aggregates()}
    kinds = set(prepared_update.GROUPED) | set(prepared_update.PER_CONTRACT) | set(prepared_update.GLOBAL)
    assert set(prepared_update.ADDITIVE) <= set(prepared_update.GROUPED)
    assert names == kinds


def test_the_copy_made_ahead_is_updated_instead_of_a_new_copy(imported, tmp_path, monkeypatch):
    """db.copy_ahead: the previous file copied while the import reads; the update takes that copy (moved into the
    generation), and copies the file itself when the copy is not of that file."""
    base, new = imported
    copied, other = duck.copy_ahead(base, tmp_path / "avance"), duck.copy_ahead(base, tmp_path / "autre")
    (new / duck.PREPARED_DB).unlink()
    clones = []
    clone = store.clone_file
    monkeypatch.setattr(store, "clone_file", lambda a, b: clones.append(a) or clone(a, b))
    prepared.write_prepared_file(new, ahead=copied)
    assert clones == []
    assert not copied.path.exists()  # moved into the generation
    assert not _rewritten(new)
    _assert_same_tables(new / duck.PREPARED_DB, _whole_copy(new, tmp_path, monkeypatch))
    stale = duck.AheadCopy(other.base_file, other.path, other.size + 1)  # not the copy of that file as it is
    (new / duck.PREPARED_DB).unlink()
    prepared.write_prepared_file(new, ahead=stale)
    assert clones == [base / duck.PREPARED_DB]
    assert not _rewritten(new)
    assert duck.copy_ahead(tmp_path / "vide", tmp_path / "rien") is None  # no previous file: nothing ahead


def test_an_aggregate_updated_by_differences_is_the_aggregate_of_the_new_rows(settings, tmp_path):
    """prepared_update._additive on a toy aggregate: previous rows + the added contracts' - the removed ones'.
    A group left without contracts disappears, a sum left without values is NULL (not 0), a group that only
    gains is added to, a new group appears: what the same SELECT gives over the new rows."""
    settings.PILOTE_DATA_DIR = tmp_path
    con = duck._connect("256MB")
    con.execute("ATTACH ':memory:' AS neuf")

    def over(_name, source):
        return f"SELECT g, count(*) AS n, sum(v) AS s, count(v) AS s__valeurs FROM {source} GROUP BY ALL"

    before = [("a", 1.5), ("a", None), ("b", 2.0), ("b", None), ("c", 4.0), (None, 8.0)]
    gone = [("a", 1.5), ("b", 2.0), ("b", None), (None, 8.0)]
    fresh = [("a", None), ("c", 0.25), ("d", 16.0), (None, 32.0)]
    left = list(gone)
    after = [r for r in before if r not in left or left.remove(r)] + fresh  # a multiset difference
    for name, rows in (("avant", before), (prepared_update.GONE_ROWS, gone), (prepared_update.FRESH_ROWS, fresh)):
        con.execute(f"CREATE TABLE {name} (g VARCHAR, v DOUBLE)")
        con.executemany(f"INSERT INTO {name} VALUES (?, ?)", rows)
    con.execute(f"CREATE TABLE neuf.t AS {over('t', 'avant')}")
    columns = [("n", "count"), ("s", "sum"), ("s__valeurs", "count")]
    duck._run(con, prepared_update._additive("t", ("g",), columns, over))
    con.execute("CREATE TABLE apres (g VARCHAR, v DOUBLE)")
    con.executemany("INSERT INTO apres VALUES (?, ?)", after)
    updated = con.execute("SELECT * FROM neuf.t ORDER BY g NULLS FIRST").fetchall()
    assert updated == con.execute(f"{over('t', 'apres')} ORDER BY g NULLS FIRST").fetchall()
    assert updated == [(None, 1, 32.0, 1), ("a", 2, None, 0), ("c", 2, 4.25, 2), ("d", 1, 16.0, 1)]
