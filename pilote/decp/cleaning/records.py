"""Records that are not contracts: test records of the publishers' platforms and records too broken to be a
contract. They are rejected (with a French reason, into the `rejets` table) after cleaning, so that they count in
no figure and are accounted for in the import report (`read = stored + duplicates + rejected`).

- test records: the AIFE consolidated file holds the platform's test records (buyer « Essentiel » or
  « TEST APC », objets « Le marche noir », « Le marche du siecle », « Le marche final », « Test APC », CPV codes
  12345678 / 22222222 / 12345555 that do not exist in the CPV nomenclature);
- bad records: no valid buyer identifier (no SIREN in it), no object, a negative amount, an impossible
  notification date (year 0224, 2924…).
"""

import json

import polars as pl


TEST_CPV = ("12345678", "22222222", "12345555")
TEST_BUYER_NAMES = ("essentiel", "test apc")
# lower-cased objet; "\S*" also matches the accents lost at the source ("march� du si�cle")
TEST_OBJET = r"^(le march\S* (noir|du si\S*cle|final)|test apc)\s*$"

MOTIF_TEST = "enregistrement de test de la plateforme (acheteur, objet ou code CPV de test) : ce n'est pas un contrat"
MOTIF_ACHETEUR = "acheteur sans SIRET valide (aucun SIREN dans l'identifiant) : contrat non attribuable"
MOTIF_OBJET = "objet du contrat absent : enregistrement inexploitable"
MOTIF_NEGATIF = "montant négatif : impossible pour un contrat"
MOTIF_DATE = "date de notification impossible (année erronée) : enregistrement inexploitable"

_EXCERPT_COLUMNS = ("id", "acheteur_id", "acheteur_nom", "objet", "code_cpv", "montant", "date_notification")


def _col(df: pl.DataFrame, name: str, dtype=pl.String) -> pl.Expr:
    return pl.col(name) if name in df.columns else pl.lit(None, dtype=dtype)


def rejection_motif(contrats: pl.DataFrame) -> pl.Series:
    """Per cleaned contrats row: the French reason to reject it, or null to keep it."""
    objet = _col(contrats, "objet").str.to_lowercase().str.strip_chars()
    buyer_name = _col(contrats, "acheteur_nom").str.to_lowercase().str.strip_chars()
    is_test = (
        _col(contrats, "code_cpv").is_in(TEST_CPV)
        | buyer_name.is_in(TEST_BUYER_NAMES)
        | objet.str.contains(TEST_OBJET)
    ).fill_null(False)
    no_buyer = ~_col(contrats, "acheteur_id").str.contains(r"\d{9}").fill_null(False)
    # tabular extracts may not carry the objet at all: only a format that has the field can lack it
    tabular = _col(contrats, "format").str.starts_with("tabulaire").fill_null(False)
    no_objet = _col(contrats, "objet").is_null() & _col(contrats, "objet_brut").is_null() & ~tabular
    negative = (_col(contrats, "montant", pl.Float64) < 0).fill_null(False)
    qualite = pl.col("qualite") if "qualite" in contrats.columns else pl.lit([], dtype=pl.List(pl.String))
    bad_date = (
        qualite.list.contains("date_impossible").fill_null(False)
        & _col(contrats, "date_notification", pl.Date).is_null()
        & _col(contrats, "date_notification_brut").is_not_null()
    )
    motif = (
        pl.when(is_test)
        .then(pl.lit(MOTIF_TEST))
        .when(no_buyer)
        .then(pl.lit(MOTIF_ACHETEUR))
        .when(no_objet)
        .then(pl.lit(MOTIF_OBJET))
        .when(negative)
        .then(pl.lit(MOTIF_NEGATIF))
        .when(bad_date)
        .then(pl.lit(MOTIF_DATE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return contrats.select(motif.alias("motif")).to_series()


def _without(tables: dict[str, pl.DataFrame], keys: pl.Series) -> dict[str, pl.DataFrame]:
    out = {}
    for table, frame in tables.items():
        if "record_key" in frame.columns and frame.height:
            frame = frame.filter(~pl.col("record_key").is_in(keys.implode()))
        out[table] = frame
    return out


def split_rejected(cleaned: dict[str, pl.DataFrame], raw: dict[str, pl.DataFrame]):
    """Remove the rejected records from every cleaned and raw table (child rows by record_key).
    Returns (cleaned tables, raw tables, rejects as (fichier, tableau, position, motif, extrait) tuples)."""
    contrats = cleaned["contrats"]
    if contrats.height == 0:
        return cleaned, raw, []
    motif = rejection_motif(contrats)
    if motif.null_count() == contrats.height:
        return cleaned, raw, []
    raw_contrats = raw["contrats"]
    mask = motif.is_not_null()
    keys = contrats.filter(mask)["record_key"]
    shown_rows = raw_contrats.filter(pl.col("record_key").is_in(keys.implode()))
    shown = [c for c in _EXCERPT_COLUMNS if c in shown_rows.columns]
    excerpts = dict(zip(shown_rows["record_key"].to_list(), shown_rows.select(shown).to_dicts(), strict=True))
    rejected = contrats.select("record_key", "fichier", "tableau", "position").with_columns(motif).filter(mask)
    rejects = [
        (fichier, tableau, position, reason, json.dumps(excerpts.get(key, {}), ensure_ascii=False)[:500])
        for key, fichier, tableau, position, reason in rejected.iter_rows()
    ]
    return _without(cleaned, keys), _without(raw, keys), rejects
