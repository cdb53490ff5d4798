"""The explorer index updated for the contracts an import changed instead of rebuilt (issue 16; decision 0019,
amendment "index segmenté").

Lucene-style segments. The new generation holds:
    explorer_*.arrow, explorer_{child}.parquet   the MAIN segment: the base generation's files, by hard link
                                                 (zero bytes; never written in place: they are the served
                                                 generation's files too)
    explorer_delta_*.arrow, explorer_delta_{child}.parquet
                                                 the DELTA segment: the contracts added or changed since the main
                                                 segment was built, rebuilt whole at each update (docs numbered
                                                 after the main segment's)
    explorer_segment.arrow                       per doc of both segments: `rang` (the doc's place in the date
                                                 order a whole build would give it), `src_row` (its row in this
                                                 generation's contrats.parquet), `vivant` (false: a main doc
                                                 changed or removed since, the deletion mask)
Readers see main + delta minus the deleted docs (index.py). Merge policy: a whole build when there are no changes
(first import, `decp rebuild`), when the base index is missing or of another version, or when the delta or the
deletions would exceed MAX_SHARE of the main segment (the approximated statistics and the dead postings then
cost more than a rebuild saves).

Statistics: the main segment keeps the BM25 impacts of its build; the delta's are computed with the main
segment's average length and its df plus the delta's (like Lucene, deleted docs still count until a merge).
"""

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from pilote.contracts.search import build
from pilote.decp import store, tables


MAX_SHARE = 0.2  # delta docs, or deleted main docs, at most this share of the main segment (else a whole build)
MAIN_FILES = (
    f"{build.MAIN}{build.LEXICON}.arrow",
    *(f"{build.MAIN}{t}.arrow" for t in build.TABLES),
    *(f"{build.MAIN}{t}.parquet" for t in build.CHILD_TABLES),
)
DELTA_FILES = (
    *(f"{build.DELTA}{t}.arrow" for t in (*build.TABLES, build.LEXICON)),
    build.SEGMENT_FILE,
)


def prepare_index(generation_dir: Path) -> None:
    """The preparer: the index updated from the base generation's when the import says what changed, else (or
    when the merge policy says so) built whole."""
    generation_dir = Path(generation_dir)
    _remove(generation_dir, DELTA_FILES)  # a previous attempt's delta must not survive a whole build
    if update_index(generation_dir) is not None:
        _remove(generation_dir, DELTA_FILES)
        build.build_index(generation_dir)


@dataclass(frozen=True)
class Plan:
    """What an update writes: the main segment's size, the delta's contracts, the main docs deleted."""

    main_n: int
    delta_uids: pl.Series
    deleted: pl.Series


def update_index(generation_dir: Path) -> str | None:
    """Write a segmented index into generation_dir from its changes; None when done, else why a whole build is
    needed (nothing is left behind that a reader would take for an index: the metadata is written last)."""
    started = time.monotonic()
    changes = store.changes(generation_dir)
    if changes is None:
        return "pas de changements (premier import ou reconstruction)"
    base_dir = Path(changes.base_dir)
    meta = _meta(base_dir)
    if meta is None or meta.get("version") != build.INDEX_VERSION:
        return "index de la génération de base absent ou d'une autre version"
    plan = _plan(base_dir, meta, changes)
    if max(plan.delta_uids.len(), plan.deleted.len()) > MAX_SHARE * plan.main_n:
        return f"fusion : {plan.delta_uids.len()} contrats à ajouter, {plan.deleted.len()} à retirer sur {plan.main_n}"
    _link(base_dir, generation_dir)
    recent = tables.in_delta(generation_dir, plan.delta_uids)
    build.write_child_copies(generation_dir, build.DELTA, plan.delta_uids, recent)
    segments = meta.get("segments") or {}
    main_terms = _read(base_dir / f"{build.MAIN}terms.arrow", ["term", "df"])
    avgdl = segments.get("longueur_moyenne", meta["longueur_moyenne"])  # the main segment's
    statistics = build.Statistics(plan.main_n, avgdl, main_terms)
    lexicon = _lexicon(base_dir, segments)
    counts = build.write_segment(
        generation_dir, build.DELTA, plan.delta_uids, plan.main_n, statistics, lexicon, recent
    )
    _write_segment_file(generation_dir, base_dir, plan)
    main_postings = segments.get("postings_principal", meta["postings"])
    new = {
        "version": build.INDEX_VERSION,
        "contrats": plan.main_n - plan.deleted.len() + counts["contrats"],
        "termes": main_terms.height,
        "postings": main_postings + counts["postings"],
        "longueur_moyenne": avgdl,
        "colonnes": meta["colonnes"],
        "segments": {
            "principal": plan.main_n,
            "delta": counts["contrats"],
            "supprimes": plan.deleted.len(),
            "postings_principal": main_postings,
            "longueur_moyenne": avgdl,
            "base": base_dir.name,
        },
        "secondes": round(time.monotonic() - started, 3),
        "octets": sum((generation_dir / f).stat().st_size for f in DELTA_FILES),
    }
    build.write_meta(generation_dir, new)
    return None


