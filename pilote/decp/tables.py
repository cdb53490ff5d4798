"""A generation's contract tables, read merge-on-read (decision 0021, point 4): the one place that knows their files.

A table keyed by contract (CONTRACT_TABLES) is one or two Parquet files in a generation directory:
    <table>.parquet         the *main* part: written whole by a first import, `decp rebuild` or a compaction, then
                            shared by hard link with every later generation (zero bytes, never modified)
    <table>.delta.parquet   the *delta* part (optional): the rows of every contract added or changed since the
                            main part was written, rewritten by each import (a monthly file: tens of thousands)
    masque.parquet          (optional, one per generation) contrat_uid of the contracts whose main rows are
                            superseded — changed (their rows are in the delta) or removed
    copies.masque.parquet   the same for `copies`: the contracts of the identity partitions the import recomputed
The table is the main rows whose contract is not masked, then the delta rows; the two parts have the same schema
(the writer falls back to a whole write otherwise). A row's *position* (`src_row` of the search index, the
contract page's one-row read) counts over the two files as written, masked rows included, so the positions of
main rows never move while the main part is shared.

`copies` (MERGED_TABLES) is written the same way by the identify step; `rejets` is written whole (appended).
Polars readers use `scan`; DuckDB readers build their relation from `parts` (pilote.contracts.db).
"""

from dataclasses import dataclass
from pathlib import Path

import polars as pl


CONTRACT_TABLES = ("contrats", "titulaires", "modifications", "actes_sous_traitance", "versions")
# `copies` (one row per copy, written by the identify step) is merge-on-read too, with a mask of its own: the
# contracts of the identity partitions the import recomputed, whose copies are all in its delta
MERGED_TABLES = (*CONTRACT_TABLES, "copies")
MASK = "masque.parquet"
COPIES_MASK = "copies.masque.parquet"
DELTA_SUFFIX = ".delta.parquet"


@dataclass(frozen=True)
class Parts:
    """The files of one table of a generation: `main` (absent when the table was never written), `delta` and
    `mask` (None when the generation has none)."""

    main: Path
    delta: Path | None = None
    mask: Path | None = None

    @property
    def files(self) -> list[Path]:
        """The files in position order (main, then delta)."""
        return [self.main] if self.delta is None else [self.main, self.delta]

    def exists(self) -> bool:
        return self.main.exists()


def file_rows(path) -> int:
    """Rows of one Parquet file (its footer only)."""
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def main_path(generation_dir, table) -> Path:
    return Path(generation_dir) / f"{table}.parquet"


def delta_path(generation_dir, table) -> Path:
    return Path(generation_dir) / f"{table}{DELTA_SUFFIX}"


def mask_path(generation_dir, table="contrats") -> Path:
    return Path(generation_dir) / (COPIES_MASK if table == "copies" else MASK)


def parts(generation_dir, table) -> Parts:
    """The files of `table` in `generation_dir` (a published generation, or one being written once its tables are)."""
    generation_dir = Path(generation_dir)
    main = main_path(generation_dir, table)
    if table not in MERGED_TABLES:
        return Parts(main)
    delta, mask = delta_path(generation_dir, table), mask_path(generation_dir, table)
    return Parts(main, delta if delta.exists() else None, mask if mask.exists() else None)


def masked_uids(generation_dir, table="contrats") -> pl.Series:
    """contrat_uid of the main rows of `table` the generation supersedes (empty without a mask)."""
    path = mask_path(generation_dir, table)
    if not path.exists():
        return pl.Series("contrat_uid", [], dtype=pl.String)
    return pl.read_parquet(path)["contrat_uid"]


def scan(generation_dir, table, *, row_index: str | None = None) -> pl.LazyFrame:
    """The rows of `table`: the unmasked main rows, then the delta rows. `row_index`: name of a column holding each
    row's position over the two files (see the module doc)."""
    p = parts(generation_dir, table)
    if p.delta is None and p.mask is None:
        frame = pl.scan_parquet(p.main)
        return frame if row_index is None else frame.with_row_index(row_index)
    # the mask applies to main rows only (a changed contract's current rows are in the delta): rows are told apart
    # by position, so a row index is taken before the filter
    position = row_index or "_position"
    frame = pl.scan_parquet(p.files).with_row_index(position)
    if p.mask is not None:
        main_rows = file_rows(p.main)
        masked = masked_uids(generation_dir, table).implode()
        frame = frame.filter((pl.col(position) >= main_rows) | ~pl.col("contrat_uid").is_in(masked))
    return frame if row_index is not None else frame.drop(position)


def in_delta(generation_dir, uids: pl.Series) -> bool:
    """Whether every contract of `uids` has its rows in the delta parts: written or rewritten since the tables'
    last whole write, which one decision per import takes for every contract table (steps/delta_tables.fits). A
    reader restricted to those contracts may then read the delta parts alone (`scan_delta`)."""
    delta = parts(generation_dir, "contrats").delta
    if delta is None or uids.is_empty():
        return False
    found = (
        pl.scan_parquet(delta)
        .select("contrat_uid")
        .filter(pl.col("contrat_uid").is_in(uids.implode()))
        .select(pl.col("contrat_uid").n_unique())
        .collect()
        .item()
    )
    return found == uids.n_unique()


def scan_delta(generation_dir, table, *, row_index: str | None = None) -> pl.LazyFrame | None:
    """The delta part's rows of `table` (never masked): every row of the contracts written since the last whole
    write. None without one, and for `copies`, whose delta holds the new copies only (a changed contract's earlier
    copies stay in its main part). `row_index` counts positions over the two files, as `scan` does."""
    p = parts(generation_dir, table)
    if p.delta is None or table not in CONTRACT_TABLES:
        return None
    frame = pl.scan_parquet(p.delta)
    return frame if row_index is None else frame.with_row_index(row_index, offset=file_rows(p.main))


def scan_files(generation_dir, table) -> pl.LazyFrame:
    """Every row of the two files as written, masked rows included: for reads by position (`row_index` of
    `scan`), never for counting or aggregating."""
    return pl.scan_parquet(parts(generation_dir, table).files)


def slices(generation_dir, table, size: int):
    """The rows of `table` (as `scan` orders them) in frames of at most `size` rows, read part by part (a slice of
    a filtered scan would re-read the table from its start)."""
    p = parts(generation_dir, table)
    masked = masked_uids(generation_dir, table).implode() if p.mask is not None else None
    for n, path in enumerate(p.files):
        total = file_rows(path)
        for offset in range(0, total, size):
            frame = pl.scan_parquet(path).slice(offset, size)
            if n == 0 and masked is not None:
                frame = frame.filter(~pl.col("contrat_uid").is_in(masked))
            yield frame.collect()


def row_count(generation_dir, table) -> int:
    return scan(generation_dir, table).select(pl.len()).collect().item()


def schema(generation_dir, table) -> pl.Schema:
    return pl.read_parquet_schema(main_path(generation_dir, table))


def read_row(generation_dir, table, position: int) -> dict | None:
    """The row at `position` (counted as in `scan(..., row_index=...)`), or None past the end."""
    rows = scan_files(generation_dir, table).slice(int(position), 1).collect().to_dicts()
    return rows[0] if rows else None
