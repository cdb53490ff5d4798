"""The buyer and supplier pages' figures: the same functions as the cockpit (`figures`), over the filters
"this buyer" (perimetre=acheteur) or "this titulaire" (titulaire=SIRET), so that a buyer page and the cockpit
filtered on that buyer give the same counts, amounts and shares. What the cockpit does not show (the places of
execution, the latest contracts) comes from the search index's documents."""

import polars as pl

from pilote.contracts import figures, queries, semantics
from pilote.contracts.filters import Filters, Perimetre, to_polars
from pilote.contracts.geo import departement_names
from pilote.contracts.search.index import Index


PARTNERS = 15


def buyer_filters(siret: str) -> Filters:
    return Filters(perimetre=Perimetre.ACHETEUR, acheteur=siret)


def supplier_filters(siret: str) -> Filters:
    return Filters(perimetre=Perimetre.NATIONAL, titulaire=siret)


def _breakdowns(filters: Filters) -> tuple[list[dict], list[dict]]:
    rows = figures.breakdowns(filters, ["annee", "division"])
    years = [{"annee": r["valeur"], "contrats": r["n"], "montant": r["montant_total"]} for r in rows["annee"]]
    labels = semantics.cpv_labels()
    divisions = sorted(rows["division"], key=lambda r: (-r["n"], r["valeur"] or ""))[:10]
    segments = [
        {
            "division": r["valeur"],
            "label": labels.get((r["valeur"] or "").ljust(8, "0"), "") if r["valeur"] else "CPV non renseigné",
            "contrats": r["n"],
            "montant": r["montant_total"],
        }
        for r in divisions
    ]
    return years, segments


def _docs(index: Index, filters: Filters) -> pl.DataFrame:
    return index.docs.filter(index.mask((index.generation, filters), to_polars(filters)))


def _geography(frame: pl.DataFrame, limit=10) -> list[dict]:
    names = departement_names()
    rows = frame.group_by("departement").agg(pl.len().alias("contrats")).sort("contrats", descending=True).head(limit)
    return [
        r | {"nom": names.get(r["departement"] or "", "lieu non renseigné ou hors département")}
        for r in rows.to_dicts()
    ]


def _profile(index: Index, filters: Filters, name: str | None, partners: list[dict]) -> dict:
    overview = figures.overview(filters)
    years, segments = _breakdowns(filters)
    frame = _docs(index, filters)
    return {
        "filters": filters,
        "name": name,
        "values": overview["values"],
        "by_year": years,
        "segments": segments,
        "partners": partners,
        "geography": _geography(frame),
        "recent": frame.sort("date_notification", descending=True, nulls_last=True).head(20).to_dicts(),
    }


def _first(series: pl.Series):
    series = series.drop_nulls()
    return series.first() if series.len() else None


def buyer(index: Index, siret: str) -> dict | None:
    """Figures of one buyer SIRET, or None when it has no contract in the store."""
    filters = buyer_filters(siret)
    frame = _docs(index, filters)
    if frame.height == 0:
        return None
    suppliers = figures.suppliers(filters, limit=PARTNERS)["top"]
    partners = [
        {"siret": r["titulaire_id"], "name": r["titulaire_nom"], "contrats": r["n"], "montant": r["montant"]}
        for r in suppliers
    ]
    return _profile(index, filters, _first(frame["acheteur_nom"]), partners)


def supplier(index: Index, siret: str) -> dict | None:
    """Figures of one titulaire (initial or added by a modification), or None when it holds no contract."""
    filters = supplier_filters(siret)
    frame = _docs(index, filters)
    if frame.height == 0:
        return None
    names = (
        frame.select("titulaire_ids", "titulaire_noms")
        .explode("titulaire_ids", "titulaire_noms")
        .filter(pl.col("titulaire_ids") == siret)["titulaire_noms"]
        .drop_nulls()
    )
    return _profile(index, filters, names.mode().sort().first() if names.len() else None, buyers(filters))


def buyers(filters: Filters, limit: int = PARTNERS) -> list[dict]:
    """The buyers of the filtered contracts, most contracts first, with the usable amount."""
    rows = figures.fetch_rows(*queries.buyers_sql(filters, limit))
    return [
        {"siret": r["acheteur_id"], "name": r["acheteur_nom"], "contrats": r["n"], "montant": r["montant"]}
        for r in rows
    ]
