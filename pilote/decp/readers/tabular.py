"""Consolidated tabular DECP (decp-processing's CSV/Parquet, decp-table-schema CSV), full or partial columns.

Tabular files hold one row per (contract, titulaire, modification state). Rows are grouped back into one
record per contract: key `uid` when present, else (acheteur_id, id). When `modification_id` /
`donneesActuelles` exist, the current state is kept; when they do not (the real 2024 extract: one row per dated
state, newest first), the states are put in date order: the earliest is the notification, each later date a
modification (its date, amount, duration); rows of one key that name other titulaires with other amounts are
distinct lots, kept apart (one lot = the titulaires whose earliest row states one amount).
`tabulaire_etats_multiples` records rows of one state that still disagree. Titulaires are the distinct ones of
every state, those of the notification first. Lists flattened as "a, b" are split back. Everything stays a string.
"""

import polars as pl

from pilote.decp.errors import ImportFailed
from pilote.decp.schema import PROVENANCE, RAW_CONTRAT, RAW_TITULAIRE, TABULAR_CONTRAT, TABULAR_TITULAIRE


COLUMN_MAP = {
    "id": "id",
    "acheteur_id": "acheteur_id",
    "acheteur_nom": "acheteur_nom",
    "nature": "nature",
    "objet": "objet",
    "codeCPV": "code_cpv",
    "procedure": "procedure",
    "techniques": "techniques",
    "modalitesExecution": "modalites_execution",
    "idAccordCadre": "id_accord_cadre",
    "marcheInnovant": "marche_innovant",
    "ccag": "ccag",
    "offresRecues": "offres_recues",
    "attributionAvance": "attribution_avance",
    "tauxAvance": "taux_avance",
    "typeGroupementOperateurs": "type_groupement_operateurs",
    "sousTraitanceDeclaree": "sous_traitance_declaree",
    "lieuExecution_code": "lieu_execution_code",
    "lieuExecution_typeCode": "lieu_execution_type_code",
    "lieuExecution_nom": "lieu_execution_nom",
    "dureeMois": "duree_mois",
    "dateNotification": "date_notification",
    "datePublicationDonnees": "date_publication_donnees",
    "montant": "montant",
    "typesPrix": "types_prix",
    "formePrix": "forme_prix",
    "origineUE": "origine_ue",
    "origineFrance": "origine_france",
    "considerationsSociales": "considerations_sociales",
    "considerationsEnvironnementales": "considerations_environnementales",
    "acheteur_departement_code": "acheteur_departement_code",
}
# Titulaire columns of the consolidated format (decp-processing), beside id, type and name.
TITULAIRE_EXTRA = tuple(TABULAR_TITULAIRE)
LIST_COLUMNS = {
    "techniques",
    "modalites_execution",
    "types_prix",
    "considerations_sociales",
    "considerations_environnementales",
}
REQUIRED_ANY = {"uid", "id", "acheteur_id", "montant", "codeCPV", "titulaire_id"}


def _read(path, fmt, name):
    try:
        if fmt == "tabulaire-parquet":
            frame = pl.read_parquet(path)
            return frame.select(pl.all().cast(pl.String))
        with open(path, "rb") as fh:
            head = fh.read(4096)
        separator = ";" if head.split(b"\n", 1)[0].count(b";") > head.split(b"\n", 1)[0].count(b",") else ","
        return pl.read_csv(path, infer_schema=False, separator=separator, encoding="utf8")
    except (pl.exceptions.ComputeError, pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"fichier tabulaire illisible ({str(exc).splitlines()[0]})", fichier=name) from exc


