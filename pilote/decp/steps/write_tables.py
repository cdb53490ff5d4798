"""Step 5, write tables: contrats, child tables, versions and rejets of the new generation, in bounded memory
(1.5 GB budget for 1.6 M records). (`copies` was written by the identify step.)

Lazy joins of whole tables made Polars hold a national table in memory (measured: ~3 GB at 1.6 M records), so
tables are built from *slices*: each new batch part (a few tens of thousands of records, with its aligned child
parts) is joined with the winners of dedup; each table is written in one pass (pilote.decp.steps.table_sink):
its new rows, then the previous generation read in slices of OLD_SLICE rows, each joined with the winners,
encoded straight into the table's file. A first import joins each part as its table's sink takes it; an import
into a store first writes the joined parts as chunk files (in worker processes for big imports), which the
merge-on-read path also reads. A stored row is decoded and encoded once per import. Versions are computed per new
part; the previous generation's versions are carried over for the contracts it still holds.

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


def _write_table(out, table, new, old_dir, carried):
    """One table of the generation: the new rows, then the previous generation's rows carried over (`old_dir`:
    None for none; `carried`: a slice of them → the rows kept), encoded once into `out`'s file of `table`
    (pilote.decp.steps.table_sink). `new`: (schema, function giving the frame) of each new part, in order."""
    target = tables.main_path(out, table)
    schemas = [schema for schema, _load in new]
    if old_dir is not None:
        schemas.append(carried(pl.DataFrame(schema=tables.schema(old_dir, table))).schema)
    if not schemas:
        pl.DataFrame(schema={"import_run": pl.String, "record_key": pl.Int64, "contrat_uid": pl.String}).write_parquet(
            target
        )
        return

    def frames():
        for _schema, load in new:
            yield load()
        if old_dir is not None:
            for frame in tables.slices(old_dir, table, OLD_SLICE):
                yield carried(frame)

    sink_frames(target, relaxed_schema(schemas), frames)


def _chunk_files(chunk_dir, table):
    """`_write_table`'s new parts of `table` from the chunk files."""
    return [(pl.read_parquet_schema(f), functools.partial(pl.read_parquet, f)) for f in part_files(chunk_dir, table)]


def new_part_chunks(part, parts, chunk_dir, name, run_id, w):
    """Chunks of one new batch part: its retained contracts (joined with `w`, their slice of the winners), their
    child rows and versions. Runs in a worker process when the import has a pool (parts are independent)."""
    contrats = _new_contrats(part, run_id, w)
    _write(contrats, chunk_dir, "contrats", name)
    children = {}
    for table in CHILD_TABLES:
        frame = _new_child(parts, table, part.name, run_id, w)
        if frame is not None:
            children[table] = frame
            _write(frame, chunk_dir, table, name)
    versions = _new_versions(contrats, children)
    if versions is not None:
        _write(versions, chunk_dir, "versions", name)


def _new_contrats(part, run_id, w, n_rows=None):
    """The retained contracts of a new batch part, with what the winners `w` say of them."""
    return attach_to_identified_buyer(
        pl.read_parquet(part, n_rows=n_rows)
        .rename({"qualite": "_qualite_base"})
        .join(w, on="record_key")
        .with_columns(pl.lit(run_id).alias("import_run"))
    )


def _new_child(parts, table, part_name, run_id, w, n_rows=None):
    """The rows of child `table` of the retained copies of a new batch part, or None when it has none."""
    path = parts / table / part_name
    return _of_retained(path, run_id, w, n_rows=n_rows) if path.exists() else None


def _of_retained(path, run_id, w, columns=None, n_rows=None):
    """The rows of a staged part (`columns` of it) whose copy is retained, with its contract's uid and the run."""
    return (
        pl.read_parquet(path, columns=columns, n_rows=n_rows)
        .join(w.select("record_key", "contrat_uid"), on="record_key")
        .with_columns(pl.lit(run_id).alias("import_run"))
    )


