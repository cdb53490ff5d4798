"""Store: public read helpers, verification before the swap, one import at a time."""

import polars as pl
import pytest

from pilote.decp import store
from pilote.decp.errors import ImportBusy, ImportFailed
from pilote.decp.importer import run_import
from tests.decp.conftest import LOCAL, snapshot


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"


def test_read_helpers_before_and_after_import(data_dir, settings):
    assert store.current_manifest() is None
    assert store.current_generation_dir() is None
    report = run_import([GOOD])  # data_dir defaults to settings.PILOTE_DATA_DIR
    gen = store.current_generation_dir()
    assert gen == data_dir / "decp" / "generations" / report["generation"]
    manifest = store.current_manifest()
    assert manifest["generation"] == report["generation"]
    assert manifest["pipeline_version"] == store.PIPELINE_VERSION
    assert set(manifest["counts"]) == set(store.TABLES)
    assert store.current_manifest(data_dir) == manifest
    assert (data_dir / "decp" / "CURRENT").read_text().strip() == report["generation"]


def test_failed_verification_leaves_store_untouched(data_dir, monkeypatch):
    run_import([GOOD], data_dir=data_dir)
    before = snapshot(data_dir)

    def broken(tmp_dir):
        raise ImportFailed("vérification de la génération : test")

    monkeypatch.setattr(store, "verify", broken)
    with pytest.raises(ImportFailed, match="vérification"):
        run_import([LOCAL / "ci_raw_marches.json"], data_dir=data_dir)
    assert snapshot(data_dir) == before
    assert not list((data_dir / "decp" / "generations").glob(".tmp-*"))


def test_verify_counts_what_is_on_disk_and_requires_every_table(data_dir):
    run_import([GOOD], data_dir=data_dir)
    gen = store.current_generation_dir(data_dir)
    assert store.verify(gen) == store.current_manifest(data_dir)["counts"]
    assert store.verify(gen)["contrats"] == 5
    (gen / "versions.parquet").unlink()
    with pytest.raises(ImportFailed, match="table versions absente"):
        store.verify(gen)


def test_verify_detects_an_unreadable_table_and_duplicate_contracts(data_dir):
    run_import([GOOD], data_dir=data_dir)
    gen = store.current_generation_dir(data_dir)
    contrats = pl.read_parquet(gen / "contrats.parquet")
    (gen / "titulaires.parquet").write_bytes(b"PAR1 pas du parquet")
    with pytest.raises(ImportFailed, match="table titulaires illisible"):
        store.verify(gen)
    (gen / "titulaires.parquet").unlink()
    pl.DataFrame(schema={"contrat_uid": pl.String}).write_parquet(gen / "titulaires.parquet")
    pl.concat([contrats, contrats.head(1)]).write_parquet(gen / "contrats.parquet")
    with pytest.raises(ImportFailed, match="identifiants de contrat en double"):
        store.verify(gen)


def test_one_import_at_a_time(data_dir):
    with store.import_lock(data_dir), pytest.raises(ImportBusy, match="un autre import"):
        run_import([GOOD], data_dir=data_dir)


def test_rejected_records_downloadable_as_csv(data_dir, tmp_path):
    from pilote.decp.export import export_rejets

    path = tmp_path / "mixte.json"
    path.write_bytes(b'{"marches": {"marche": [\n{"objet": "sans identifiant"},\n[1, 2]\n]}}\n')
    report = run_import([path], data_dir=data_dir)
    assert report["rejected"] == 2
    out = tmp_path / "rejets.csv"
    assert export_rejets(out, import_run=report["import_run"], data_dir=data_dir) == 2
    rows = pl.read_csv(out)
    assert rows["message"][0].startswith("Fichier « mixte.json », enregistrement n° 0")
    assert export_rejets(tmp_path / "none.csv", import_run="autre", data_dir=data_dir) == 0


def test_leftovers_of_a_killed_import_are_removed(data_dir):
    stale = data_dir / "decp" / "tmp" / "20200101T000000-dead" / "parts"
    stale.mkdir(parents=True)
    half = data_dir / "decp" / "generations" / ".tmp-20200101T000000-dead"
    half.mkdir(parents=True)
    run_import([GOOD], data_dir=data_dir)
    assert not stale.exists()
    assert not half.exists()


def test_previous_generation_goes_before_a_new_one_is_written(data_dir, monkeypatch):
    """Published generations: the current one and, until the next import writes, the previous one (a fallback
    for readers still on it). An import that writes removes it first: two generations on disk at its peak, not
    three; a file already imported (nothing to write) removes nothing."""
    first = run_import([GOOD], data_dir=data_dir)["generation"]
    second = run_import([LOCAL / "ci_raw_marches.json"], data_dir=data_dir)["generation"]
    generations = data_dir / "decp" / "generations"
    assert {p.name for p in generations.iterdir()} == {first, second}
    run_import([GOOD], data_dir=data_dir)  # nothing new: no generation written, none removed
    assert {p.name for p in generations.iterdir()} == {first, second}
    seen = []
    new_generation_dir = store.new_generation_dir
    monkeypatch.setattr(
        store,
        "new_generation_dir",
        lambda *args: seen.append({p.name for p in generations.iterdir()}) or new_generation_dir(*args),
    )
    third = run_import([LOCAL / "decp_test_2019.json"], data_dir=data_dir)["generation"]
    assert seen == [{second}]
    assert {p.name for p in generations.iterdir()} == {second, third}


def test_clone_file_copies_the_bytes_and_falls_back_where_the_system_call_is_refused(tmp_path, monkeypatch):
    """clone_file shares blocks where the file system can (XFS, Btrfs); here it must at least copy exactly, and
    copy as well when copy_file_range is refused or stops short (a file system that cannot)."""
    source = tmp_path / "prepare.duckdb"
    payload = bytes(range(256)) * 40_000  # 10 MB: several calls of copy_file_range may be needed
    source.write_bytes(payload)
    store.clone_file(source, tmp_path / "clone")
    assert (tmp_path / "clone").read_bytes() == payload

    def refused(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(store.os, "copy_file_range", refused)
    store.clone_file(source, tmp_path / "refused")
    assert (tmp_path / "refused").read_bytes() == payload
    monkeypatch.setattr(store.os, "copy_file_range", lambda *args: 0)
    (tmp_path / "short").write_bytes(b"an older, longer content " * 1_000_000)
    store.clone_file(source, tmp_path / "short")
    assert (tmp_path / "short").read_bytes() == payload
