"""Step 5, write tables: contrats, child tables, versions and rejets of the new generation, in bounded memory
(1.5 GB budget for 1.6 M records). (`copies` was written by the identify step.)

Lazy joins of whole tables made Polars hold a national table in memory (measured: ~3 GB at 1.6 M records), so
tables are built from *slices*: each new batch part (a few tens of thousands of records, with its aligned child
parts) is joined with the winners of dedup and written as a chunk file (in worker processes for big imports);
then each table is written in one pass (pilote.decp.steps.table_sink): its new chunks, then the previous
generation read in slices of OLD_SLICE rows, each joined with the winners, encoded straight into the table's
file. A stored row is decoded and encoded once per import (it was twice: chunk file, then consolidation).
Versions are computed per new chunk; the previous generation's versions are carried over for the contracts it
still holds.

Copying the unchanged row groups of the previous generation without decoding them was measured and does not
apply: a monthly file supersedes or re-counts stored contracts everywhere (200 k store, 30 k file: 4,991 of
182,133 stored rows change, and every group of 1,000 rows holds one), so every row group is re-encoded. Writes
proportional to the file need merge-on-read (decision 0021, point 4).
"""

import functools
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context

import polars as pl

from pilote.decp import tables
from pilote.decp.identity import attach_to_identified_buyer
from pilote.decp.steps import delta_tables
from pilote.decp.steps.carry import carry
from pilote.decp.steps.staging import part_files
from pilote.decp.steps.table_sink import relaxed_schema, sink_frames
from pilote.decp.versions import build_versions


CHILD_TABLES = ("titulaires", "modifications", "actes_sous_traitance")
OLD_SLICE = 50_000
REJETS_SCHEMA = {
    "import_run": pl.String,
    "fichier": pl.String,
    "tableau": pl.String,
    "position": pl.Int64,
    "motif": pl.String,
    "message": pl.String,
    "extrait": pl.String,
}


def write_tables(out, parts, old_dir, run_id, win, results, workers=1, changes=None):
    """Every table of the new generation but `copies` (their row counts are read back by store.verify). `changes`
    (what the import changes relative to `old_dir`, store.compute_changes_from): the contract tables are then
    written merge-on-read when they may be (pilote.decp.steps.delta_tables), else whole."""
    write_contract_tables(out, parts, old_dir, run_id, win, workers=workers, changes=changes)
    write_rejets(out, old_dir, run_id, results)


def write_rejets(out, old_dir, run_id, results):
    """The current generation's rejects + this run's, each with a French message naming file, array, position."""
    rows = [
        {
            "import_run": run_id,
            "fichier": f,
            "tableau": t,
            "position": p,
            "motif": motif,
            "message": f"Fichier « {f} », enregistrement n° {p} du tableau « {t} » : {motif}",
            "extrait": excerpt,
        }
        for result in results
        for f, t, p, motif, excerpt in result.rejects
    ]
    rejets = pl.DataFrame(rows, schema=REJETS_SCHEMA)
    if old_dir is not None:
        rejets = pl.concat([pl.read_parquet(old_dir / "rejets.parquet"), rejets], how="diagonal_relaxed")
    rejets.write_parquet(out / "rejets.parquet", compression="zstd")


def _keyed_slice(sorted_win, keys):
    """Rows of `sorted_win` (sorted by record_key) whose record_key lies in [min(keys), max(keys)]."""
    if keys.is_empty():
        return sorted_win.clear()
    col = sorted_win["record_key"]
    lo = col.search_sorted(keys.min(), side="left")
    hi = col.search_sorted(keys.max(), side="right")
    return sorted_win.slice(lo, hi - lo)


def _write(frame, chunk_dir, table, name):
    folder = chunk_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(folder / f"{name}.parquet", compression="zstd")


def _carried_table(old_dir, table):
    """The previous generation's directory when its `table` holds rows keyed by copy, else None."""
    path = None if old_dir is None else tables.main_path(old_dir, table)
    if path is None or not path.exists():
        return None
    # an empty table still gives its columns: a rebuild keeps an empty table's schema, as an import does (the
    # former consolidation dropped it to three columns, so that `decp rebuild` and the import differed)
    return old_dir if "record_key" in pl.read_parquet_schema(path) else None


