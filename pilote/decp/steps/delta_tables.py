"""Step 5, write tables, for an import built on a published generation: the contract tables are written
merge-on-read (pilote.decp.tables, decision 0021 point 4), so the write is proportional to what the file changed,
not to the store.

The new generation shares the previous one's main parts by hard link, masks the contracts the import changed or
removed (`masque.parquet` = the previous mask ∪ those contracts) and writes a new delta part per table: the
previous delta's rows of contracts still unchanged, then the rows of every added or changed contract — from the
new batch parts when its retained copy is new (the chunks of write_tables), else from the previous generation's
rows joined with what identity and quality say of them now.

A whole write (write_tables.write_contract_tables) is chosen instead when the delta or the mask would pass
MAX_SHARE of the main part (a compaction: a new main part, no delta, no mask), when a table's columns or types
changed, or when the previous generation lacks a table: `fits` says which.
"""

import os
import shutil

import polars as pl

from pilote.decp import store, tables
from pilote.decp.steps.carry import COPY_KEY, carry
from pilote.decp.steps.staging import part_files
from pilote.decp.steps.table_sink import conform, relaxed_schema, sink_frames


# Past this share of the main part, the delta (rows) or the mask (contracts) trigger a whole write: readers pay for
# the mask's anti-join and the delta's extra file, and the store for rows kept twice (the search index uses 20 %).
MAX_SHARE = 0.20


def fits(old_dir, changes: pl.DataFrame) -> bool:
    """Whether this import may write delta parts on `old_dir`: every contract table present there with a copy
    key, and the delta and mask after it within MAX_SHARE of the main part (upper bounds, before any write)."""
    for table in tables.CONTRACT_TABLES:
        main = tables.main_path(old_dir, table)
        if not main.exists() or "record_key" not in pl.read_parquet_schema(main):
            return False
    fresh = changes.filter(pl.col("etat") != store.REMOVED).height
    return within_share(old_dir, "contrats", fresh, changes.filter(pl.col("etat") != store.ADDED).height)


def within_share(old_dir, table, fresh_rows: int, superseded: int) -> bool:
    """Whether `table`'s delta and mask, once `fresh_rows` rows are added to the delta and `superseded` contracts
    to the mask, stay within MAX_SHARE of its main part (upper bounds: rows the delta drops are not subtracted)."""
    old = tables.parts(old_dir, table)
    delta_rows = 0 if old.delta is None else tables.file_rows(old.delta)
    masked = tables.masked_uids(old_dir, table).len() + superseded
    return max(delta_rows + fresh_rows, masked) <= MAX_SHARE * tables.file_rows(old.main)


def write_mask(out, old_dir, table, superseded: pl.Series) -> None:
    """`table`'s mask in `out`: the previous generation's ∪ `superseded` (contrat_uid)."""
    mask = pl.concat([tables.masked_uids(old_dir, table), superseded]).unique().sort()
    pl.DataFrame({"contrat_uid": mask}).write_parquet(tables.mask_path(out, table), compression="zstd")


def link(source, target):
    """`target` is `source` by hard link (zero bytes; the main parts are never modified), or a copy across
    file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_delta_tables(out, chunk_dir, old_dir, run_id, win, changes: pl.DataFrame) -> bool:
    """Write every contract table of `out` as main (linked) + delta + mask; `chunk_dir` holds the new batch parts'
    chunks (write_tables.new_part_chunks). Returns False, having written nothing, when a table's schema would
    change (the caller then writes whole)."""
    gone = changes.filter(pl.col("etat") != store.ADDED)["contrat_uid"]
    fresh = changes.filter(pl.col("etat") != store.REMOVED)["contrat_uid"]
    # contracts added or changed whose retained copy was already stored: their rows are the previous generation's,
    # with what identity and quality say of them now (the new copies' rows are in the chunks)
    kept_old = win.filter(pl.col("import_run") != run_id).join(
        pl.DataFrame({"contrat_uid": fresh}), on="contrat_uid", how="semi"
    )
    plans = {}
    for table in tables.CONTRACT_TABLES:
        plan = _plan(table, chunk_dir, old_dir, kept_old, gone)
        if plan is None:
            return False
        plans[table] = plan
    for table, (target_schema, frames) in plans.items():
        link(tables.main_path(old_dir, table), tables.main_path(out, table))
        sink_frames(tables.delta_path(out, table), target_schema, frames)
    write_mask(out, old_dir, "contrats", gone)
    return True


def _plan(table, chunk_dir, old_dir, kept_old, gone):
    """(schema, frames) of `table`'s delta, or None when its schema would differ from the main part's."""
    new_files = part_files(chunk_dir, table)
    main_schema = tables.schema(old_dir, table)
    winners = kept_old if table == "contrats" else kept_old.select(*COPY_KEY, "contrat_uid")
    carried = _carried(old_dir, table, winners)
    old_delta = tables.parts(old_dir, table).delta
    schemas = [main_schema, carried.schema, *(pl.read_parquet_schema(f) for f in new_files)]
    if relaxed_schema(schemas) != main_schema:
        return None

    def frames():
        if old_delta is not None:
            yield pl.scan_parquet(old_delta).filter(~pl.col("contrat_uid").is_in(gone.implode())).collect()
        for path in new_files:
            yield pl.read_parquet(path)
        yield carried

    return main_schema, lambda: (conform(f, main_schema) for f in frames())


def _carried(old_dir, table, winners) -> pl.DataFrame:
    """The previous generation's rows of the copies in `winners` (import_run, record_key and what the table takes
    from them now), joined with them, in the previous generation's order."""
    keys = winners.select(COPY_KEY)
    # the record_key filter is pushed into the Parquet scan (only the matching rows' other columns are decoded);
    # the semi-join on the whole copy key then keeps the exact rows
    near = pl.col("record_key").is_in(keys["record_key"].unique().implode())
    frame = (
        tables.scan(old_dir, table)
        .filter(near)
        .join(keys.lazy(), on=COPY_KEY, how="semi", maintain_order="left")
        .collect()
    )
    return carry(frame, winners)
