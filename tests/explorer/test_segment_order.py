"""The segment file of an updated index (segments._write_segment_file): each doc's place in the whole build's
order, placed by merging the delta into the main segment (`merged_ranks`), and each doc's row in the new
generation, kept from the base generation while the contracts' main part is shared (`_main_rows`)."""

import random
import shutil
from datetime import date, timedelta

import polars as pl
import pytest

from pilote.contracts.search import build, segments
from pilote.decp import store, tables
from pilote.decp.demo import synth
from pilote.decp.pipeline import run_import
from pilote.decp.steps import delta_tables
from tests.decp.conftest import without_hooks
from tests.decp.test_incremental import _monthly
from tests.explorer.test_segmented_index import _second_monthly, _whole_copy


def _sorted_ranks(main_dates, main_uids, delta_dates, delta_uids) -> list[int]:
    """The reference: both segments' keys sorted together (a stable sort, main docs first on equal keys)."""
    keys = [
        (d is None, -(d.toordinal() if d else 0), u)
        for d, u in zip(main_dates + delta_dates, main_uids + delta_uids, strict=True)
    ]
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    ranks = [0] * len(keys)
    for place, i in enumerate(order):
        ranks[i] = place
    return ranks


def _segment(rng, n, days, uids):
    dates = [None if rng.random() < 0.1 else date(2024, 1, 1) + timedelta(days=rng.randrange(days)) for _ in range(n)]
    names = [rng.choice(uids) for _ in range(n)]
    pairs = sorted(
        zip(dates, names, strict=True), key=lambda p: (p[0] is None, -(p[0].toordinal() if p[0] else 0), p[1])
    )
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.mark.parametrize("seed", range(12))
def test_merged_ranks_equal_a_sort_of_both_segments(seed):
    rng = random.Random(seed)
    uids = [f"u{k:03d}" for k in range(60)]  # few: a delta uid is often a main uid too (a changed contract)
    main_dates, main_uids = _segment(rng, rng.choice([0, 1, 40, 200]), rng.choice([1, 5, 30]), uids)
    delta_dates = [
        None if rng.random() < 0.1 else date(2024, 1, 1) + timedelta(days=rng.randrange(-5, 40))
        for _ in range(rng.choice([0, 1, 7, 50]))
    ]
    delta_uids = [rng.choice(uids) for _ in delta_dates]  # in any order: the function orders them
    main = pl.Series(main_uids, dtype=pl.String)
    got = segments.merged_ranks(
        pl.Series(main_dates, dtype=pl.Date),
        main.gather,
        pl.Series(delta_dates, dtype=pl.Date),
        pl.Series(delta_uids, dtype=pl.String),
    )
    assert got.dtype == pl.UInt32
    assert got.to_list() == _sorted_ranks(main_dates, main_uids, delta_dates, delta_uids)


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """An index built whole while the contracts table had a delta part (the monthly import before it), then
    updated for another month: main docs whose row was in the base's delta part must be found in the new one."""
    base = tmp_path_factory.mktemp("moved")
    data = base / "data"
    with pytest.MonkeyPatch.context() as patch:
        without_hooks(patch)
        patch.setattr(segments, "MAX_SHARE", 0.5)
        patch.setattr(delta_tables, "MAX_SHARE", 10.0)
        first = synth.write(base / "stock.json", count=1500, seed=5)
        run_import([first], data_dir=data, prepare=False)
        (base / "m1").mkdir()
        run_import([_monthly(first, base / "m1")], data_dir=data, prepare=False)
        month = store.current_generation_dir(data)
        assert tables.parts(month, "contrats").delta is not None
        build.build_index(month)
        kept = shutil.copytree(month, base / "month")
        (base / "m2").mkdir()
        run_import([_second_monthly(base)], data_dir=data, prepare=False)
        updated = store.current_generation_dir(data)
        lookups, real = [], segments._rows_of  # which rows were looked up: the delta part's only, or every one
        patch.setattr(
            segments,
            "_rows_of",
            lambda g, uids, delta_only: lookups.append(delta_only) or real(g, uids, delta_only=delta_only),
        )
        assert segments.update_index(updated) is None
    return {"base": kept, "updated": updated, "whole": _whole_copy(updated, base / "whole"), "lookups": lookups}


def _docs(directory, prefix) -> pl.DataFrame:
    return pl.read_ipc(directory / f"{prefix}docs_noms.arrow", columns=["contrat_uid"]).with_columns(
        pl.read_ipc(directory / f"{prefix}docs.arrow", columns=["src_row"])["src_row"].cast(pl.UInt32)
    )


def test_rows_and_order_equal_a_whole_build_when_main_rows_moved(moved):
    updated, whole = moved["updated"], _docs(moved["whole"], build.MAIN)
    segment = pl.read_ipc(updated / build.SEGMENT_FILE)
    docs = pl.concat([_docs(updated, build.MAIN).drop("src_row"), _docs(updated, build.DELTA).drop("src_row")])
    alive = pl.concat([docs, segment], how="horizontal").filter("vivant")
    # some main docs had their row in the base's delta part: the case this test is for
    base_rows = pl.read_ipc(moved["base"] / f"{build.MAIN}docs.arrow", columns=["src_row"])["src_row"]
    assert (base_rows >= tables.file_rows(tables.main_path(moved["base"], "contrats"))).sum() > 0
    assert moved["lookups"] == [True]  # the main part was shared: only the moved rows were looked up
    assert alive.sort("rang")["contrat_uid"].to_list() == whole["contrat_uid"].to_list()
    assert dict(alive.select("contrat_uid", "src_row").iter_rows()) == dict(whole.iter_rows())
