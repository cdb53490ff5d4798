"""The import report's arithmetic (docs/decp-pipeline.md, "Report").

For the records read in this run:
    read = stored + duplicates + rejected
stored = contracts new to the store; duplicates = copies of a contract already in the store or already read in
this run (they keep their provenance in `copies`; the latest publication is the retained copy); rejected =
records that could not be mapped, written with their reason to `rejets`. The balance is checked before anything
is published: a record unaccounted for aborts the import.
"""

import time
from collections import Counter

import polars as pl

from pilote.decp.errors import ImportFailed


# Totals kept under their former names (the benchmark reads them): reading = the steps up to read_and_clean,
# dedup + writing = the steps after it except preparation and after-publish (other apps' work, measured on its own).
READING_STEPS = ("materialiser", "lire_nettoyer")
OTHER_APPS_STEPS = ("preparer", "apres_publication")


class Timings:
    """Seconds per named step of one run, in the order the steps ran."""

    def __init__(self):
        self.steps = {}

    def run(self, name, function, *args, **kwargs):
        started = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            self.steps[name] = round(time.monotonic() - started, 2)

    def as_report(self):
        reading = sum(v for k, v in self.steps.items() if k in READING_STEPS)
        writing = sum(v for k, v in self.steps.items() if k not in (*READING_STEPS, *OTHER_APPS_STEPS))
        return {"lecture_nettoyage": round(reading, 2), "dedoublonnage_ecriture": round(writing, 2), **self.steps}


def read_and_rejected(files, results):
    """Records read in this run's new files, and how many of them were rejected."""
    return sum(f["read"] for f in files), sum(len(r.rejects) for r in results)


def check_balance(read, rejected, copies_written):
    """Every record read is either a copy written to the store or a reject: anything else aborts the import."""
    if copies_written != read - rejected:
        raise ImportFailed(
            f"comptes incohérents : {read} lus, {rejected} rejetés mais {copies_written} copies écrites"
        )


def copy_counts(ident, run_id, *, read, rejected):
    """stored / duplicates / replaced / duplicates by source, from the identified copies (`contrat_uid`, `retenue`,
    `import_run`, `record_key`, `source`) of the whole store."""
    is_new = pl.col("import_run") == run_id
    new_copies = ident.filter(is_new).select("record_key", "contrat_uid", "source", "retenue")
    check_balance(read, rejected, new_copies.height)
    old_uids = ident.filter(~is_new).select("contrat_uid").unique()
    # the first copy read of a contract the store did not hold is "stored"; every other copy is a duplicate (the
    # first in reading order by a first-distinct mask: a window numbering every copy took 1.1 s at 1.6 M)
    first_new = (
        new_copies.sort("record_key")
        .with_columns(pl.col("contrat_uid").is_first_distinct().alias("_premiere"))
        .join(old_uids.with_columns(pl.lit(True).alias("_existait")), on="contrat_uid", how="left")
    )
    is_stored = pl.col("_premiere") & pl.col("_existait").is_null()
    by_source = first_new.filter(~is_stored).group_by("source").len().sort("source")
    stored = first_new.filter(is_stored).height
    return {
        "stored": stored,
        "duplicates": read - rejected - stored,
        "duplicates_by_source": {str(k): v for k, v in by_source.iter_rows()},
        "replaced": first_new.filter(pl.col("retenue") & pl.col("_existait").is_not_null()).height,
    }


def flagged(results, added_codes):
    """Records read carrying each rule code (reader + cleaning), plus the codes added over the whole store to this
    run's retained contracts (statistical amount flags), most frequent first."""
    counts = Counter()
    for result in results:
        counts.update(result.codes)
    counts.update(added_codes)
    return dict(counts.most_common())


def run_report(run_id, files, results, counts, *, added_codes):
    read, rejected = read_and_rejected(files, results)
    return {
        "import_run": run_id,
        "statut": "ok",
        "generation": run_id,
        "read": read,
        "stored": counts["stored"],
        "duplicates": counts["duplicates"],
        "rejected": rejected,
        "flagged": flagged(results, added_codes),
        "duplicates_by_source": counts["duplicates_by_source"],
        "replaced": counts["replaced"],
        # contracts identity holds whose retained copy has no stored row (steps/identify.rowless)
        "contrats_sans_ligne": counts.get("sans_ligne", []),
        "files": files,
        # "totals" (rows of each table) is added once the tables are verified (pipeline)
    }


def noop_report(run_id, manifest, skipped, duration_s):
    """Every input was already imported: nothing read, the current generation stays."""
    return {
        "import_run": run_id,
        "statut": "deja_importe",
        "generation": (manifest or {}).get("generation"),
        "read": 0,
        "stored": 0,
        "duplicates": 0,
        "rejected": 0,
        "flagged": {},
        "duplicates_by_source": {},
        "replaced": 0,
        "files": [],
        "skipped": skipped,
        "duration_s": duration_s,
    }


def run_summary(report):
    """What the manifest keeps of each run."""
    keys = ("import_run", "read", "stored", "duplicates", "rejected", "replaced", "duration_s")
    return {k: report[k] for k in keys} | {"fichiers": [f["fichier"] for f in report["files"]]}
