"""Guidance for a purchase being prepared, from the national DECP data: the explorer's public Python interface.

Used by the explorer's "préparer un achat" page, its JSON API, the fiche visa (pilote.fiches) and the census. Every function
returns empty results (never raises) when no DECP store was imported yet. Amount statistics exclude amounts the
cleaning flagged as anomalies (semantics.unusable_amount_codes) and always come with the number of contracts behind them.
"""

from functools import lru_cache

import polars as pl

from pilote.contracts import db, figures
from pilote.contracts.filters import Filters, Perimetre
from pilote.contracts.search import index as explorer_index, text as textmod
from pilote.contracts.search.ranking import rank, region_of
from pilote.contracts.semantics import clean_cpv, cpv_labels, cpv_prefix


# Duration bands of price references (months, inclusive bounds).
DURATION_BANDS = [
    ("0-12", "12 mois ou moins", 0, 12),
    ("13-24", "13 à 24 mois", 13, 24),
    ("25-48", "25 à 48 mois", 25, 48),
    ("49+", "plus de 48 mois", 49, 10_000),
]
PRICE_COMPARABLES = 200  # contracts behind a price reference, at most (the most similar ones)
MIN_PRICE_SCORE = 0.3  # below this similarity a contract is not a price comparable
MIN_LOCAL_SUPPLIERS = 3  # fewer suppliers than this in the département: widen to the région
MAX_SOURCING_CONTRACTS = 20_000  # most recent contracts of the segment and zone behind a supplier list


def _index():
    """The current generation's search index (its files are a preparation of the generation), None before any import."""
    return explorer_index.load()


@lru_cache(maxsize=1)
def _cpv_label_terms() -> list[tuple[str, str, frozenset]]:
    return [(code, label, frozenset(textmod.terms(label))) for code, label in cpv_labels().items()]


def suggest_cpv(text: str, limit: int = 5) -> list[dict]:
    """CPV codes for a need described in words: half from the CPV labels (share of the need's terms found in the
    label), half from national history (codes of the contracts whose object best matches, weighted by BM25).
    Returns [{code, label, score}] best first, score in [0, 1]."""
    terms = set(textmod.query_terms(text))
    if not terms:
        return []
    scores: dict[str, float] = {}
    for code, _label, label_terms in _cpv_label_terms():
        common = len(terms & label_terms)
        if common:
            # Favour labels that cover the need and are not much longer than it.
            scores[code] = 0.5 * common / len(terms) * common / max(len(label_terms), common)
    index = _index()
    if index is not None:
        hits = index.match(list(terms), require_all=False)
        if hits.height:
            best = hits.top_k(100, by="score")
            codes = index.docs["code_cpv"].gather(best["doc"])
            votes = pl.DataFrame({"code": codes, "score": best["score"]}).drop_nulls().group_by("code").sum()
            total = float(votes["score"].sum() or 1.0)
            for code, vote in votes.iter_rows():
                scores[code] = scores.get(code, 0.0) + 0.5 * vote / total * 2  # ×2: a clear majority counts fully
    labels = cpv_labels()
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [
        {"code": code, "label": labels.get(code, ""), "score": round(min(score, 1.0), 3)} for code, score in ranked
    ]


def _contract_dict(row: dict) -> dict:
    considerations = [
        c
        for c in (*(row.get("considerations_sociales") or []), *(row.get("considerations_environnementales") or []))
        if c not in explorer_index.NO_CONSIDERATION  # "Pas de considération …" is the absence of one
    ]
    return {
        "contrat_uid": row["contrat_uid"],
        "objet": row["objet"],
        "acheteur": {"siret": row["acheteur_id"], "nom": row.get("acheteur_nom")},
        "date_notification": row["date_notification"],
        "montant": row["montant"],
        "montant_anomalie": row.get("montant_anomalie", False),
        "code_cpv": row["code_cpv"],
        "procedure": row["procedure"],
        "offres_recues": row["offres_recues"],
        "duree_mois": row["duree_mois"],
        "departement": row.get("departement"),
        "considerations": considerations,
        "titulaires": [
            {"siret": sid, "nom": nom}
            for sid, nom in zip(row.get("titulaire_ids") or [], row.get("titulaire_noms") or [], strict=False)
        ],
        "score": round(float(row["score"]), 4),
    }


