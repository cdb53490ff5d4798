"""The DECP import as a table of contents of named, timed steps (docs/decp-pipeline.md, decision 0005):

    materialise → read_and_clean → identify → score_quality → write_tables → prepare (beside it: verify) → publish
    (then, outside the store lock, the after-publish functions other apps registered)

Each step is one function of pilote.decp.steps; its duration goes to the report's `timings_s` under its French
name. Either the whole run succeeds and a new generation, with everything derived from it, is published
atomically, or it raises ImportFailed and the store is exactly as before. Inputs whose sha256 is already in the
current manifest are skipped (re-import is a no-op). The report's arithmetic is in pilote.decp.report.
"""

import contextlib
import ctypes
import datetime
import gc
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pilote.decp import hooks, provenance, report, store
from pilote.decp.errors import ImportFailed
from pilote.decp.readers import normalize_format
from pilote.decp.steps.identify import identify
from pilote.decp.steps.materialise import materialise
from pilote.decp.steps.prepare import prepare as prepare_generation
from pilote.decp.steps.publish import publish
from pilote.decp.steps.read_and_clean import ReadOptions, ReadOutcome, read_and_clean
from pilote.decp.steps.score_quality import WINNER, score_quality
from pilote.decp.steps.write_tables import write_tables


def new_run_id():
    now = datetime.datetime.now(tz=datetime.UTC)
    return now.strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(2)


def _silent(fraction, message):
    del fraction, message


@dataclass
class Run:
    """One import run: what every step needs besides its own inputs."""

    run_id: str
    data_dir: Path
    options: ReadOptions
    prepare: bool
    progress: object
    publisher: provenance.Publisher
    full: bool = False  # identity over every copy of the store (`decp rebuild`), not only the touched partitions
    started: float = field(default_factory=time.monotonic)
    timings: report.Timings = field(default_factory=report.Timings)

    @property
    def staging(self):
        return store.decp_dir(self.data_dir) / "tmp" / self.run_id

    def step(self, name, function, *args, **kwargs):
        return self.timings.run(name, function, *args, **kwargs)


def run_import(
    specs,
    *,
    source=None,
    fmt=None,
    data_dir=None,
    progress=None,
    today=None,
    cleaner="real",
    workers=None,
    prepare=True,
    after_publish=False,
    publisher=None,
):
    """Import inputs (paths or URLs); returns the report dict. Raises ImportFailed (store untouched).

    prepare: run the registered preparers inside the new generation before publishing it (False only to measure
    the import alone). after_publish: then run the registered after-publish functions; their failures are
    reported in `report["apres_publication"]` (French messages), never raised: the import stands.
    publisher: who the run publishes for (pilote.decp.provenance; default: the national source).
    """
    data_dir = store.data_dir_or_default(data_dir)
    options = ReadOptions(source=source, fmt=normalize_format(fmt), today=today, cleaner=cleaner, workers=workers)
    with store.import_lock(data_dir):
        _remove_leftovers(data_dir)
        run = Run(new_run_id(), data_dir, options, prepare, progress or _silent, publisher or provenance.national())
        try:
            result = _import(specs, run)
        finally:
            shutil.rmtree(run.staging, ignore_errors=True)
    if result["statut"] != "ok":
        return result
    if after_publish:
        run.progress(0.97, "Préparations après publication")
        result["apres_publication"] = run.step("apres_publication", hooks.run_after_publish, result)
    result["timings_s"] = run.timings.as_report()
    run.progress(1.0, "Import terminé")
    return result


def run_rebuild(*, data_dir=None, progress=None, prepare=True, after_publish=False):
    """`decp rebuild`: a new generation recomputed from every copy of the current one (identity over all copies,
    quality, tables, preparations), published like an import. The incremental path must give the same store
    (tests/decp/test_incremental.py). Returns the report; raises ImportFailed (store untouched)."""
    data_dir = store.data_dir_or_default(data_dir)
    with store.import_lock(data_dir):
        _remove_leftovers(data_dir)
        run = Run(new_run_id(), data_dir, ReadOptions(), prepare, progress or _silent, provenance.national())
        run.full = True
        manifest = store.current_manifest(data_dir)
        if manifest is None:
            raise ImportFailed("aucune génération DECP à reconstruire : importez d'abord des données")
        try:
            result = _publish_new_generation(run, ReadOutcome(), manifest, skipped=[])
        finally:
            shutil.rmtree(run.staging, ignore_errors=True)
    if after_publish:
        result["apres_publication"] = run.step("apres_publication", hooks.run_after_publish, result)
    result["timings_s"] = run.timings.as_report()
    run.progress(1.0, "Reconstruction terminée")
    return result


