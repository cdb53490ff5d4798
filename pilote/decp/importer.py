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
from pilote.decp.ingest import Reader
from pilote.decp.readers import normalize_format
from pilote.decp.readers.sources import materialize
from pilote.decp.versions import build_versions


CHILD_TABLES = ("titulaires", "modifications", "actes_sous_traitance")
REJETS_SCHEMA = {
    "import_run": pl.String,
    "fichier": pl.String,
    "tableau": pl.String,
    "position": pl.Int64,
    "motif": pl.String,
    "message": pl.String,
    "extrait": pl.String,
}
_NARROW = [
    "import_run",
    "record_key",
    "source",
    *[c for c in KEY_COLUMNS if c.startswith(("type_", "cle_"))],
    "date_derniere_publication",
    "nb_modifications",
]


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
            if reader is not None:
                reader.ensure_parts()
                reader.close()
            if not files:
                return _noop_report(run_id, manifest, skipped, started)
            report_progress(0.8, "Dédoublonnage et écriture de la génération")
            read_done = time.monotonic()
            report = _build_generation(data_dir, staging, run_id, manifest, files, results, started)
            report["timings_s"] = {
                "lecture_nettoyage": round(read_done - started, 2),
                "dedoublonnage_ecriture": round(time.monotonic() - read_done, 2),
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
    schema = dict.fromkeys(_NARROW, pl.String)
    schema.update(
        {
            "record_key": pl.Int64,
            "cle_date_notification": pl.Date,
            "date_derniere_publication": pl.Date,
            "nb_modifications": pl.Int32,
        }
    )
    return pl.LazyFrame(schema=schema)


def _build_generation(data_dir, staging, run_id, manifest, files, results, started):
    parts = staging / "parts"
    old_dir = store.current_generation_dir(data_dir)
    gen_id = run_id
    out = store.new_generation_dir(gen_id, data_dir)
    try:
        return _write_generation(data_dir, parts, out, old_dir, run_id, gen_id, manifest, files, results, started)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise


def _write_generation(data_dir, parts, out, old_dir, run_id, gen_id, manifest, files, results, started):
    new_c = _scan_parts(parts, "contrats")
    frames = []
    if new_c is not None:
        frames.append(new_c.select(_NARROW))
    if old_dir is not None:
        frames.append(pl.scan_parquet(old_dir / "copies.parquet").select(_NARROW))
    narrow = pl.concat(frames, how="diagonal_relaxed") if frames else _empty_contrats()
    ident = assign_identity(narrow).select("import_run", "record_key", "source", "contrat_uid", "retenue").collect()

    # -- report counts ------------------------------------------------------------------------------------------
    is_new = pl.col("import_run") == run_id
    new_copies = ident.filter(is_new)
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
    dup_by_source = dict(first_new.filter(~is_stored).group_by("source").len().sort("source").iter_rows())
    replaced = first_new.filter(pl.col("retenue") & pl.col("_existait").is_not_null()).height

    winners = ident.filter("retenue").select("import_run", "record_key", "contrat_uid")
    nb_copies = ident.group_by("contrat_uid").agg(pl.len().cast(pl.Int32).alias("nb_copies"))
    winners_new = winners.filter(is_new).drop("import_run").lazy()
    winners_old = winners.filter(~is_new).lazy()

    # -- copies: every copy with its provenance -------------------------------------------------------------------
    prov = [c for c in KEY_COLUMNS if c != "source"]
    prov_frames = [] if new_c is None else [new_c.select(prov)]
    if old_dir is not None:
        prov_frames.append(pl.scan_parquet(old_dir / "copies.parquet").select(prov))
    copies = ident.lazy().join(pl.concat(prov_frames, how="diagonal_relaxed"), on=["import_run", "record_key"])
    copies.sink_parquet(out / "copies.parquet", compression="zstd")

    # -- contrats: the retained copy of each contract -------------------------------------------------------------
    pieces = []
    if new_c is not None:
        pieces.append(new_c.join(winners_new, on="record_key").with_columns(pl.col("qualite").alias("_qualite_base")))
    if old_dir is not None:
        old_c = pl.scan_parquet(old_dir / "contrats.parquet").drop("contrat_uid", "nb_copies", "qualite")
        pieces.append(old_c.join(winners_old, on=["import_run", "record_key"]))
    contrats = pl.concat(pieces, how="diagonal_relaxed").join(nb_copies.lazy(), on="contrat_uid")
    qual = _outliers(contrats)
    contrats.drop("qualite", strict=False).join(qual, on="contrat_uid").sink_parquet(
        out / "contrats.parquet", compression="zstd", row_group_size=100_000
    )

    # -- child tables of retained copies ----------------------------------------------------------------------
    for table in CHILD_TABLES:
        pieces = []
        new_t = _scan_parts(parts, table)
        if new_t is not None:
            pieces.append(new_t.join(winners_new, on="record_key").with_columns(pl.lit(run_id).alias("import_run")))
        if old_dir is not None:
            old_t = pl.scan_parquet(old_dir / f"{table}.parquet").drop("contrat_uid")
            pieces.append(old_t.join(winners_old, on=["import_run", "record_key"]))
        if pieces:
            pl.concat(pieces, how="diagonal_relaxed").sink_parquet(out / f"{table}.parquet", compression="zstd")
        else:
            pl.DataFrame(
                schema={"import_run": pl.String, "record_key": pl.Int64, "contrat_uid": pl.String}
            ).write_parquet(out / f"{table}.parquet")
    build_versions(
        pl.scan_parquet(out / "contrats.parquet"),
        pl.scan_parquet(out / "modifications.parquet"),
        pl.scan_parquet(out / "titulaires.parquet"),
    ).sink_parquet(out / "versions.parquet", compression="zstd")

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
    outlier_codes = (
        pl.scan_parquet(out / "contrats.parquet")
        .filter(pl.col("import_run") == run_id)
        .select(pl.col("qualite").list.set_difference(pl.col("_qualite_base")).alias("q"))
        .explode("q")
        .drop_nulls()
        .group_by("q")
        .len()
        .collect()
    )
    flagged.update(dict(outlier_codes.iter_rows()))
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
    return report


def _run_summary(report):
    keys = ("import_run", "read", "stored", "duplicates", "rejected", "replaced", "duration_s")
    return {k: report[k] for k in keys} | {"fichiers": [f["fichier"] for f in report["files"]]}


def _outliers(contrats):
    """qualite = base quality + statistical amount flags computed over the whole deduplicated set."""
    narrow = contrats.select(
        "contrat_uid", "montant", "code_cpv", "nature", "type_contrat", pl.col("_qualite_base").alias("qualite")
    ).collect()
    flag = outlier_flagger()
    if flag is not None and narrow.schema["montant"].is_numeric():
        narrow = flag(narrow)
    return narrow.select("contrat_uid", "qualite").lazy()