def similar_contracts(*, objet, code_cpv=None, montant=None, departement=None, limit=10, exclude=()) -> list[dict]:
    """The most comparable national contracts to a need (ranking in docs/explorer-ranking.md)."""
    index = _index()
    if index is None:
        return []
    ranked = rank(
        index,
        objet=objet,
        code_cpv=code_cpv,
        montant=montant,
        departement=departement or None,
        exclude=frozenset(exclude),
        limit=limit,
    )
    return [_contract_dict(row) for row in ranked.iter_rows(named=True)]


def _quartiles(amounts: pl.Series) -> dict:
    if amounts.len() == 0:
        return {"count": 0, "q1": None, "mediane": None, "q3": None, "min": None, "max": None}
    return {
        "count": amounts.len(),
        "q1": float(amounts.quantile(0.25, "linear")),
        "mediane": float(amounts.median()),
        "q3": float(amounts.quantile(0.75, "linear")),
        "min": float(amounts.min()),
        "max": float(amounts.max()),
    }


def price_reference(*, objet, code_cpv=None, montant=None, duree_mois=None) -> dict:
    """Distribution of amounts of the contracts most comparable to the need (by object and CPV, not by amount,
    which would bias the reference), anomalous amounts excluded: overall and per duration band."""
    empty = {"count": 0, "excluded": 0, "quartiles": _quartiles(pl.Series([], dtype=pl.Float64)), "bands": []}
    index = _index()
    if index is None:
        return empty
    ranked = rank(index, objet=objet, code_cpv=code_cpv, limit=PRICE_COMPARABLES, use_amount=False)
    ranked = ranked.filter(pl.col("score") >= MIN_PRICE_SCORE)
    usable = ranked.filter(~pl.col("montant_anomalie") & pl.col("montant").is_not_null())
    bands = []
    for key, label, low, high in DURATION_BANDS:
        part = usable.filter(pl.col("duree_mois").is_between(low, high))
        bands.append({"band": key, "label": label, **_quartiles(part["montant"])})
    unknown = usable.filter(pl.col("duree_mois").is_null())
    bands.append({"band": "inconnue", "label": "durée non renseignée", **_quartiles(unknown["montant"])})
    overall = _quartiles(usable["montant"])
    result = {
        "count": usable.height,
        "excluded": ranked.height - usable.height,
        "quartiles": overall,
        "bands": bands,
        "duree_band": next((k for k, _l, lo, hi in DURATION_BANDS if duree_mois and lo <= duree_mois <= hi), None),
        "position": None,
    }
    if montant and overall["count"]:
        if montant < overall["q1"]:
            result["position"] = "sous le 1er quartile"
        elif montant > overall["q3"]:
            result["position"] = "au-dessus du 3e quartile"
        else:
            result["position"] = "entre le 1er et le 3e quartile"
    return result


def potential_suppliers(*, code_cpv, departement=None, region=None, limit=20) -> list[dict]:
    """Suppliers that won contracts of the same CPV category (or class) in the département; when fewer than
    MIN_LOCAL_SUPPLIERS are found there, in the région; without a place, nationally. Each: {siret, name, wins,
    last_win, typical_amounts (q1, median, q3), departements, zone}."""
    index = _index()
    code = clean_cpv(code_cpv)
    if index is None or code is None:
        return []
    region = region or region_of(departement)
    prefix = cpv_prefix(code)[:5]
    candidates = index.prefix_docs(prefix)
    zones = []
    if departement:
        zones.append(("département", "departement", departement))
    if region:
        zones.append(("région", "region", region))
    if not zones:
        zones.append(("France", None, None))
    found = []
    for zone, column, value in zones:
        docs = candidates
        if column is not None:
            docs = docs.filter(index.column(column, docs) == value)
        # The most recent contracts of the segment in that zone: sourcing is about who is active now.
        rows = index.rows(docs.head(MAX_SOURCING_CONTRACTS))
        found = _suppliers(rows.filter(pl.col("code_cpv").str.starts_with(prefix)), limit, zone)
        if len(found) >= MIN_LOCAL_SUPPLIERS:
            break
    return found