def read_tabular(path, *, fmt, name, consts, file_no):
    """Raw frames (contrats, titulaires) and the number of rows read, from one tabular file."""
    frame = _read(path, fmt, name)
    columns = set(frame.columns)
    if len(columns & REQUIRED_ANY) < 3 or not ({"uid", "id"} & columns):
        raise ImportFailed(
            "ce fichier tabulaire n'a pas les colonnes DECP attendues (uid ou id, acheteur_id, montant…)", fichier=name
        )
    rows = frame.height
    frame = frame.with_row_index("_ligne").with_columns(pl.all().exclude("_ligne").str.strip_chars().replace("", None))
    key = pl.col("uid") if "uid" in columns else None
    fallback = (
        pl.concat_str([pl.col("acheteur_id").fill_null(""), pl.lit("|"), pl.col("id").fill_null("")])
        if ("acheteur_id" in columns and "id" in columns)
        else pl.col("id")
    )
    frame = frame.with_columns((key.fill_null(fallback) if key is not None else fallback).alias("_cle"))
    has_state = "modification_id" in columns or "donneesActuelles" in columns
    if has_state:
        if "donneesActuelles" in columns:
            current = pl.col("donneesActuelles").str.to_lowercase().is_in(["true", "oui", "1"])
            any_current = current.any().over("_cle")
            frame = frame.filter(current | ~any_current)
        if "modification_id" in columns:
            state = pl.col("modification_id").cast(pl.Int64, strict=False).fill_null(0)
            frame = frame.filter(state == state.max().over("_cle"))
    later = None
    every_state = frame
    if not has_state and "dateNotification" in columns:
        every_state, frame, later = _split_states(frame, columns)
    present = [c for c in COLUMN_MAP if c in columns]
    agg = [pl.col(c).first().alias(COLUMN_MAP[c]) for c in present]
    agg.append(pl.col("_ligne").first().alias("position"))
    if "lot_tabulaire" in frame.columns:
        agg.append(pl.col("lot_tabulaire").first())
    disagree = [
        pl.col(c).n_unique() > 1
        for c in ("montant", "dureeMois", "dateNotification")
        if c in columns and not has_state
    ]
    agg.append(pl.any_horizontal(disagree).alias("_etats") if disagree else pl.lit(False).alias("_etats"))
    tit_name = "titulaire_nom" if "titulaire_nom" in columns else "titulaire_denominationSociale"
    tit_cols = [c for c in ("titulaire_typeIdentifiant", "titulaire_id", tit_name, *TITULAIRE_EXTRA) if c in columns]
    grouped = frame.group_by("_cle", maintain_order=True).agg(agg).with_row_index("_n")
    if tit_cols:  # the titulaires of every state of the contract (a modification may add one)
        # the notification's titulaires first (rang 0 = the supplier), then those a later state adds
        ordered = every_state.sort("_etat", "_ligne") if "_etat" in every_state.columns else every_state
        tits_of = ordered.group_by("_cle").agg(pl.struct(tit_cols).unique(maintain_order=True).alias("_tits"))
        grouped = grouped.join(tits_of, on="_cle", how="left", maintain_order="left")
    base = (file_no << 40) + 0
    nature = pl.col("nature") if "nature" in present else pl.lit(None, pl.String)
    contrats = grouped.with_columns(
        (pl.col("_n").cast(pl.Int64) + base).alias("record_key"),
        pl.col("position").cast(pl.Int64),
        pl.lit("ligne").alias("tableau"),
        pl.lit(fmt).alias("format"),
        *[pl.lit(v, pl.String).alias(k) for k, v in consts.items()],
        pl.when(nature.str.to_lowercase().str.contains("concession|délégation"))
        .then(pl.lit("concession"))
        .otherwise(pl.lit("marche"))
        .alias("type_contrat"),
        pl.when(pl.col("_etats"))
        .then(pl.lit(["tabulaire_etats_multiples"]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("anomalies_lecture"),
    )
    for c in LIST_COLUMNS & set(contrats.columns):
        contrats = contrats.with_columns(pl.col(c).str.split(",").list.eval(pl.element().str.strip_chars()))
    # The tabular-only columns are always written (null when the file lacks them), so that one import's parts agree.
    schema = {**PROVENANCE, **RAW_CONTRAT, **TABULAR_CONTRAT}
    contrats_out = contrats.select(
        [pl.col(c).cast(t) if c in contrats.columns else pl.lit(None, t).alias(c) for c, t in schema.items()]
    )
    if tit_cols:
        tits = (
            contrats.select("record_key", "_tits")
            .explode("_tits")
            .unnest("_tits")
            .filter(
                pl.any_horizontal(
                    [pl.col(c).is_not_null() for c in tit_cols if c not in TITULAIRE_EXTRA] or [pl.lit(False)]
                )
            )
            .with_columns(pl.int_range(pl.len()).over("record_key").cast(pl.Int32).alias("rang"))
            .rename({"titulaire_typeIdentifiant": "type_identifiant", tit_name: "titulaire_nom"}, strict=False)
        )
        titulaires = tits.select(
            [
                pl.col(c).cast(t) if c in tits.columns else pl.lit(None, t).alias(c)
                for c, t in {**RAW_TITULAIRE, **TABULAR_TITULAIRE}.items()
            ]
        )
    else:
        titulaires = pl.DataFrame(schema={**RAW_TITULAIRE, **TABULAR_TITULAIRE})
    out = {"contrats": contrats_out, "titulaires": titulaires}
    if later is not None:
        out["modifications"] = _modifications(later, contrats.select("_cle", "record_key"), columns)
    return out, rows


def _split_states(frame, columns):
    """The rows of one contract without state columns are its dated states, newest first in the consolidated
    file: the earliest notification date is the contract, each later date a modification. Rows of one key that
    name other titulaires with other amounts are distinct lots, whatever their dates (a modification keeps its
    titulaire, or changes it at the same amount): a lot = the titulaires whose earliest row states one amount
    (co-titulaires of one lot are listed with its amount), and a titulaire's later rows follow its lot. Lots are
    kept apart (key + that amount).
    Returns (every row, rows of the initial states, rows of the later states), keyed, with their `_etat` rank."""
    c = pl.col
    if "titulaire_id" in columns and "montant" in columns:
        lot = (
            c("montant")
            .sort_by([c("dateNotification"), c("_ligne")], nulls_last=True)
            .first()
            .over(["_cle", "titulaire_id"])
        )
        frame = frame.with_columns(lot.alias("_lot"))
        lots = ((c("_lot").n_unique() > 1) & (c("titulaire_id").n_unique() > 1)).over("_cle")
        frame = frame.with_columns(
            pl.when(lots)
            .then(pl.concat_str([c("_cle"), pl.lit("|"), c("_lot").fill_null("")]))
            .otherwise(c("_cle"))
            .alias("_cle"),
            pl.when(lots).then(c("_lot")).otherwise(pl.lit(None, pl.String)).alias("lot_tabulaire"),
        ).drop("_lot")
    frame = frame.with_columns(c("dateNotification").rank("dense").over("_cle").fill_null(1).alias("_etat"))
    return frame, frame.filter(c("_etat") == 1), frame.filter(c("_etat") > 1)


def _modifications(later, keys, columns):
    """One modification per later state: its date, amount and duration (raw strings, as the JSON readers)."""
    c = pl.col

    def first(name):
        return (c(name).first() if name in columns else pl.lit(None, pl.String)).alias(name)

    states = (
        later.sort("_etat", "_ligne")
        .group_by("_cle", "_etat", maintain_order=True)
        .agg(first("dateNotification"), first("datePublicationDonnees"), first("montant"), first("dureeMois"))
        .join(keys, on="_cle")
        .sort("record_key", "_etat")
        .with_columns((c("_etat") - 2).cast(pl.Int32).alias("rang"))
    )
    return states.select(
        "record_key",
        "rang",
        (c("rang") + 1).cast(pl.String).alias("modification_id"),
        c("dateNotification").alias("date_notification_modification"),
        c("datePublicationDonnees").cast(pl.String).alias("date_publication_donnees_modification"),
        c("dureeMois").cast(pl.String).alias("duree_mois"),
        c("montant").cast(pl.String).alias("montant"),
    )