def _new_versions(contrats, children):
    """The versions of a part's contracts (build_versions), or None when it has no modification or titulaire part."""
    if "modifications" not in children or "titulaires" not in children:
        return None
    return build_versions(contrats.lazy(), children["modifications"].lazy(), children["titulaires"].lazy()).collect()


# What the versions read of a contract (build_versions): the part's other columns are not read for them
_VERSION_COLUMNS = ["record_key", "date_notification", "date_publication_donnees", "montant", "duree_mois"]


def _new_part(table, job, n_rows=None):
    """The frame of `table` (a contract table or the versions) of one new batch part (a job of
    write_contract_tables), or None when the part has none; `n_rows=0`: its schema alone."""
    part, parts, _chunk_dir, _name, run_id, w = job
    if table == "contrats":
        return _new_contrats(part, run_id, w, n_rows)
    if table in CHILD_TABLES:
        return _new_child(parts, table, part.name, run_id, w, n_rows)
    contrats = _of_retained(part, run_id, w, columns=_VERSION_COLUMNS, n_rows=n_rows)
    children = {t: _new_child(parts, t, part.name, run_id, w, n_rows) for t in ("modifications", "titulaires")}
    return _new_versions(contrats, {t: f for t, f in children.items() if f is not None})


def _new_parts(jobs, table):
    """`_write_table`'s new parts of `table` computed from the batch parts as the sink takes them (no chunk file)."""
    new = []
    for job in jobs:
        empty = _new_part(table, job, n_rows=0)
        if empty is not None:
            new.append((empty.schema, functools.partial(_new_part, table, job)))
    return new


def write_contract_tables(out, parts, old_dir, run_id, win, workers=1, changes=None):
    """Write contrats, child tables and versions of the new generation into `out`: merge-on-read when `changes` is
    given and delta_tables allows it, else whole.

    `win`: one row per retained copy with import_run, record_key, contrat_uid, nb_copies, qualite (final).
    `workers` > 1: the chunks of an import into a store are joined and written by that many worker processes
    (big imports only: the pool is started here and stopped before the consolidation, so its memory never adds to
    the parent's peak).
    """
    chunk_dir = out / "_chunks"
    is_new = pl.col("import_run") == run_id
    win_new = win.filter(is_new).drop("import_run").sort("record_key")
    win_old = win.filter(~is_new)
    jobs = []
    for n, part in enumerate(sorted((parts / "contrats").glob("*.parquet"))):
        keys = pl.read_parquet(part, columns=["record_key"])["record_key"]
        jobs.append((part, parts, chunk_dir, f"n{n:06d}", run_id, _keyed_slice(win_new, keys)))
    if old_dir is None:
        # a first import: each table's sink takes its rows from the batch parts, joined as it goes, without chunk
        # files written and read back once (1.6 M pretty-printed records: the step 9.9 s and 18.5 CPU seconds with
        # them, session 22); their worker processes are for the paths that also write the previous rows
        _write_whole(out, functools.partial(_new_parts, jobs))
        return
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
    carried = {
        table: (
            _carried_table(old_dir, table),
            functools.partial(carry, winners=win_old if table == "contrats" else old_keys),
        )
        for table in ("contrats", *CHILD_TABLES, "versions")
    }
    _write_whole(out, functools.partial(_chunk_files, chunk_dir), carried)
    shutil.rmtree(chunk_dir, ignore_errors=True)


def _write_whole(out, new, carried=None):
    """Every contract table written whole: `new(table)`, its new parts (`_write_table`), then the rows `carried`
    (table → (previous generation's directory or None, carry function); None: a first import)."""

    def write(names):
        for table in names:
            old_dir, carry_rows = (carried or {}).get(table, (None, None))
            _write_table(out, table, new(table), old_dir, carry_rows)

    # the contracts (most of the bytes) beside the other tables, two sinks at once: 1.40 s against 1.56 s for the
    # step on a quiet 2-core machine (200 k store, 30 k file), two slices in memory instead of one (+40 MB)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(write, ["contrats"]), pool.submit(write, [*CHILD_TABLES, "versions"])]:
            future.result()
