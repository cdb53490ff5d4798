"""Contract page, buyer page and supplier page data, from the index (docs) and the generation's Parquet tables."""

import polars as pl

from pilote.contracts.geo import departement_names
from pilote.contracts.search.index import Index
from pilote.decp.cleaning.rules import RULES
from pilote.explorer.guidance import cpv_labels
from pilote.explorer.labels import CONTRACT_FIELDS, display


def _generation_table(name: str):
    from pilote.decp import store

    return store.table_path(name)


def _table(index: Index, name: str, uid: str) -> list[dict]:
    """Rows of a child table for one contract: from the index's sorted copy (one row group read), else by
    scanning the generation's table."""
    path = index.directory / f"explorer_{name}.parquet"
    if not path.exists():
        path = _generation_table(name)
    if path is None or not path.exists():
        return []
    return pl.scan_parquet(path).filter(pl.col("contrat_uid") == uid).collect().to_dicts()


def _contract_row(index: Index, uid: str) -> dict | None:
    doc = index.docs.filter(pl.col("contrat_uid") == uid)
    path = _generation_table("contrats")
    if doc.height == 0 or path is None or not path.exists():
        return None
    rows = pl.scan_parquet(path).slice(int(doc["src_row"][0]), 1).collect().to_dicts()
    return rows[0] if rows and rows[0]["contrat_uid"] == uid else None


def contract(index: Index, uid: str) -> dict | None:
    """Everything known about one contract, or None when the uid is unknown."""
    row = _contract_row(index, uid)
    if row is None:
        return None
    fields = []
    for key, label in CONTRACT_FIELDS:
        value = row.get(key)
        raw = row.get(f"{key}_brut")
        fields.append(
            {"key": key, "label": label, "value": display(value), "raw": raw if raw not in (None, "") else None}
        )
    flags = [
        {
            "code": code,
            "label": RULES[code].label if code in RULES else code,
            "kind": RULES.get(code) and RULES[code].kind,
        }
        for code in dict.fromkeys(row.get("qualite") or [])
    ]
    titulaires = sorted(_table(index, "titulaires", uid), key=lambda t: (t["modification_id"] is not None, t["rang"]))
    modifications = sorted(_table(index, "modifications", uid), key=lambda m: m["rang"])
    sous_traitance = sorted(
        _table(index, "actes_sous_traitance", uid), key=lambda a: (a["est_modification"], a["rang"])
    )
    copies = sorted(
        _table(index, "copies", uid), key=lambda c: (not c["retenue"], str(c.get("date_derniere_publication") or ""))
    )
    code = row.get("code_cpv")
    return {
        "row": row,
        "fields": fields,
        "flags": flags,
        "titulaires": titulaires,
        "modifications": modifications,
        "sous_traitance": sous_traitance,
        "copies": copies,
        "cpv_label": cpv_labels().get(code or "", ""),
    }


def _indicators(frame: pl.DataFrame) -> dict:
    n = frame.height
    offers = frame["offres_recues"].drop_nulls()
    amounts = frame.filter(~pl.col("montant_anomalie"))["montant"].drop_nulls()
    return {
        "contrats": n,
        "montant_total": float(amounts.sum()) if amounts.len() else 0.0,
        "montants_exclus": n - amounts.len(),
        "part_sociale": frame["social"].sum() / n if n else None,
        "part_environnementale": frame["environnemental"].sum() / n if n else None,
        "offres_connues": offers.len(),
        "offre_unique": float((offers == 1).sum() / offers.len()) if offers.len() else None,
        "offres_moyennes": float(offers.mean()) if offers.len() else None,
    }


def _by_year(frame: pl.DataFrame) -> list[dict]:
    ok = pl.when(~pl.col("montant_anomalie")).then(pl.col("montant"))
    return (
        frame.group_by(pl.col("date_notification").dt.year().alias("annee"))
        .agg(pl.len().alias("contrats"), ok.sum().alias("montant"))
        .sort("annee", nulls_last=True)
        .to_dicts()
    )


def _segments(frame: pl.DataFrame, limit=10) -> list[dict]:
    labels = cpv_labels()
    ok = pl.when(~pl.col("montant_anomalie")).then(pl.col("montant"))
    rows = (
        frame.group_by(pl.col("code_cpv").str.slice(0, 2).alias("division"))
        .agg(pl.len().alias("contrats"), ok.sum().alias("montant"))
        .sort("contrats", descending=True)
        .head(limit)
        .to_dicts()
    )
    for r in rows:
        r["label"] = labels.get((r["division"] or "").ljust(8, "0"), "") if r["division"] else "CPV non renseigné"
    return rows


def _geography(frame: pl.DataFrame, limit=10) -> list[dict]:
    names = departement_names()
    rows = (
        frame.group_by("departement").agg(pl.len().alias("contrats")).sort("contrats", descending=True).head(limit)
    ).to_dicts()
    for r in rows:
        r["nom"] = names.get(r["departement"] or "", "lieu non renseigné ou hors département")
    return rows


def _recent(frame: pl.DataFrame, limit=20) -> list[dict]:
    return frame.sort("date_notification", descending=True, nulls_last=True).head(limit).to_dicts()


def buyer(index: Index, siret: str) -> dict | None:
    """Profile of one buyer SIRET, or None when it has no contract in the store."""
    frame = index.docs.filter(pl.col("acheteur_id") == siret)
    if frame.height == 0:
        return None
    ok = pl.when(~pl.col("montant_anomalie")).then(pl.col("montant"))
    partners = (
        frame.select("titulaire_ids", "titulaire_noms", "montant", "montant_anomalie")
        .explode("titulaire_ids", "titulaire_noms")
        .drop_nulls("titulaire_ids")
        .group_by(pl.col("titulaire_ids").alias("siret"))
        .agg(
            pl.col("titulaire_noms").drop_nulls().first().alias("name"),
            pl.len().alias("contrats"),
            ok.sum().alias("montant"),
        )
        .sort(["contrats", "montant"], descending=True, nulls_last=True)
        .head(15)
        .to_dicts()
    )
    return {
        "siret": siret,
        "name": frame["acheteur_nom"].drop_nulls().first() if frame["acheteur_nom"].drop_nulls().len() else None,
        "indicators": _indicators(frame),
        "by_year": _by_year(frame),
        "segments": _segments(frame),
        "partners": partners,
        "geography": _geography(frame),
        "recent": _recent(frame),
    }


def supplier(index: Index, siret: str) -> dict | None:
    """Profile of one titulaire (supplier) identifier, or None when it won no contract in the store."""
    frame = index.rows(index.supplier_docs(siret))
    if frame.height == 0:
        return None
    names = (
        frame.select("titulaire_ids", "titulaire_noms")
        .explode("titulaire_ids", "titulaire_noms")
        .filter(pl.col("titulaire_ids") == siret)["titulaire_noms"]
        .drop_nulls()
    )
    ok = pl.when(~pl.col("montant_anomalie")).then(pl.col("montant"))
    partners = (
        frame.group_by(pl.col("acheteur_id").alias("siret"))
        .agg(
            pl.col("acheteur_nom").drop_nulls().first().alias("name"),
            pl.len().alias("contrats"),
            ok.sum().alias("montant"),
        )
        .sort(["contrats", "montant"], descending=True, nulls_last=True)
        .head(15)
        .to_dicts()
    )
    return {
        "siret": siret,
        "name": names.mode().sort().first() if names.len() else None,
        "indicators": _indicators(frame),
        "by_year": _by_year(frame),
        "segments": _segments(frame),
        "partners": partners,
        "geography": _geography(frame),
        "recent": _recent(frame),
    }
