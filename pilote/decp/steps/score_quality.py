"""Step 4, score quality: the final `qualite` of every retained contract = its base quality (cleaning rules and
reader repairs, kept in `_qualite_base`) + the statistical amount flags, recomputed over the whole deduplicated
set at each import (an outlier is one among its peers, and the peers change with every import), and the unit slips
that another copy or a modification of the same contract proves (`montant_erreur_mille`)."""

import polars as pl

from pilote.decp import tables
from pilote.decp.cleaning import flag_amount_outliers, flag_thousand_slips
from pilote.decp.steps.staging import scan_parts


_COLUMNS = ["montant", "code_cpv", "nature", "type_contrat"]


def score_quality(parts, old_dir, winners, run_id):
    """Returns (contrat_uid → qualite frame, counts of the codes added to this run's retained contracts)."""
    narrow = _retained(parts, old_dir, winners, run_id)
    base = narrow.select("contrat_uid", "import_run", pl.col("qualite").alias("_base"))
    if narrow.schema["montant"].is_numeric():  # the "identity" cleaner of pipeline tests leaves strings
        narrow = flag_thousand_slips(flag_amount_outliers(narrow), _evidence(parts, old_dir, winners, run_id))
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


def _retained(parts, old_dir, winners, run_id):
    """The columns the amount flags need, for the retained copies only (new parts and current generation)."""
    keys = winners.lazy().select("import_run", "record_key", "contrat_uid")
    pieces = []
    new_c = scan_parts(parts, "contrats")
    if new_c is not None:
        pieces.append(
            new_c.select("record_key", *_COLUMNS, "qualite")
            .with_columns(pl.lit(run_id).alias("import_run"))
            .join(keys, on=["import_run", "record_key"])
        )
    if old_dir is not None:
        pieces.append(
            tables.scan(old_dir, "contrats")
            .select("import_run", "record_key", *_COLUMNS, pl.col("_qualite_base").alias("qualite"))
            .join(keys, on=["import_run", "record_key"])
        )
    return pl.concat(pieces, how="diagonal_relaxed").collect()


def _evidence(parts, old_dir, winners, run_id):
    """Amounts that other copies (identify step) and the modifications of each retained contract state."""
    c = pl.col
    frames = []
    if "autres_montants" in winners.columns:
        frames.append(
            winners.select("contrat_uid", c("autres_montants").alias("autre"))
            .explode("autre")
            .drop_nulls()
            .with_columns(pl.lit("copie").alias("preuve"))
        )
    keys = winners.lazy().select("import_run", "record_key", "contrat_uid")
    mods = []
    new_m = scan_parts(parts, "modifications")
    if new_m is not None:
        mods.append(new_m.select("record_key", "montant").with_columns(pl.lit(run_id).alias("import_run")))
    if old_dir is not None and tables.parts(old_dir, "modifications").exists():
        mods.append(tables.scan(old_dir, "modifications").select("import_run", "record_key", "montant"))
    if mods:
        amounts = pl.concat(mods, how="diagonal_relaxed").filter(c("montant").is_not_null())
        frames.append(
            amounts.join(keys, on=["import_run", "record_key"])
            .select("contrat_uid", c("montant").cast(pl.Float64, strict=False).alias("autre"))
            .drop_nulls()
            .with_columns(pl.lit("modification").alias("preuve"))
            .collect()
        )
    schema = {"contrat_uid": pl.String, "autre": pl.Float64, "preuve": pl.String}
    return pl.concat([f.cast(schema) for f in frames]) if frames else pl.DataFrame(schema=schema)
