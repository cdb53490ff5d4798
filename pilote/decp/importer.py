"""The DECP import run: inputs → staging parts → a new store generation (merged with the current one) → report.

`run_import` is what the `decp import` command and the background task call. Either the whole run succeeds and
a new generation is published atomically, or it raises ImportFailed and the store is exactly as before. Inputs
whose sha256 is already in the current manifest are skipped (re-import is a no-op).

Report semantics (docs/decp-pipeline.md): for the records read in this run,
    read = stored + duplicates + rejected
stored = contracts new to the store; duplicates = copies of a contract already in the store or already read in
this run (they keep their provenance in `copies`; the latest publication is the retained copy); rejected =
records that could not be mapped, written with their reason to `rejets`.
"""

import datetime
import secrets
import shutil
import time
from collections import Counter
from pathlib import Path

import polars as pl

from pilote.decp import store
from pilote.decp.cleaning_adapter import outlier_flagger
from pilote.decp.dedup import KEY_COLUMNS, assign_identity
from pilote.decp.errors import ImportFailed
from pilote.decp.generation import write_tables
from pilote.decp.ingest import Reader
from pilote.decp.readers import normalize_format
from pilote.decp.readers.sources import materialize


REJETS_SCHEMA = {
    "import_run": pl.String,
    "fichier": pl.String,
    "tableau": pl.String,
    "position": pl.Int64,
    "motif": pl.String,
    "message": pl.String,
    "extrait": pl.String,
}
_CATEGORICAL = ["import_run", "source", "fichier", "fichier_sha256", "tableau", "format", "type_contrat"]
_COPY_COLUMNS = KEY_COLUMNS  # the copies table: provenance + identity columns of every copy


def new_run_id():
    now = datetime.datetime.now(tz=datetime.UTC)
    return now.strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(2)


def _source_name(name):
    base = Path(str(name).split(":")[-1].split("?")[0]).name
    for ext in (".gz", ".zip", ".json", ".xml", ".csv", ".parquet"):
        base = base.removesuffix(ext)
    return base or "inconnue"


def _scan_parts(parts, table):
    files = sorted((parts / table).glob("*.parquet")) if (parts / table).exists() else []
    return pl.scan_parquet(files) if files else None


def run_import(
    specs, *, source=None, fmt=None, data_dir=None, progress=None, today=None, cleaner="real", workers=None
):
    """Import inputs (paths or URLs); returns the report dict. Raises ImportFailed (store untouched)."""
    started = time.monotonic()
    data_dir = store.data_dir_or_default(data_dir)
    fmt = normalize_format(fmt)
    report_progress = progress or (lambda fraction, message: None)
    with store.import_lock(data_dir):
        _remove_leftovers(data_dir)
        run_id = new_run_id()
        staging = store.decp_dir(data_dir) / "tmp" / run_id
        reader = None
        try:
            manifest = store.current_manifest(data_dir)
            known = {i["sha256"] for i in (manifest or {}).get("inputs", [])}
            files, results, skipped = [], [], []
            inputs = []
            for spec in specs:
                report_progress(0.0, f"Préparation de {spec}")
                inputs.extend(materialize(spec, staging / "work", store.decp_dir(data_dir) / "cache"))
            total_bytes = sum(max(i.path.stat().st_size, 1) for i in inputs) or 1
            done_bytes = 0
            for file_no, inp in enumerate(inputs):
                if inp.sha256 in known:
                    skipped.append({"fichier": inp.name, "sha256": inp.sha256, "motif": "déjà importé"})
                    continue
                known.add(inp.sha256)
                size = max(inp.path.stat().st_size, 1)

                def on_progress(done, total, _base=done_bytes, _name=inp.name):
                    report_progress(0.8 * (_base + done) / total_bytes, f"Lecture de {_name}")

                if reader is None:
                    reader = Reader(
                        staging / "parts", import_run=run_id, today=today, cleaner=cleaner, workers=workers
                    )
                reader.progress = on_progress
                src = source or _source_name(inp.name)
                result = reader.read(inp, file_no=file_no, source=src, fmt=fmt)
                done_bytes += size
                files.append(
                    {
                        "fichier": inp.name,
                        "sha256": inp.sha256,
                        "taille": inp.size,
                        "format": result.format,
                        "source": src,
                        "import_run": run_id,
                        "read": result.read,
                        "rejected": len(result.rejects),
                        "lignes": result.rows,
                    }
                )
                results.append(result)
            workers = 1
            if reader is not None:
                reader.ensure_parts()
                # the generation's new parts are written in parallel only when the reading needed a pool (big input)
                workers = reader.workers if reader.pool_started else 1
                reader.close()
            if not files:
                return _noop_report(run_id, manifest, skipped, started)
            report_progress(0.8, "Dédoublonnage et écriture de la génération")
            read_done = time.monotonic()
            report = _build_generation(data_dir, staging, run_id, manifest, files, results, started, workers)
            report["timings_s"] = {
                "lecture_nettoyage": round(read_done - started, 2),
                "dedoublonnage_ecriture": round(time.monotonic() - read_done, 2),
                **report.pop("_etapes", {}),
            }
            report["skipped"] = skipped
            report_progress(1.0, "Import terminé")
            return report
        finally:
            if reader is not None:
                reader.close()
            shutil.rmtree(staging, ignore_errors=True)


