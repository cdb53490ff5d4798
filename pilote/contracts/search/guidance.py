"""Guidance for a purchase being prepared, from the national DECP data: the explorer's public Python interface.

Used by the explorer's "préparer un achat" page, its JSON API, the fiche visa (pilote.fiches) and the census. Every function
returns empty results (never raises) when no DECP store was imported yet. Amount statistics exclude amounts the
cleaning flagged as anomalies (semantics.unusable_amount_codes) and always come with the number of contracts behind them.
"""

import datetime as dt
import math
from functools import lru_cache

import polars as pl
from django.utils import timezone

from pilote.contracts import db, figures, semantics as sem
from pilote.contracts.filters import Filters, Perimetre
from pilote.contracts.geo import departements
from pilote.contracts.search import index as explorer_index, text as textmod
from pilote.contracts.search.nature import cpv_nature, text_nature
from pilote.contracts.search.ranking import NATURE_PENALTY, NATURE_VOTE_FACTOR, group_lots, rank, region_of
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
MIN_BAND_COUNT = 3  # contracts of the need's duration band needed to read the estimate against that band
MIN_LOCAL_SUPPLIERS = 3  # fewer suppliers than this in the département: widen to the région
MAX_SOURCING_CONTRACTS = 20_000
MAX_NAME_LOOKUP = 200  # contracts of a supplier read to find its name
RECENT_YEARS = 3  # a supplier with a win in the last 3 years is listed before the others
LOT_CANDIDATES_FACTOR = 8  # ranked contracts read per result asked: enough to fill it once lots are grouped  # most recent contracts of the segment and zone behind a supplier list


def _index():
    """The current generation's search index (its files are a preparation of the generation), None before any import."""
    return explorer_index.load()


@lru_cache(maxsize=1)
def _cpv_label_terms() -> list[tuple[str, str, frozenset]]:
    return [(code, label, frozenset(textmod.terms(label))) for code, label in cpv_labels().items()]


def _term_weights(index, terms) -> dict[str, float]:
    """Inverse document frequency of each term in the contract objects (a word unknown to them weighs as a word
    found once); all 1 before any import."""
    if index is None:
        return dict.fromkeys(terms, 1.0)
    n = max(index.size, 2)
    return {t: math.log(n / (index.terms[t][1] if t in index.terms else 1)) or 0.1 for t in terms}


def suggest_cpv(text: str, limit: int = 5) -> list[dict]:
    """CPV codes for a need described in words: half from the CPV labels (share of the need's terms found in the
    label), half from national history (codes of the contracts whose object best matches, weighted by BM25);
    a code of another nature than the one the words say (search/nature.py) keeps NATURE_VOTE_FACTOR of its score.
    Returns [{code, label, score, nature}] best first, score in [0, 1]."""
    terms = set(textmod.query_terms(text))
    if not terms:
        return []
    nature = text_nature(text)
    index = _index()
    weight = _term_weights(index, terms)
    total_weight = sum(weight.values())
    scores: dict[str, float] = {}
    for code, _label, label_terms in _cpv_label_terms():
        common = terms & label_terms
        if common:
            # Favour labels that cover the need's rare words ("ménager" more than "entretien") and are not much
            # longer than it.
            covered = sum(weight[t] for t in common) / total_weight
            scores[code] = 0.5 * covered * len(common) / max(len(label_terms), len(common))
    if index is not None:
        hits = index.match(list(terms), require_all=False)
        if hits.height:
            best = hits.top_k(100, by="score")
            codes = index.column("code_cpv", best["doc"])
            votes = pl.DataFrame({"code": codes, "score": best["score"]}).drop_nulls().group_by("code").sum()
            total = float(votes["score"].sum() or 1.0)
            for code, vote in votes.iter_rows():
                scores[code] = scores.get(code, 0.0) + 0.5 * vote / total * 2  # ×2: a clear majority counts fully
    if nature is not None:
        for code in scores:
            if cpv_nature(code) not in (None, nature):
                scores[code] *= NATURE_VOTE_FACTOR
    labels = cpv_labels()
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [
        {"code": code, "label": labels.get(code, ""), "score": round(min(score, 1.0), 3), "nature": cpv_nature(code)}
        for code, score in ranked
    ]


def _contract_dict(row: dict) -> dict:
    considerations = [
        c
        for c in (*(row.get("considerations_sociales") or []), *(row.get("considerations_environnementales") or []))
        if c not in sem.NO_CONSIDERATION  # "Pas de considération …" is the absence of one
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
        "nature": row.get("cpv_nature"),
    }


