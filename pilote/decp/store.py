"""The DECP analytics store: Parquet dataset *generations* under PILOTE_DATA_DIR/decp/, swapped atomically.

Layout (see docs/decp-pipeline.md):
    decp/CURRENT                      one line: the id of the current generation (replaced with os.replace)
    decp/generations/<id>/            contrats, copies, titulaires, modifications, actes_sous_traitance,
                                      versions, rejets (.parquet) + manifest.json
    decp/tmp/                         staging of running imports (never read by the web process)
    decp/cache/                       downloads (resumable)
A generation is written under generations/.tmp-<id>, verified (row counts against the manifest, unique
contrat_uid), renamed into place, then CURRENT is replaced. Readers (DuckDB views) only ever follow CURRENT, so
they see the old or the new generation, never a half-written one. The previous generation is kept until the
next import succeeds; older ones are removed.
"""

import contextlib
import fcntl
import functools
import json
import operator
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pilote.decp import tables
from pilote.decp.errors import ImportBusy, ImportFailed


TABLES = ("contrats", "copies", "titulaires", "modifications", "actes_sous_traitance", "versions", "rejets")
# What an import changed, relative to the generation it was built on (decision 0021): one row per contract added,
# changed or removed, so that preparers update their artefacts for those contracts instead of rebuilding them.
CHANGES = "changes.parquet"
CHANGES_META = "changes.json"
ADDED, CHANGED, REMOVED = "ajoute", "modifie", "retire"
PIPELINE_VERSION = "1.0"
SCHEMA_VERSION = "1"


def data_dir_or_default(data_dir=None):
    if data_dir is None:
        from django.conf import settings

        data_dir = settings.PILOTE_DATA_DIR
    return Path(data_dir)


def decp_dir(data_dir=None):
    return data_dir_or_default(data_dir) / "decp"


def current_generation_id(data_dir=None):
    pointer = decp_dir(data_dir) / "CURRENT"
    try:
        value = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def current_generation_dir(data_dir=None):
    """Directory of the current generation, or None when nothing was imported yet."""
    gen = current_generation_id(data_dir)
    if gen is None:
        return None
    path = decp_dir(data_dir) / "generations" / gen
    return path if (path / "manifest.json").exists() else None


def current_manifest(data_dir=None):
    """The current generation's manifest as a dict, or None."""
    path = current_generation_dir(data_dir)
    if path is None:
        return None
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def table_path(table, data_dir=None):
    """The main file of `table` in the current generation, or None (its rows: pilote.decp.tables)."""
    path = current_generation_dir(data_dir)
    return None if path is None else tables.main_path(path, table)


@dataclass(frozen=True)
class Changes:
    """The contracts an import changed (`frame`: contrat_uid, etat) relative to `base_dir`, the generation it was
    built on — the published one while preparers run, whose files are complete and must be treated as read-only
    (web workers read them; an artefact may share them by hard link, never modify them)."""

    base_dir: Path
    frame: pl.DataFrame

    def gone(self) -> pl.Series:
        """Contracts whose rows in the base generation's artefacts are obsolete (changed or removed)."""
        return self.frame.filter(pl.col("etat") != ADDED)["contrat_uid"]

    def fresh(self) -> pl.Series:
        """Contracts whose rows must be computed from the new generation (added or changed)."""
        return self.frame.filter(pl.col("etat") != REMOVED)["contrat_uid"]


def _change_rows(rows: pl.LazyFrame) -> pl.DataFrame:
    """contrat_uid and a hash of what can change a contract's rows between imports. A contract row (and its child
    rows, keyed by copy) is a function of its retained copy, immutable once read, and of what identity and
    quality recompute at each import: the contract it belongs to, the retained copy, the copy count and the
    quality codes. Codes in another order count as a change (extra work for a preparer, never a missed change):
    sorting 1.4 M lists cost more than the rest of the comparison together."""
    c = pl.col
    columns = ("contrat_uid", "import_run", "record_key", "nb_copies", "qualite")
    h = functools.reduce(operator.xor, (c(name).hash(seed) for seed, name in enumerate(columns)))
    return rows.select("contrat_uid", h.alias("h")).collect()


def compute_changes(new_dir, base_dir) -> pl.DataFrame:
    """contrat_uid, etat of every contract whose row differs between the two generations' `contrats` tables
    (added; changed: another retained copy, copy count or quality codes; removed)."""
    return compute_changes_from(tables.scan(new_dir, "contrats"), base_dir)


def compute_changes_from(new_rows, base_dir) -> pl.DataFrame:
    """compute_changes for a generation whose `contrats` rows will be `new_rows` (a frame with the compared
    columns: the winners of dedup joined with their quality, before the tables are written, so that they are
    written for the changed contracts only). Rows are compared by their hash first (an anti-join on integers,
    ~1 s for 2 × 1.4 M rows), then the few that differ by contract."""
    new, old = _change_rows(new_rows.lazy()), _change_rows(tables.scan(base_dir, "contrats"))
    now = new.join(old, on="h", how="anti").drop("h")
    before = old.join(new, on="h", how="anti").drop("h").with_columns(pl.lit(True).alias("avant"))
    both = now.with_columns(pl.lit(True).alias("apres")).join(before, on="contrat_uid", how="full", coalesce=True)
    etat = (
        pl.when(pl.col("avant").is_null())
        .then(pl.lit(ADDED))
        .when(pl.col("apres").is_null())
        .then(pl.lit(REMOVED))
        .otherwise(pl.lit(CHANGED))
    )
    return both.select("contrat_uid", etat.alias("etat")).sort("contrat_uid")


