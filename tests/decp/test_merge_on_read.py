"""Merge-on-read tables (pilote.decp.tables, decision 0021 point 4): every reader of a generation written as main
parts + delta + mask sees the rows a whole write of the same copies holds — Polars scans, slices, positional
reads, DuckDB views, the buyers file and the export."""

import shutil

import polars as pl
import pytest

from pilote.contracts import buyers, db
from pilote.decp import export, store, tables
from pilote.decp.demo import synth
from pilote.decp.pipeline import run_import, run_rebuild
from pilote.decp.steps import delta_tables
from tests.decp.conftest import without_hooks
from tests.decp.test_incremental import _monthly


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.select(sorted(frame.columns))
    scalar = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(scalar, nulls_last=True)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """(generation on parts, the same copies rebuilt whole) — a stock, then two monthly-like files on parts."""
    base = tmp_path_factory.mktemp("parts")
    data = base / "data"
    with pytest.MonkeyPatch.context() as patch:
        without_hooks(patch)
        patch.setattr(delta_tables, "MAX_SHARE", 10.0)
        first = synth.write(base / "stock.json", count=1200, seed=3)
        run_import([first], data_dir=data, prepare=False)
        run_import([_monthly(first, base, seed=7)], data_dir=data, prepare=False)
        run_import([_monthly(first, base, seed=8)], data_dir=data, prepare=False)
        parts = store.current_generation_dir(data)
        copy = base / "entier"
        shutil.copytree(data, copy)
        run_rebuild(data_dir=copy, prepare=False)
    whole = store.current_generation_dir(copy)
    for table in tables.MERGED_TABLES:
        assert tables.parts(parts, table).delta is not None, table
        assert tables.parts(whole, table) == tables.Parts(tables.main_path(whole, table)), table
    return parts, whole


@pytest.mark.parametrize("table", tables.MERGED_TABLES)
def test_scans_slices_and_duckdb_views_give_the_rows_of_a_whole_write(stores, table, settings):
    parts, whole = stores
    expected = _sorted(tables.scan(whole, table).collect())
    # the demo generator writes no modification or subcontracting (tests/analytics/test_prepared_update.py's
    # files do, on parts): their tables are read empty here, with their columns
    assert expected.height > 0 or table in ("modifications", "actes_sous_traitance")
    assert _sorted(tables.scan(parts, table).collect()).equals(expected)
    sliced = list(tables.slices(parts, table, 500)) or [expected.clear()]
    assert _sorted(pl.concat(sliced)).equals(expected)
    assert tables.row_count(parts, table) == expected.height
    settings.PILOTE_DATA_DIR = parts.parents[2]  # the read layer's views (pilote.contracts.sources)
    from_duckdb = pl.DataFrame(db.fetch_all(f"SELECT * FROM {table}"), schema=expected.schema, orient="row")
    assert _sorted(from_duckdb).equals(expected)


def test_the_mask_hides_the_superseded_main_rows_only(stores):
    parts, _whole = stores
    masked = set(tables.masked_uids(parts))
    main = pl.read_parquet(tables.main_path(parts, "contrats"))
    delta = pl.read_parquet(tables.delta_path(parts, "contrats"))
    assert masked & set(main["contrat_uid"])  # some main rows are superseded…
    assert masked & set(delta["contrat_uid"])  # …by delta rows of the same contracts
    seen = tables.scan(parts, "contrats").collect()["contrat_uid"]
    assert seen.is_unique().all()
    assert set(seen) == set(main["contrat_uid"]) - masked | set(delta["contrat_uid"])


def test_a_row_is_read_back_at_the_position_the_scan_gives_it(stores):
    parts, _whole = stores
    frame = tables.scan(parts, "contrats", row_index="src_row").collect()
    main_rows = pl.scan_parquet(tables.main_path(parts, "contrats")).select(pl.len()).collect().item()
    assert frame["src_row"].max() >= main_rows  # delta rows are numbered after every main row, masked ones too
    for row in frame.sample(40, seed=1).iter_rows(named=True):
        position = row.pop("src_row")
        assert tables.read_row(parts, "contrats", position) == row
    assert tables.read_row(parts, "contrats", frame["src_row"].max() + 1) is None


def test_the_buyers_file_and_the_export_read_the_parts(stores, settings):
    parts, whole = stores
    assert buyers.buyers_frame(parts).sort("siret").equals(buyers.buyers_frame(whole).sort("siret"))
    settings.PILOTE_DATA_DIR = parts.parents[2]
    exported = export.contrats_query().collect()
    assert _sorted(exported).equals(_sorted(tables.scan(whole, "contrats").collect().select(exported.columns)))
