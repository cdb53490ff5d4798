"""Step 4, score quality: the final `qualite` of every retained contract = its base quality (cleaning rules and
reader repairs, kept in `_qualite_base`) + the statistical amount flags, recomputed over the whole deduplicated
set at each import (an outlier is one among its peers, and the peers change with every import), and the unit slips
that another copy or a modification of the same contract proves (`montant_erreur_mille`).

Rows are named by the winner's position (`WINNER`, an integer), not by contrat_uid: the step reads every stored
contract, and each copy of 1.47 M uid strings cost ~60 MB and a string join (session 15)."""

import polars as pl

from pilote.decp import tables
from pilote.decp.cleaning import flag_amount_outliers, flag_thousand_slips
from pilote.decp.steps.staging import scan_parts


_COLUMNS = ["montant", "code_cpv", "nature", "type_contrat"]
WINNER = "_gagnant"  # position of the row in `winners`


def score_quality(parts, old_dir, winners, run_id):
    """Returns (WINNER → qualite frame, one row per winner whose row was found; counts of the codes added to this
    run's retained contracts)."""
    keys = winners.lazy().select("import_run", "record_key").with_row_index(WINNER)
    narrow = _retained(parts, old_dir, keys, run_id)
    new = narrow["import_run"] == run_id
    base = narrow["qualite"].filter(new)
    if narrow.schema["montant"].is_numeric():  # the "identity" cleaner of pipeline tests leaves strings
        evidence = _evidence(parts, old_dir, winners, keys, run_id)
        narrow = flag_thousand_slips(flag_amount_outliers(narrow), evidence, key=WINNER)
    qual = narrow.select(WINNER, "qualite")
    # the flags keep the rows' order: this run's rows, before and after, line up
    added = (
        pl.DataFrame({"q": qual["qualite"].filter(new).list.set_difference(base)})
        .explode("q")
        .drop_nulls()
        .group_by("q")
        .len()
    )
    return qual, dict(added.iter_rows())


def _retained(parts, old_dir, keys, run_id):
    """The columns the amount flags need, for the retained copies only (new parts and current generation)."""
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
    return pl.concat(pieces, how="diagonal_relaxed").drop("record_key").collect()


def _evidence(parts, old_dir, winners, keys, run_id):
    """Amounts that other copies (identify step) and the modifications of each retained contract state."""
    c = pl.col
    frames = []
    if "autres_montants" in winners.columns:
        frames.append(
            winners.select(c("autres_montants").alias("autre"))
            .with_row_index(WINNER)
            .explode("autre")
            .drop_nulls()
            .with_columns(pl.lit("copie").alias("preuve"))
        )
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
            .select(WINNER, c("montant").cast(pl.Float64, strict=False).alias("autre"))
            .drop_nulls()
            .with_columns(pl.lit("modification").alias("preuve"))
            .collect()
        )
    schema = {WINNER: pl.UInt32, "autre": pl.Float64, "preuve": pl.String}
    return pl.concat([f.cast(schema) for f in frames]) if frames else pl.DataFrame(schema=schema)
