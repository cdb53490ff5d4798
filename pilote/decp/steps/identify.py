"""Step 3, identify: every copy of the store (the current generation's copies and this run's new ones) gets its
contract (`contrat_uid`) and whether it is the retained copy (pilote.decp.identity). The report's counts are
taken here, and the `copies` table is written here, so that the copies frame (one row per copy: 1.6 M at
national scale) is freed before the next steps load their own data.

Dedup runs on key columns only (a few hundred bytes per copy): the wide contract rows are never grouped.
"""

import polars as pl

from pilote.decp import report
from pilote.decp.identity import IDENTIFIED, KEY_COLUMNS, assign_identity, assign_identity_touched
from pilote.decp.steps.staging import scan_parts


# Low-cardinality provenance as Categorical: the copies frame of a national store stays small in memory.
CATEGORICAL = ["import_run", "source", "fichier", "fichier_sha256", "tableau", "format", "type_contrat", "provenance"]


def identify(parts, old_dir, run_id, out, *, read, rejected, provenance="national", full=False):
    """Writes `out/copies.parquet`; returns (winners, report counts). Winners: one row per retained copy with
    import_run, record_key, contrat_uid, nb_copies. Raises ImportFailed when a record is unaccounted for.

    Identity is recomputed only for the partitions this run's copies touch (identity.assign_identity_touched);
    `full` (`decp rebuild`) recomputes it over every copy of the store."""
    stored = _stored(old_dir)
    new = _new_copies(parts, provenance)
    if (
        full
        or stored is None
        or new is None
        or not {*KEY_COLUMNS, *IDENTIFIED} <= set(stored.collect_schema().names())
    ):
        ident = assign_identity(_copies(parts, old_dir, provenance)).collect()
    else:
        cats = [pl.col(c).cast(pl.Categorical) for c in CATEGORICAL]
        stored = stored.select(*KEY_COLUMNS, *IDENTIFIED).with_columns(cats)
        ident = assign_identity_touched(new.with_columns(cats), stored).collect()
    counts = report.copy_counts(ident, run_id, read=read, rejected=rejected)
    ident.with_columns(pl.col(c).cast(pl.String) for c in CATEGORICAL).write_parquet(
        out / "copies.parquet", compression="zstd", row_group_size=100_000
    )
    nb_copies = ident.group_by("contrat_uid").agg(pl.len().cast(pl.Int32).alias("nb_copies"))
    winners = (
        ident.filter("retenue")
        .select(pl.col("import_run").cast(pl.String), "record_key", "contrat_uid")
        .join(nb_copies, on="contrat_uid")
    )
    return winners.join(_other_amounts(ident), on="contrat_uid", how="left"), counts


def _other_amounts(ident):
    """The usable amounts the other copies of a contract state (`autres_montants`): evidence for the unit-slip
    rule of the quality step (cleaning.flag_thousand_slips)."""
    c = pl.col
    return (
        ident.filter(~c("retenue") & c("cle_montant").is_not_null() & ~c("montant_inutilisable").fill_null(False))
        .group_by("contrat_uid")
        .agg(c("cle_montant").unique().alias("autres_montants"))
    )


def _new_copies(parts, provenance):
    new_c = scan_parts(parts, "contrats")
    return None if new_c is None else new_c.select(KEY_COLUMNS).with_columns(pl.lit(provenance).alias("provenance"))


def _stored(old_dir):
    return None if old_dir is None else pl.scan_parquet(old_dir / "copies.parquet")


def _copies(parts, old_dir, provenance="national"):
    """Key columns of every copy: this run's parts and the current generation's `copies` table; `provenance`
    (pilote.decp.provenance) is this run's for its copies, « national » for copies stored before the column."""
    frames = []
    new_c = _new_copies(parts, provenance)
    if new_c is not None:
        frames.append(new_c)
    if old_dir is not None:
        old = _stored(old_dir)
        if "montant_inutilisable" not in old.collect_schema():  # generations written before the column
            old = old.with_columns(pl.lit(False).alias("montant_inutilisable"))
        for name, dtype in (("cle_lot", pl.String), ("cle_montant", pl.Float64), ("cle_titulaire", pl.String)):
            if name not in old.collect_schema():  # generations written before the column
                old = old.with_columns(pl.lit(None, dtype).alias(name))
        if "provenance" not in old.collect_schema():
            old = old.with_columns(pl.lit("national").alias("provenance"))
        frames.append(old.select(*KEY_COLUMNS, "provenance"))
    narrow = pl.concat(frames, how="diagonal_relaxed") if frames else _empty_copies()
    return narrow.with_columns(pl.col(c).cast(pl.Categorical) for c in CATEGORICAL)


def _empty_copies():
    schema = dict.fromkeys([*KEY_COLUMNS, "provenance"], pl.String)
    schema.update(
        {
            "record_key": pl.Int64,
            "position": pl.Int64,
            "cle_date_notification": pl.Date,
            "date_derniere_publication": pl.Date,
            "nb_modifications": pl.Int32,
            "montant_inutilisable": pl.Boolean,
            "cle_lot": pl.String,
            "cle_montant": pl.Float64,
        }
    )
    return pl.LazyFrame(schema=schema)