def _write_table(out, table, new_files, old_dir, carried):
    """One table of the generation: the new chunks, then the previous generation's rows carried over (`old_dir`:
    None for none; `carried`: a slice of them → the rows kept), encoded once into `out`'s file of `table`
    (pilote.decp.steps.table_sink)."""
    target = tables.main_path(out, table)
    schemas = [pl.read_parquet_schema(f) for f in new_files]
    if old_dir is not None:
        schemas.append(carried(pl.DataFrame(schema=tables.schema(old_dir, table))).schema)
    if not schemas:
        pl.DataFrame(schema={"import_run": pl.String, "record_key": pl.Int64, "contrat_uid": pl.String}).write_parquet(
            target
        )
        return

    def frames():
        for path in new_files:
            yield pl.read_parquet(path)
        if old_dir is not None:
            for frame in tables.slices(old_dir, table, OLD_SLICE):
                yield carried(frame)

    sink_frames(target, relaxed_schema(schemas), frames)


def new_part_chunks(part, parts, chunk_dir, name, run_id, w):
    """Chunks of one new batch part: its retained contracts (joined with `w`, their slice of the winners), their
    child rows and versions. Runs in a worker process when the import has a pool (parts are independent)."""
    contrats = attach_to_identified_buyer(
        pl.read_parquet(part)
        .rename({"qualite": "_qualite_base"})
        .join(w, on="record_key")
        .with_columns(pl.lit(run_id).alias("import_run"))
    )
    _write(contrats, chunk_dir, "contrats", name)
    ids = w.select("record_key", "contrat_uid")
    children = {}
    for table in CHILD_TABLES:
        path = parts / table / part.name
        if not path.exists():
            continue
        frame = pl.read_parquet(path).join(ids, on="record_key").with_columns(pl.lit(run_id).alias("import_run"))
        children[table] = frame
        _write(frame, chunk_dir, table, name)
    if "modifications" in children and "titulaires" in children:
        versions = build_versions(
            contrats.lazy(), children["modifications"].lazy(), children["titulaires"].lazy()
        ).collect()
        _write(versions, chunk_dir, "versions", name)


def write_contract_tables(out, parts, old_dir, run_id, win, workers=1, changes=None):
    """Write contrats, child tables and versions of the new generation into `out`: merge-on-read when `changes` is
    given and delta_tables allows it, else whole.

    `win`: one row per retained copy with import_run, record_key, contrat_uid, nb_copies, qualite (final).
    `workers` > 1: the new parts are joined and written by that many worker processes (big imports only: the
    pool is started here and stopped before the consolidation, so its memory never adds to the parent's peak).
    """
    chunk_dir = out / "_chunks"
    is_new = pl.col("import_run") == run_id
    win_new = win.filter(is_new).drop("import_run").sort("record_key")
    win_old = win.filter(~is_new)
    jobs = []
    for n, part in enumerate(sorted((parts / "contrats").glob("*.parquet"))):
        keys = pl.read_parquet(part, columns=["record_key"])["record_key"]
        jobs.append((part, parts, chunk_dir, f"n{n:06d}", run_id, _keyed_slice(win_new, keys)))
    if workers > 1 and len(jobs) > 1:
        # spawn (not fork: the parent runs Polars threads); one Polars thread each, the workers fill the cores
        os.environ["POLARS_MAX_THREADS"] = "1"
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for future in [pool.submit(new_part_chunks, *job) for job in jobs]:
                future.result()  # re-raises a worker's error here
    else:
        for job in jobs:
            new_part_chunks(*job)
    del jobs
    mergeable = changes is not None and delta_tables.fits(old_dir, changes)
    if mergeable and delta_tables.write_delta_tables(out, chunk_dir, old_dir, run_id, win, changes):
        shutil.rmtree(chunk_dir, ignore_errors=True)
        return
    old_keys = win_old.select("import_run", "record_key", "contrat_uid")

    def write(names):
        for table in names:
            new_files = part_files(chunk_dir, table)
            carried = functools.partial(carry, winners=win_old if table == "contrats" else old_keys)
            _write_table(out, table, new_files, _carried_table(old_dir, table), carried)

    # the contracts (most of the bytes) beside the other tables, two sinks at once: 1.40 s against 1.56 s for the
    # step on a quiet 2-core machine (200 k store, 30 k file), two slices in memory instead of one (+40 MB)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(write, ["contrats"]), pool.submit(write, [*CHILD_TABLES, "versions"])]:
            future.result()
    shutil.rmtree(chunk_dir, ignore_errors=True)