def similar_contracts(*, objet, code_cpv=None, montant=None, departement=None, limit=10, exclude=()) -> list[dict]:
    """The most comparable national purchases to a need (ranking in docs/explorer-ranking.md): the lots of one
    consultation are one result (its best-ranked lot, with `lots`: the others, and `nb_lots`), so that ten
    results are ten different purchases."""
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
        limit=limit * LOT_CANDIDATES_FACTOR,
    )
    found = []
    for group in group_lots(ranked.to_dicts(), limit):
        best = _contract_dict(group[0])
        best["nb_lots"] = len(group)
        best["lots"] = [
            {"contrat_uid": r["contrat_uid"], "objet": r["objet"], "montant": r["montant"]} for r in group[1:]
        ]
        amounts = [r["montant"] for r in group if r["montant"] is not None and not r.get("montant_anomalie")]
        best["montant_lots"] = sum(amounts) if len(group) > 1 and amounts else None
        _names_from_other_contracts(index, best["titulaires"], name_key="nom")
        found.append(best)
    return found


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


def _position(montant: float, quartiles: dict) -> str:
    if montant < quartiles["q1"]:
        return "sous le 1er quartile"
    if montant > quartiles["q3"]:
        return "au-dessus du 3e quartile"
    return "entre le 1er et le 3e quartile"


def price_reference(*, objet, code_cpv=None, montant=None, duree_mois=None) -> dict:
    """Distribution of amounts of the contracts most comparable to the need (by object and CPV, not by amount,
    which would bias the reference), of the need's nature only (a catering need is not priced with kitchen
    works), anomalous amounts excluded: overall and per duration band. The estimate is placed against the band
    of the need's duration when it holds MIN_BAND_COUNT contracts (`position_basis` says which row), else
    against all durations."""
    empty = {"count": 0, "excluded": 0, "quartiles": _quartiles(pl.Series([], dtype=pl.Float64)), "bands": []}
    index = _index()
    if index is None:
        return empty
    ranked = rank(index, objet=objet, code_cpv=code_cpv, limit=PRICE_COMPARABLES, use_amount=False)
    # Counted: the contracts of another nature that would have been comparables without the nature's penalty.
    other_nature = ranked.filter(pl.col("other_nature") & (pl.col("score") + NATURE_PENALTY >= MIN_PRICE_SCORE))
    ranked = ranked.filter(~pl.col("other_nature") & (pl.col("score") >= MIN_PRICE_SCORE))
    usable = ranked.filter(~pl.col("montant_anomalie") & pl.col("montant").is_not_null())
    bands = []
    for key, label, low, high in DURATION_BANDS:
        part = usable.filter(pl.col("duree_mois").is_between(low, high))
        bands.append({"band": key, "label": label, **_quartiles(part["montant"])})
    unknown = usable.filter(pl.col("duree_mois").is_null())
    bands.append({"band": "inconnue", "label": "durée non renseignée", **_quartiles(unknown["montant"])})
    overall = _quartiles(usable["montant"])
    band_key = next((k for k, _l, lo, hi in DURATION_BANDS if duree_mois and lo <= duree_mois <= hi), None)
    natures = usable["cpv_nature"].drop_nulls().unique().to_list()
    result = {
        "count": usable.height,
        "excluded": ranked.height - usable.height,
        "other_nature": other_nature.height,
        "nature": natures[0] if len(natures) == 1 else None,
        "quartiles": overall,
        "bands": bands,
        "duree_band": band_key,
        "position": None,
        "position_basis": None,
    }
    if montant and overall["count"]:
        band = next((b for b in bands if b["band"] == band_key), None)
        if band is not None and band["count"] >= MIN_BAND_COUNT:
            result["position"] = _position(montant, band)
            result["position_basis"] = f"contrats de {band['label']}"
        else:
            result["position"] = _position(montant, overall)
            result["position_basis"] = "toutes durées"
    return result


