"""Contract versions: the state of each retained contract after each modification.

Version 0 is the initial state (notification). Version k applies modification k (in `rang` order): a
modification carries *new values* (DECP semantics), so montant, duree_mois and titulaires are taken from it
when present and carried over from the previous version otherwise (forward fill).
"""

import polars as pl


def _num(frame, col, dtype):
    """Cleaned numeric column when cleaning typed it, else a lenient cast of the raw string."""
    if frame.collect_schema().get(col) in (pl.Float64, pl.Int32, pl.Int64, pl.Float32):
        return pl.col(col).cast(dtype)
    return pl.col(col).cast(pl.String).str.replace_all(r"\s", "").str.replace(",", ".").cast(dtype, strict=False)


def _date(frame, col):
    if frame.collect_schema().get(col) == pl.Date:
        return pl.col(col)
    return pl.col(col).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def build_versions(contrats, modifications, titulaires):
    """Lazy frames (retained rows, each with contrat_uid, import_run, record_key) → lazy versions frame."""
    tits = (
        titulaires.with_columns(
            pl.concat_str(
                [pl.col("type_identifiant").fill_null("?"), pl.col("titulaire_id").fill_null("?")], separator=":"
            ).alias("t")
        )
        .sort("rang")
        .group_by("contrat_uid", "modification_id")
        .agg(pl.col("t").alias("titulaires"))
    )
    initial = contrats.select(
        "contrat_uid",
        "import_run",
        "record_key",
        pl.lit(0, pl.Int32).alias("version"),
        pl.lit(None, pl.String).alias("modification_id"),
        _date(contrats, "date_notification").alias("date_effet"),
        _date(contrats, "date_publication_donnees").alias("date_publication"),
        _num(contrats, "montant", pl.Float64).alias("montant"),
        _num(contrats, "duree_mois", pl.Int32).alias("duree_mois"),
    ).join(tits.filter(pl.col("modification_id").is_null()).drop("modification_id"), on="contrat_uid", how="left")
    mods = modifications.select(
        "contrat_uid",
        "import_run",
        "record_key",
        (pl.col("rang").cast(pl.Int32) + 1).alias("version"),
        pl.col("modification_id").cast(pl.String),
        _date(modifications, "date_notification_modification").alias("date_effet"),
        _date(modifications, "date_publication_donnees_modification").alias("date_publication"),
        _num(modifications, "montant", pl.Float64).alias("montant"),
        _num(modifications, "duree_mois", pl.Int32).alias("duree_mois"),
    ).join(tits.filter(pl.col("modification_id").is_not_null()), on=["contrat_uid", "modification_id"], how="left")
    return (
        pl.concat([initial, mods], how="diagonal_relaxed")
        .sort("contrat_uid", "version")
        .with_columns(
            pl.col("montant", "duree_mois", "titulaires").forward_fill().over("contrat_uid"),
        )
    )