def _remove_leftovers(data_dir):
    """Staging dirs of an import that was killed (we hold the lock: no other import is running)."""
    base = store.decp_dir(data_dir)
    for leftover in [*(base / "tmp").glob("*"), *(base / "generations").glob(".tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _noop_report(run_id, manifest, skipped, started):
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
        "duration_s": round(time.monotonic() - started, 2),
    }


def _empty_contrats():
    schema = dict.fromkeys(_COPY_COLUMNS, pl.String)
    schema.update(
        {
            "record_key": pl.Int64,
            "position": pl.Int64,
            "cle_date_notification": pl.Date,
            "date_derniere_publication": pl.Date,
            "nb_modifications": pl.Int32,
        }
    )
    return pl.LazyFrame(schema=schema)


def _build_generation(data_dir, staging, run_id, manifest, files, results, started, workers=1):
    parts = staging / "parts"
    old_dir = store.current_generation_dir(data_dir)
    gen_id = run_id
    out = store.new_generation_dir(gen_id, data_dir)
    try:
        return _write_generation(
            data_dir, parts, out, old_dir, run_id, gen_id, manifest, files, results, started, workers
        )
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise


def _write_generation(data_dir, parts, out, old_dir, run_id, gen_id, manifest, files, results, started, workers):
    steps, last = {}, [time.monotonic()]

    def step(name):  # seconds per stage of this phase, reported in timings_s (read by the benchmark)
        now = time.monotonic()
        steps[name] = round(now - last[0], 2)
        last[0] = now

    new_c = _scan_parts(parts, "contrats")
    frames = []
    if new_c is not None:
        frames.append(new_c.select(_COPY_COLUMNS))
    if old_dir is not None:
        frames.append(pl.scan_parquet(old_dir / "copies.parquet").select(_COPY_COLUMNS))
    narrow = pl.concat(frames, how="diagonal_relaxed") if frames else _empty_contrats()
    # Low-cardinality provenance as Categorical: the copies frame of a national store stays small in memory.
    narrow = narrow.with_columns(pl.col(c).cast(pl.Categorical) for c in _CATEGORICAL)
    ident = assign_identity(narrow).collect()
    step("identite")

    # -- report counts ------------------------------------------------------------------------------------------
    is_new = pl.col("import_run") == run_id
    new_copies = ident.filter(is_new).select("record_key", "contrat_uid", "source", "retenue")
    old_uids = ident.filter(~is_new).select("contrat_uid").unique()
    read = sum(f["read"] for f in files)
    rejected = sum(len(r.rejects) for r in results)
    if new_copies.height != read - rejected:
        raise ImportFailed(
            f"comptes incohérents : {read} lus, {rejected} rejetés mais {new_copies.height} copies écrites"
        )
    first_new = (
        new_copies.sort("record_key")
        .with_columns(pl.int_range(pl.len()).over("contrat_uid").alias("_rang"))
        .join(old_uids.with_columns(pl.lit(True).alias("_existait")), on="contrat_uid", how="left")
    )
    is_stored = (pl.col("_rang") == 0) & pl.col("_existait").is_null()
    stored = first_new.filter(is_stored).height
    dup_by_source = {
        str(k): v for k, v in first_new.filter(~is_stored).group_by("source").len().sort("source").iter_rows()
    }
    replaced = first_new.filter(pl.col("retenue") & pl.col("_existait").is_not_null()).height
    del new_copies, first_new, old_uids

    # -- copies: every copy with its provenance -------------------------------------------------------------------
    ident.with_columns(pl.col(c).cast(pl.String) for c in _CATEGORICAL).write_parquet(
        out / "copies.parquet", compression="zstd", row_group_size=100_000
    )
    nb_copies = ident.group_by("contrat_uid").agg(pl.len().cast(pl.Int32).alias("nb_copies"))
    winners = (
        ident.filter("retenue")
        .select(pl.col("import_run").cast(pl.String), "record_key", "contrat_uid")
        .join(nb_copies, on="contrat_uid")
    )
    del ident, nb_copies
    step("copies")

    # -- quality over the whole deduplicated set, then the tables in bounded memory ------------------------------
    qual, outlier_counts = _outliers(new_c, old_dir, winners, run_id)
    step("valeurs_atypiques")
    write_tables(out, parts, old_dir, run_id, winners.join(qual, on="contrat_uid"), workers=workers)
    step("tables")

    # -- rejects ------------------------------------------------------------------------------------------------
    rejects = [r for res in results for r in res.rejects]
    new_rejets = pl.DataFrame(
        [
            {
                "import_run": run_id,
                "fichier": f,
                "tableau": t,
                "position": p,
                "motif": motif,
                "message": f"Fichier « {f} », enregistrement n° {p} du tableau « {t} » : {motif}",
                "extrait": ex,
            }
            for f, t, p, motif, ex in rejects
        ],
        schema=REJETS_SCHEMA,
    )
    if old_dir is not None:
        new_rejets = pl.concat([pl.read_parquet(old_dir / "rejets.parquet"), new_rejets], how="diagonal_relaxed")
    new_rejets.write_parquet(out / "rejets.parquet", compression="zstd")

    # -- flags, manifest, publish ---------------------------------------------------------------------------------
    flagged = Counter()
    for res in results:
        flagged.update(res.codes)
    flagged.update(outlier_counts)
    counts = {t: pl.scan_parquet(out / f"{t}.parquet").select(pl.len()).collect().item() for t in store.TABLES}
    report = {
        "import_run": run_id,
        "statut": "ok",
        "generation": gen_id,
        "read": read,
        "stored": stored,
        "duplicates": read - rejected - stored,
        "rejected": rejected,
        "flagged": dict(flagged.most_common()),
        "duplicates_by_source": dup_by_source,
        "replaced": replaced,
        "files": files,
        "totals": counts,
    }
    step("rejets_comptes")
    previous = (manifest or {}).get("generation")
    report["duration_s"] = round(time.monotonic() - started, 2)
    new_manifest = {
        "generation": gen_id,
        "created": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
        "previous": previous,
        "pipeline_version": store.PIPELINE_VERSION,
        "schema_version": store.SCHEMA_VERSION,
        "inputs": [*(manifest or {}).get("inputs", []), *files],
        "counts": counts,
        "runs": [*(manifest or {}).get("runs", []), _run_summary(report)],
    }
    store.publish(out, new_manifest, data_dir)
    step("publication")
    report["_etapes"] = steps
    return report


def _run_summary(report):
    keys = ("import_run", "read", "stored", "duplicates", "rejected", "replaced", "duration_s")
    return {k: report[k] for k in keys} | {"fichiers": [f["fichier"] for f in report["files"]]}


def _outliers(new_c, old_dir, winners, run_id):
    """Final `qualite` per contract: base quality + statistical amount flags over the whole deduplicated set.

    Returns (contrat_uid → qualite frame, counts of the codes added to this run's retained contracts).
    """
    cols = ["montant", "code_cpv", "nature", "type_contrat"]
    pieces = []
    if new_c is not None:
        pieces.append(
            new_c.select("record_key", *cols, "qualite")
            .with_columns(pl.lit(run_id).alias("import_run"))
            .join(winners.lazy().select("import_run", "record_key", "contrat_uid"), on=["import_run", "record_key"])
        )
    if old_dir is not None:
        pieces.append(
            pl.scan_parquet(old_dir / "contrats.parquet")
            .select("import_run", "record_key", *cols, pl.col("_qualite_base").alias("qualite"))
            .join(winners.lazy().select("import_run", "record_key", "contrat_uid"), on=["import_run", "record_key"])
        )
    narrow = pl.concat(pieces, how="diagonal_relaxed").collect()
    base = narrow.select("contrat_uid", "import_run", pl.col("qualite").alias("_base"))
    if narrow.schema["montant"].is_numeric():
        narrow = outlier_flagger()(narrow)
    qual = narrow.select("contrat_uid", "qualite")
    added = (
        qual.join(base.filter(pl.col("import_run") == run_id), on="contrat_uid")
        .select(pl.col("qualite").list.set_difference(pl.col("_base")).alias("q"))
        .explode("q")
        .drop_nulls()
        .group_by("q")
        .len()
    )
    return qual, dict(added.iter_rows())