def potential_suppliers(*, code_cpv, departement=None, region=None, limit=20, today=None) -> list[dict]:
    """Suppliers that won contracts of the same CPV category (or class) in the département; while fewer than
    MIN_LOCAL_SUPPLIERS are found, those of the région, then of France, are added (each keeps the nearest zone
    where it won, and its wins there). Those with a win in the last RECENT_YEARS come first (sourcing is about
    who is active now), then the nearest, then by wins and latest win. Each: {siret, name, wins, last_win,
    recent, typical_amounts (q1, median, q3), departements, zone}; a name missing from the segment's contracts is
    taken from the supplier's other contracts."""
    index = _index()
    code = clean_cpv(code_cpv)
    if index is None or code is None:
        return []
    today = today or timezone.localdate()
    since = today.replace(year=today.year - RECENT_YEARS, day=min(today.day, 28))
    region = region or region_of(departement)
    prefix = cpv_prefix(code)[:5]
    candidates = index.prefix_docs(prefix)
    zones = []
    if departement:
        zones.append(("département", "departement", departement))
    if region:
        zones.append(("région", "region", region))
    # last resort, also after a place: "no company" is less useful than national ones after the local ones
    zones.append(("France", None, None))
    found: dict[str, dict] = {}
    for rank_, (zone, column, value) in enumerate(zones):
        docs = candidates
        if column is not None:
            docs = docs.filter(index.column(column, docs) == value)
        # The most recent contracts of the segment in that zone: sourcing is about who is active now.
        rows = index.rows(docs.head(MAX_SOURCING_CONTRACTS))
        for supplier in _suppliers(rows.filter(pl.col("code_cpv").str.starts_with(prefix)), limit, zone, since):
            found.setdefault(supplier["siret"], supplier | {"_near": rank_})
        if len(found) >= MIN_LOCAL_SUPPLIERS:
            break
    ordered = sorted(
        found.values(),
        key=lambda s: (
            not s["recent"],
            s["_near"],
            -s["wins"],
            -(s["last_win"] or dt.date.min).toordinal(),
            s["siret"],
        ),
    )[:limit]
    for supplier in ordered:
        del supplier["_near"]
    _names_from_other_contracts(index, ordered)
    return ordered


def home_departement(sirets) -> str | None:
    """The département where an organisation's buyer SIRETs most often have their contracts executed: the place
    of execution assumed for its needs when none is given."""
    index = _index()
    sirets = [s for s in sirets or () if s]
    if index is None or not sirets:
        return None
    places = index.filter(pl.col("acheteur_id").is_in(sirets))["departement"].drop_nulls()
    if places.len() == 0:
        return None
    counts = places.value_counts(sort=True)
    return counts[places.name][0]


def region_departements(departement: str | None) -> list[str]:
    """The départements of a département's région (itself included), [] when unknown."""
    region = region_of(departement)
    if region is None:
        return []
    table = departements()
    return table.filter(pl.col("region_code") == region)["departement_code"].to_list()


def _real_name(name, siret) -> str | None:
    """A published name, or None when the "name" is blank or an identifier (some records repeat the SIRET)."""
    name = (name or "").strip()
    digits = name.replace(" ", "")
    if not name or digits.isdigit() or digits == siret:
        return None
    return name


def _names_from_other_contracts(index, suppliers: list[dict], name_key: str = "name") -> None:
    """Complete missing names from any contract of the supplier that carries one (in place)."""
    for supplier in suppliers:
        siret = supplier.get("siret")
        supplier[name_key] = _real_name(supplier.get(name_key), siret)
        if supplier[name_key] or not siret:
            continue
        # two columns of its most recent contracts only: a large supplier holds thousands
        docs = index.supplier_docs(siret).head(MAX_NAME_LOOKUP)  # most recent first
        ids, noms = index.column("titulaire_ids", docs).to_list(), index.column("titulaire_noms", docs).to_list()
        for name in (n for row_ids, row_noms in zip(ids, noms, strict=True)
                     for i, n in zip(row_ids or [], row_noms or [], strict=False) if i == siret):  # fmt: skip
            if _real_name(name, siret):
                supplier[name_key] = _real_name(name, siret)
                break


def _suppliers(docs: pl.DataFrame, limit: int, zone: str, since: dt.date) -> list[dict]:
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
    named = pl.when(~pl.col("titulaire_noms").str.replace_all(r"[\s\d]", "").eq("")).then(pl.col("titulaire_noms"))
    grouped = (
        rows.group_by("titulaire_ids")
        .agg(
            pl.len().alias("wins"),
            named.drop_nulls().first().alias("name"),
            pl.col("date_notification").max().alias("last_win"),
            ok_amount.quantile(0.25, "linear").alias("q1"),
            ok_amount.median().alias("median"),
            ok_amount.quantile(0.75, "linear").alias("q3"),
            pl.col("departement").drop_nulls().unique().sort().alias("departements"),
        )
        .with_columns((pl.col("last_win") >= since).fill_null(False).alias("recent"))
        .sort(
            ["recent", "wins", "last_win", "titulaire_ids"],
            descending=[True, True, True, False],
            nulls_last=True,
        )
        .head(limit)
    )
    return [
        {
            "siret": r["titulaire_ids"],
            "name": r["name"],
            "wins": r["wins"],
            "last_win": r["last_win"],
            "recent": r["recent"],
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