def _plan(base_dir: Path, meta: dict, changes: store.Changes) -> Plan:
    """The delta's contracts and the main docs to delete, from the base's segments and the import's changes."""
    segments = meta.get("segments") or {}
    main_n = segments.get("principal", meta["contrats"])
    gone = changes.gone()
    delta_uids = _delta_uids(base_dir, segments, gone, changes.fresh())
    # main docs no longer valid: deleted before, or changed / removed now, or given a new version in the delta
    stale = pl.concat([gone, delta_uids]).unique()
    main_uids = _read(base_dir / f"{build.MAIN}uids.arrow")
    deleted = main_uids.filter(pl.col("contrat_uid").is_in(stale.implode()))["doc"]
    if segments:
        alive = _read(base_dir / build.SEGMENT_FILE, ["vivant"])["vivant"].head(main_n)
        deleted = pl.concat([deleted, alive.not_().arg_true().cast(pl.UInt32).rename("doc")]).unique()
    return Plan(main_n, delta_uids, deleted.sort())


def _meta(directory: Path) -> dict | None:
    try:
        return json.loads((directory / "explorer_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """Columns of an index file, mapped read-only (pyarrow: Polars' read_ipc copies the whole file, and these are
    the served generation's files; the contract table's parts are ~100 MB each at 1.6 M)."""
    table = ipc.open_file(pa.memory_map(str(path))).read_all()
    return pl.from_arrow(table.select(columns) if columns else table, rechunk=False)


def _delta_uids(base_dir: Path, segments: dict, gone: pl.Series, fresh: pl.Series) -> pl.Series:
    """The contracts of the new delta segment: those added or changed now, and those of the base's delta that
    did not change since (the delta is rebuilt whole from the new generation: it stays small by the policy)."""
    uids = fresh.rename("contrat_uid")
    if segments:
        kept = _read(base_dir / f"{build.DELTA}uids.arrow", ["contrat_uid"])["contrat_uid"]
        uids = pl.concat([uids, kept.filter(~kept.is_in(gone.implode()))])
    return uids.unique().sort()


def _lexicon(base_dir: Path, segments: dict) -> tuple[dict, int]:
    """The words the base's segments stemmed (main segment's first) and how many are the main segment's: the
    delta stems only the others (build.write_segment). Empty for a base written before the lexicon."""
    words = {}
    for prefix in (build.MAIN, build.DELTA) if segments else (build.MAIN,):
        path = base_dir / f"{prefix}{build.LEXICON}.arrow"
        if path.exists():
            frame = _read(path)
            words.update(zip(frame["word"].to_list(), frame["term"].to_list(), strict=True))
        if prefix == build.MAIN:
            shared = len(words)
    return words, shared


def _link(base_dir: Path, generation_dir: Path) -> None:
    """The main segment's files shared with the base generation by hard link (a copy where the file system
    cannot link). A file already there is unlinked first, never written: it may be another generation's too."""
    for name in MAIN_FILES:
        source, target = base_dir / name, generation_dir / name
        if not source.exists():
            continue
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)


def _write_segment_file(generation_dir: Path, base_dir: Path, plan: Plan) -> None:
    """rang, src_row and vivant for every doc of both segments (the module doc says why)."""
    main_n, deleted = plan.main_n, plan.deleted
    delta_keys = _keys(generation_dir, build.DELTA)
    main_dates = _read(generation_dir / f"{build.MAIN}docs.arrow", ["date_notification"])["date_notification"]
    # mapped, not copied (Polars' own string layout): only the pages of the uids read are touched
    main_uids = _read(generation_dir / f"{build.MAIN}docs_noms.arrow", ["contrat_uid"])["contrat_uid"]
    rang = merged_ranks(main_dates, main_uids.gather, delta_keys["date_notification"], delta_keys["contrat_uid"])
    alive = pl.repeat(True, main_n + delta_keys.height, eager=True).scatter(deleted, False)
    main_rows = _main_rows(generation_dir, base_dir, alive.head(main_n), main_uids)
    src = pl.concat([main_rows, delta_keys["src_row"].cast(pl.UInt32)])
    frame = pl.DataFrame([rang.rename("rang"), src.rename("src_row"), alive.rename("vivant")])
    frame = frame.with_columns(pl.when(pl.col("vivant")).then(pl.col("src_row")).alias("src_row"))
    build._write(frame, generation_dir / build.SEGMENT_FILE)