def _import(specs, run):
    """The table of contents, up to publication (under the store lock)."""
    manifest = store.current_manifest(run.data_dir)
    known = provenance.known_inputs(manifest, run.publisher)
    todo, skipped, total_bytes = run.step(
        "materialiser", materialise, specs, staging=run.staging, data_dir=run.data_dir, known=known,
        progress=run.progress,
    )  # fmt: skip
    ahead = _start_ahead(run) if todo else None
    try:
        outcome = run.step(
            "lire_nettoyer", read_and_clean, todo, parts=run.staging / "parts", run_id=run.run_id,
            options=run.options, total_bytes=total_bytes, progress=run.progress,
        )  # fmt: skip
        _return_freed_heap()
        provenance.restrict_to_buyers(run.staging / "parts", outcome, run.publisher)
        if not outcome.files:
            return report.noop_report(run.run_id, manifest, skipped, round(time.monotonic() - run.started, 2))
        return _publish_new_generation(run, outcome, manifest, skipped, ahead)
    finally:
        if ahead is not None:
            ahead.close()  # before the run's staging directory, where it wrote, is removed


def _start_ahead(run):
    """The preparers' work ahead of an import that will update the published generation (hooks.Ahead), beside
    the reading; None when there is none to update or nothing will be prepared."""
    old_dir = store.current_generation_dir(run.data_dir)
    if old_dir is None or not run.prepare:
        return None
    return hooks.Ahead(old_dir, run.staging / "avance")


def _publish_new_generation(run, outcome, manifest, skipped, ahead=None):
    """identify → … → verify and publish, from the run's parts (none for a rebuild) and the current generation."""
    run.progress(0.8, "Dédoublonnage et écriture de la génération")
    store.prune_superseded(run.data_dir)
    out = store.new_generation_dir(run.run_id, run.data_dir)
    try:
        result, prepared = _build_generation(out, run, outcome, ahead)
        result["duration_s"] = round(time.monotonic() - run.started, 2)
        run.progress(0.95, "Publication")
        run.step(
            "publier", publish, out, result, manifest=manifest, prepared=prepared,
            data_dir=run.data_dir,
        )  # fmt: skip
    except BaseException:
        # nothing was published: the unpublished generation (with whatever a preparer wrote) goes away
        shutil.rmtree(out, ignore_errors=True)
        raise
    result["skipped"] = skipped
    return result


def _build_generation(out, run, outcome, ahead=None):
    """identify → score_quality → write_tables → prepare, into the unpublished directory `out`.

    Returns (report, names of the preparations run)."""
    parts, old_dir = run.staging / "parts", store.current_generation_dir(run.data_dir)
    read, rejected = report.read_and_rejected(outcome.files, outcome.results)
    winners, counts = run.step(
        "identifier", identify, parts, old_dir, run.run_id, out, read=read, rejected=rejected,
        provenance=run.publisher.provenance, full=run.full,
    )  # fmt: skip
    qual, added = run.step("noter_qualite", score_quality, parts, old_dir, winners, run.run_id)
    # joined on the winner's position (an integer); a winner without a row (identify.rowless) has no quality row
    win = winners.drop("autres_montants", strict=False).with_row_index(WINNER).join(qual, on=WINNER).drop(WINNER)
    del winners, qual  # the joined frame is all write_tables needs
    changes = None
    if old_dir is not None and not run.full:
        # what the import changes (decision 0021): the tables are written, and the preparers update their
        # artefacts, for those contracts only; a rebuild asks for whole artefacts
        changes = run.step("changements", store.compute_changes_from, win, old_dir)
    run.step(
        "ecrire_tables", write_tables, out, parts, old_dir, run.run_id, win, outcome.results, workers=outcome.workers,
        changes=changes,
    )  # fmt: skip
    del win
    provenance.keep_publications(parts, old_dir, out, run.publisher)
    result = report.run_report(run.run_id, outcome.files, outcome.results, counts, added_codes=added)
    if changes is not None:
        result["changements"] = store.write_changes(out, old_dir, changes)
    run.progress(0.9, "Préparation et vérification de la nouvelle génération")
    # the tables are re-read and checked (store.verify: every table present and readable, unique contract ids;
    # their row counts, which the manifest states) while the preparers write their own files: a monthly file's
    # update at 1.6 M no longer waits for it (0.5 s after the preparations, and 0.45 s for the counts written
    # before them, session 16); its failure fails the run like a failed preparation
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verification") as pool:
        checked = pool.submit(store.verify, out)
        prepared = run.step("preparer", prepare_generation, out, enabled=run.prepare, ahead=ahead)
        result["totals"] = run.step("verifier", checked.result)
    return result, prepared


def _return_freed_heap():
    """Give the C heap's free pages back to the system after the read. The reader's Python objects (record lines
    cut in this process and sent to the workers) are freed by then, but glibc keeps their pages: at 1.63 M
    pretty-printed records, ~200 MB that the identity step's peak came on top of (sampled every 0.5 s with a
    20 ms allocator decay: 1,397 → 1,177 MiB; the whole command's peak with it, 1,228 MiB; session 15).
    Polars' own allocator is tuned apart (config/allocator.py). Elsewhere than glibc, nothing to do."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _remove_leftovers(data_dir):
    """Staging dirs of an import that was killed (we hold the lock: no other import is running)."""
    base = store.decp_dir(data_dir)
    for leftover in [*(base / "tmp").glob("*"), *(base / "generations").glob(".tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)
