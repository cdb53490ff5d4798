"""Writing the tables of a new generation in bounded memory (1.5 GB budget for 1.6 M records).

Lazy joins of whole tables made Polars hold a national table in memory (measured: ~3 GB at 1.6 M records), so
tables are written in *chunks*: each new batch part (a few tens of thousands of records, with its aligned child
parts) and each slice of the previous generation is joined with the winners of dedup and written as a chunk
file; each table is then consolidated into one Parquet file by a streaming scan → sink, whose memory does not
grow with the number of rows (measured). Versions are computed per new chunk; the previous generation's
versions are carried over for the contracts it still holds.
"""

import shutil

import polars as pl

from pilote.decp.versions import build_versions


CHILD_TABLES = ("titulaires", "modifications", "actes_sous_traitance")
OLD_SLICE = 100_000


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


def _slices(path, size=OLD_SLICE):
    total = pl.scan_parquet(path).select(pl.len()).collect().item()
    for offset in range(0, total, size):
        yield pl.scan_parquet(path).slice(offset, size).collect()


def write_tables(out, parts, old_dir, run_id, win):
    """Write contrats, child tables and versions of the new generation into `out`.

    `win`: one row per retained copy with import_run, record_key, contrat_uid, nb_copies, qualite (final).
    """
    chunk_dir = out / "_chunks"
    is_new = pl.col("import_run") == run_id
    win_new = win.filter(is_new).drop("import_run").sort("record_key")
    win_old = win.filter(~is_new)
    ids_new = win_new.select("record_key", "contrat_uid")
    for n, part in enumerate(sorted((parts / "contrats").glob("*.parquet"))):
        contrats = pl.read_parquet(part)
        w = _keyed_slice(win_new, contrats["record_key"])
        contrats = (
            contrats.rename({"qualite": "_qualite_base"})
            .join(w, on="record_key")
            .with_columns(pl.lit(run_id).alias("import_run"))
        )
        _write(contrats, chunk_dir, "contrats", f"n{n:06d}")
        ids = _keyed_slice(ids_new, contrats["record_key"]) if contrats.height else ids_new.clear()
        children = {}
        for table in CHILD_TABLES:
            path = parts / table / part.name
            frame = pl.read_parquet(path) if path.exists() else None
            if frame is None:
                continue
            frame = frame.join(ids, on="record_key").with_columns(pl.lit(run_id).alias("import_run"))
            children[table] = frame
            _write(frame, chunk_dir, table, f"n{n:06d}")
        if "modifications" in children and "titulaires" in children:
            versions = build_versions(
                contrats.lazy(), children["modifications"].lazy(), children["titulaires"].lazy()
            ).collect()
            _write(versions, chunk_dir, "versions", f"n{n:06d}")
    if old_dir is not None:
        old_keys = win_old.select("import_run", "record_key", "contrat_uid")
        for n, frame in enumerate(_slices(old_dir / "contrats.parquet")):
            frame = frame.drop("contrat_uid", "nb_copies", "qualite", strict=False)
            _write(frame.join(win_old, on=["import_run", "record_key"]), chunk_dir, "contrats", f"o{n:06d}")
        for table in (*CHILD_TABLES, "versions"):
            path = old_dir / f"{table}.parquet"
            if not path.exists():
                continue
            for n, frame in enumerate(_slices(path)):
                if "record_key" not in frame.columns:
                    continue
                frame = frame.drop("contrat_uid", strict=False).join(old_keys, on=["import_run", "record_key"])
                _write(frame, chunk_dir, table, f"o{n:06d}")
    for table in ("contrats", *CHILD_TABLES, "versions"):
        files = sorted((chunk_dir / table).glob("*.parquet")) if (chunk_dir / table).exists() else []
        target = out / f"{table}.parquet"
        if files:
            pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed").sink_parquet(
                target, compression="zstd", row_group_size=100_000
            )
        else:
            pl.DataFrame(
                schema={"import_run": pl.String, "record_key": pl.Int64, "contrat_uid": pl.String}
            ).write_parquet(target)
    shutil.rmtree(chunk_dir, ignore_errors=True)