def write_changes(new_dir, base_dir, frame=None) -> dict:
    """Write the changes of the unpublished generation `new_dir` relative to the published `base_dir` (`frame`:
    computed already); returns the counts per state. Only an import writes them: `decp rebuild` and a first
    import ask for whole builds."""
    new_dir, base_dir = Path(new_dir), Path(base_dir)
    frame = compute_changes(new_dir, base_dir) if frame is None else frame
    frame.write_parquet(new_dir / CHANGES, compression="zstd")
    counts = {etat: frame.filter(pl.col("etat") == etat).height for etat in (ADDED, CHANGED, REMOVED)}
    meta = {"base": base_dir.name, **counts}
    (new_dir / CHANGES_META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return counts


def changes(generation_dir) -> Changes | None:
    """The changes of `generation_dir` relative to its base generation, or None when a whole build is wanted: no
    changes written (first import, `decp rebuild`, a store written before them) or the base generation is gone."""
    generation_dir = Path(generation_dir)
    try:
        meta = json.loads((generation_dir / CHANGES_META).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    base_dir = generation_dir.parent / str(meta.get("base", ""))
    if not meta.get("base") or not (base_dir / "manifest.json").exists() or not (generation_dir / CHANGES).exists():
        return None
    return Changes(base_dir, pl.read_parquet(generation_dir / CHANGES))


@contextlib.contextmanager
def import_lock(data_dir=None):
    """One import at a time per store (the web task and the command may both try)."""
    base = decp_dir(data_dir)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ImportBusy("un autre import DECP est en cours ; réessayez quand il sera terminé") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_generation_dir(gen_id, data_dir=None):
    path = decp_dir(data_dir) / "generations" / f".tmp-{gen_id}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def clone_file(source, target) -> None:
    """`target` a copy of `source` that shares its blocks where the file system can: os.copy_file_range makes a
    reflink on XFS and Btrfs (measured on XFS for the 502 MB cockpit file of a 1.6 M store: < 1 ms and no disk,
    against 1.3 s and 501 MB for shutil.copyfile), and copies in the kernel elsewhere (ext4). A writer may then
    change the copy: only the blocks it writes take new space. Falls back to an ordinary copy where the call is
    refused (another file system, an old kernel)."""
    try:
        with open(source, "rb") as src, open(target, "wb") as dst:
            size, done = os.fstat(src.fileno()).st_size, 0
            while done < size:
                copied = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
                if copied == 0:
                    break
                done += copied
        if done == size:
            return
    except OSError:
        pass
    shutil.copyfile(source, target)


def prune_superseded(data_dir=None) -> list[str]:
    """Remove every published generation but the current one; returns their names. Called under the import lock
    when an import is about to write a new generation: the previous one, kept since the last publication as a
    fallback for readers still on it (and for an operator), is then at least one import old, and a monthly import
    holds two generations at its peak instead of three (decision 0002, amended)."""
    current = current_generation_id(data_dir)
    removed = []
    for old in (decp_dir(data_dir) / "generations").glob("[!.]*"):
        if old.name != current and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old.name)
    return sorted(removed)


def verify(tmp_dir) -> dict:
    """Re-read what was written: every table of TABLES present and readable, `contrat_uid` unique. Returns the
    row count of each table, read back from its files: what the manifest states is what is on disk."""
    counts = {}
    for table in TABLES:
        if not tables.main_path(tmp_dir, table).exists():
            raise ImportFailed(f"vérification de la génération : table {table} absente")
        try:
            if table == "contrats":  # counted by the same scan as its uids
                n, unique = (
                    tables.scan(tmp_dir, table).select(pl.len(), pl.col("contrat_uid").n_unique()).collect().row(0)
                )
                if n != unique:
                    raise ImportFailed("vérification de la génération : identifiants de contrat en double")
                counts[table] = n
            else:
                counts[table] = tables.row_count(tmp_dir, table)
        except (OSError, pl.exceptions.PolarsError) as error:
            raise ImportFailed(f"vérification de la génération : table {table} illisible ({error})") from error
    return counts


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp_dir, manifest, data_dir=None):
    """Write the manifest, move into place and swap CURRENT atomically; prune old generations. The caller has
    verified the tables (`verify`, whose row counts the manifest states: the import runs it beside its preparers)."""
    tmp_dir = Path(tmp_dir)
    (tmp_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    base = decp_dir(data_dir)
    final = base / "generations" / manifest["generation"]
    os.rename(tmp_dir, final)
    _fsync_dir(final.parent)
    pointer = base / "CURRENT"
    tmp_pointer = base / "CURRENT.tmp"
    with open(tmp_pointer, "w", encoding="utf-8") as fh:
        fh.write(manifest["generation"] + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp_pointer, pointer)
    _fsync_dir(base)
    keep = {manifest["generation"], manifest.get("previous")}
    for old in (base / "generations").iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return final