def merged_ranks(main_dates: pl.Series, main_uid_at, delta_dates: pl.Series, delta_uids: pl.Series) -> pl.Series:
    """Each doc's place (main docs, then delta docs) in the order a whole build gives both segments: most recent
    first, no date last, then by uid; a main doc before a delta doc of the same date and uid (build._docs_lazy).

    The main segment is in that order already (a whole build wrote it): only the delta's docs are placed among its
    docs, by binary search — on the date, then on the uid among the main docs of that date, all delta docs at once
    (`main_uid_at(positions)` reads a few uids per step) — instead of sorting every key and reading every main uid
    (0.5 s of a monthly file's update at 1.6 M, session 16). A doc's place is then its position in its segment
    plus the docs of the other segment placed before it."""
    main_key, delta_key = _date_key(main_dates), _date_key(delta_dates)
    delta = pl.DataFrame({"key": delta_key, "uid": delta_uids}).with_row_index("j").sort("key", "uid")
    lo = main_key.search_sorted(delta["key"], side="left").cast(pl.Int64)
    hi = main_key.search_sorted(delta["key"], side="right").cast(pl.Int64)
    while (open_ := lo < hi).any():  # main docs before each delta doc: lo ends past the last main uid <= its uid
        mid = (lo + hi) // 2
        before = main_uid_at(mid.clip(0, max(main_key.len() - 1, 0))) <= delta["uid"]
        lo = pl.select(pl.when(open_ & before).then(mid + 1).otherwise(lo)).to_series()
        hi = pl.select(pl.when(open_ & ~before).then(mid).otherwise(hi)).to_series()
    main_before = lo.cast(pl.UInt32)  # non-decreasing: the delta docs are in the whole build's order
    delta_rang = main_before + pl.int_range(delta.height, dtype=pl.UInt32, eager=True)
    delta_rang = delta_rang.scatter(delta["j"], delta_rang.clone())
    positions = pl.int_range(main_key.len(), dtype=pl.UInt32, eager=True)
    main_rang = positions + main_before.search_sorted(positions, side="right").cast(pl.UInt32)
    return pl.concat([main_rang, delta_rang]).rename("rang")


def _date_key(dates: pl.Series) -> pl.Series:
    """An ascending key of the whole build's date order: most recent first, no date last."""
    days = dates.cast(pl.Int64)
    return (-days).fill_null(pl.Int64.max()) if days.len() else days


def _main_rows(generation_dir: Path, base_dir: Path, alive: pl.Series, main_uids) -> pl.Series:
    """Each main doc's row in this generation's contract files (null for a deleted doc). While the contracts'
    main part is the base generation's own file (hard link), its rows have not moved: a main doc keeps its row
    in the base generation, and only the docs whose row was in the base's delta part are looked up in this one's.
    Otherwise every main uid is looked up among this generation's rows."""
    base = _base_rows(generation_dir, base_dir, alive.len())
    if base is not None:
        moved = (alive & (base >= tables.file_rows(tables.main_path(base_dir, "contrats")))).arg_true()
        found = _rows_of(generation_dir, main_uids.gather(moved), delta_only=True)
        if found.null_count() == 0:
            return base.scatter(moved, found) if moved.len() else base
    return _rows_of(generation_dir, main_uids, delta_only=False)


def _base_rows(generation_dir: Path, base_dir: Path, main_n: int) -> pl.Series | None:
    """The `main_n` main docs' rows in the base generation when its contracts' main part is this generation's too:
    its segment file's when the base was segmented, else the main docs' own (a whole build of the base)."""
    main, base_main = tables.main_path(generation_dir, "contrats"), tables.main_path(base_dir, "contrats")
    if not (main.exists() and base_main.exists() and os.path.samefile(main, base_main)):
        return None
    segment = base_dir / build.SEGMENT_FILE
    rows = _read(segment if segment.exists() else base_dir / f"{build.MAIN}docs.arrow", ["src_row"])["src_row"]
    return rows.head(main_n).cast(pl.UInt32)


def _rows_of(generation_dir: Path, uids: pl.Series, *, delta_only: bool) -> pl.Series:
    """The row of each uid in this generation's contract files (its delta part alone with `delta_only`), in
    the uids' order; null where not found."""
    if uids.is_empty():
        return pl.Series("src_row", [], dtype=pl.UInt32)
    scan = tables.scan_delta(generation_dir, "contrats", row_index="src_row") if delta_only else None
    if scan is None:
        if delta_only:
            return pl.repeat(None, uids.len(), dtype=pl.UInt32, eager=True)
        scan = tables.scan(generation_dir, "contrats", row_index="src_row")
    rows = scan.select("src_row", "contrat_uid").filter(pl.col("contrat_uid").is_in(uids.implode())).collect()
    found = uids.rename("contrat_uid").to_frame().join(rows, on="contrat_uid", how="left", maintain_order="left")
    return found["src_row"].cast(pl.UInt32)


def _keys(generation_dir: Path, prefix: str) -> pl.DataFrame:
    """date_notification, contrat_uid, src_row of a segment's docs, in doc order."""
    docs = _read(generation_dir / f"{prefix}docs.arrow", ["date_notification", "src_row"])
    return docs.with_columns(_read(generation_dir / f"{prefix}docs_noms.arrow", ["contrat_uid"])["contrat_uid"])


def _remove(directory: Path, names) -> None:
    for name in names:
        (directory / name).unlink(missing_ok=True)
    for table in build.CHILD_TABLES:
        (directory / f"{build.DELTA}{table}.parquet").unlink(missing_ok=True)