def _suppliers(docs: pl.DataFrame, limit: int, zone: str) -> list[dict]:
    rows = (
        docs.select(
            "titulaire_ids", "titulaire_noms", "date_notification", "montant", "montant_anomalie", "departement"
        )
        .explode("titulaire_ids", "titulaire_noms")
        .drop_nulls("titulaire_ids")
    )
    if rows.height == 0:
        return []
    ok_amount = pl.when(~pl.col("montant_anomalie")).then(pl.col("montant"))
    grouped = (
        rows.group_by("titulaire_ids")
        .agg(
            pl.len().alias("wins"),
            pl.col("titulaire_noms").drop_nulls().first().alias("name"),
            pl.col("date_notification").max().alias("last_win"),
            ok_amount.quantile(0.25, "linear").alias("q1"),
            ok_amount.median().alias("median"),
            ok_amount.quantile(0.75, "linear").alias("q3"),
            pl.col("departement").drop_nulls().unique().sort().alias("departements"),
        )
        .sort(["wins", "last_win", "titulaire_ids"], descending=[True, True, False], nulls_last=True)
        .head(limit)
    )
    return [
        {
            "siret": r["titulaire_ids"],
            "name": r["name"],
            "wins": r["wins"],
            "last_win": r["last_win"],
            "typical_amounts": {"q1": r["q1"], "median": r["median"], "q3": r["q3"]},
            "departements": r["departements"],
            "zone": zone,
        }
        for r in grouped.iter_rows(named=True)
    ]


def _facts(filters: Filters) -> dict:
    """The cockpit's figures for a scope (same definitions: shares over the contracts whose field is declared,
    with their base)."""
    values = figures.overview(filters)["values"]
    social, env = values["part_consideration_sociale"], values["part_consideration_environnementale"]
    single = values["taux_offre_unique"]
    return {
        "count": values["nb_contrats"].valeur,
        "social_share": social.valeur,
        "social_declared": social.renseignes,
        "environmental_share": env.valeur,
        "environmental_declared": env.renseignes,
        "offers_known": single.renseignes,
        "single_bid_rate": single.valeur,
        "average_offers": values["nb_offres_moyen"].valeur,
    }


def segment_facts(*, cpv_prefixes, sirets=None, peer_sirets=None) -> dict:
    """Responsible-procurement facts of a purchase segment (contracts whose CPV starts with one of the prefixes):
    nationally, for the peer buyers and for the organisation's SIRETs, each with its counts."""
    prefixes = tuple(p for p in (str(x).strip() for x in cpv_prefixes or []) if p.isdigit())
    if not db.has_store():
        empty = {"count": 0, "social_share": None, "social_declared": 0, "environmental_share": None,
                 "environmental_declared": 0, "offers_known": 0, "single_bid_rate": None, "average_offers": None}  # fmt: skip
        return {"national": empty, "peers": None, "organisation": None}
    # a segment of the census or the fiche is not a saved Segment: its prefixes stand for it (pk 0)
    national = Filters(segment=0, segment_label="segment", segment_cpv=prefixes)
    scoped = lambda sirets: national.with_changes(perimetre=Perimetre.PAIRS, sirets=tuple(sorted(sirets)))  # noqa: E731
    return {
        "national": _facts(national),
        "peers": _facts(scoped(peer_sirets)) if peer_sirets else None,
        "organisation": _facts(scoped(sirets)) if sirets else None,
    }
