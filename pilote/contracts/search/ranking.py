"""Similar contracts: ranking of national contracts against a described need (docs/explorer-ranking.md).

score = 0.55 × text + 0.25 × CPV + 0.10 × amount + 0.10 × geography, each signal in [0, 1]:
- text: BM25 of the need's object terms (any term), divided by the best candidate's BM25;
- CPV: depth of the common prefix with the need's code (category 5+ digits 1.0, class 4: 0.8, group 3: 0.5,
  division 2: 0.25). Without a code, the code is *inferred* from the best text matches (weighted vote of the
  CPV classes of the top 30) and used at half weight;
- amount: 1 − |log10(amount / need amount)| (0 beyond a factor 10; anomalous amounts get 0);
- geography: same département 1, same région 0.5;
then a contract of another nature than the need's (travaux / services / fournitures, search/nature.py) loses
NATURE_PENALTY: a catering need must not list the lots of a kitchen-building project.
Candidates are the text matches (best 3,000 by BM25) and the most recent 3,000 contracts of the CPV class.
"""

import re
from collections import Counter

import polars as pl

from pilote.contracts.geo import departements
from pilote.contracts.search import text
from pilote.contracts.search.index import Index
from pilote.contracts.search.nature import cpv_nature, cpv_nature_expr, text_nature
from pilote.contracts.semantics import clean_cpv
from pilote.core.text import fold_words


W_TEXT, W_CPV, W_AMOUNT, W_GEO = 0.55, 0.25, 0.10, 0.10
MAX_TEXT_CANDIDATES = 3000
MAX_CPV_CANDIDATES = 3000
MAX_QUERY_TERMS = 10
# Subtracted from the score of a contract whose CPV nature differs from the need's; and the factor applied to
# the vote of such a class when the class is inferred (measured: bench/explorer_ranking_eval.py).
NATURE_PENALTY = 0.15
NATURE_VOTE_FACTOR = 0.3
# What scoring and ordering the candidates read (`rank`): the exclusion, the CPV, amount and geography signals,
# the nature, the tie-breaks.
SCORED_COLUMNS = [
    "doc", "contrat_uid", "code_cpv", "montant", "montant_anomalie", "departement", "region", "date_notification",
]  # fmt: skip


def region_of(departement: str | None) -> str | None:
    if not departement:
        return None
    df = departements().filter(pl.col("departement_code") == departement)
    return df["region_code"][0] if df.height else None


def infer_cpv_class(
    index: Index, text_hits: pl.DataFrame, top: int = 30, nature: str | None = None
) -> tuple[str | None, float]:
    """Most likely CPV class (4 digits) of a need from its best text matches, with the vote's share. A class of
    another nature than the one the need's words say votes at NATURE_VOTE_FACTOR of its weight."""
    if text_hits.height == 0:
        return None, 0.0
    scored = text_hits.with_columns(pl.col("score").round(9), index.recency(text_hits["doc"]).alias("_rang"))
    best = scored.top_k(top, by=["score", "_rang"], reverse=[False, True]).sort(
        ["score", "_rang"], descending=[True, False]
    )
    classes = index.column("cpv_classe", best["doc"]).to_list()
    votes = Counter()
    for cls, score in zip(classes, best["score"].to_list(), strict=True):
        if cls:
            other = nature is not None and cpv_nature(cls) not in (None, nature)
            votes[cls] += score * (NATURE_VOTE_FACTOR if other else 1.0)
    if not votes:
        return None, 0.0
    cls, weight = votes.most_common(1)[0]
    return cls, weight / sum(votes.values())


def need_nature(objet: str | None, code: str | None) -> str | None:
    """The nature of a need: its CPV code's when given, else the one its words say (None when neither says)."""
    return cpv_nature(code) if code else text_nature(objet)


def rank(
    index: Index,
    *,
    objet: str | None,
    code_cpv: str | None = None,
    montant: float | None = None,
    departement: str | None = None,
    exclude: set[str] | frozenset = frozenset(),
    limit: int = 10,
    use_amount: bool = True,
    infer_cpv: bool = True,
    use_nature: bool = True,
) -> pl.DataFrame:
    """Ranked comparable contracts: the index's docs columns plus score and its parts (s_text, s_cpv, s_amount,
    s_geo), and cpv_nature (the contract's) and other_nature (true when it differs from the need's). Empty frame
    when nothing is comparable (no known word and no CPV)."""
    docs = index.docs
    # The rarest terms carry the meaning; a 40-word lot description would otherwise sum 40 posting lists.
    terms = sorted(index.known(text.query_terms(objet)), key=lambda t: index.terms[t][1])[:MAX_QUERY_TERMS]
    text_hits = index.match(terms, require_all=False) if terms else None
    code = clean_cpv(code_cpv)
    cpv_weight = W_CPV
    nature = need_nature(objet, code) if use_nature else None
    if code is None and text_hits is not None and infer_cpv:
        inferred, _share = infer_cpv_class(index, text_hits, nature=nature)
        code = inferred.ljust(8, "0") if inferred else None
        cpv_weight = W_CPV / 2
    parts = []
    if text_hits is not None and text_hits.height:
        # rounded, the date order breaking ties: the same candidates on every run
        top = text_hits.with_columns(pl.col("score").round(9), index.recency(text_hits["doc"]).alias("_rang"))
        top = top.top_k(MAX_TEXT_CANDIDATES, by=["score", "_rang"], reverse=[False, True])
        best = top["score"].max() or 1.0
        parts.append(top.select("doc", (pl.col("score") / best).alias("s_text")))
    if code is not None:
        cls = code[:4]
        same = index.class_docs(cls, MAX_CPV_CANDIDATES)
        parts.append(pl.DataFrame({"doc": same, "s_text": pl.Series([0.0] * same.len(), dtype=pl.Float64)}))
    if not parts:
        return docs.head(0).with_columns(
            *(pl.lit(0.0).alias(c) for c in ("score", "s_text", "s_cpv", "s_amount", "s_geo")),
            pl.lit(None, pl.String).alias("cpv_nature"),
            pl.lit(False).alias("other_nature"),
        )
    cands = pl.concat(parts).group_by("doc").agg(pl.col("s_text").max())
    # Only the columns the score and the order read are gathered for the thousands of candidates (every column
    # would map ~2 MB of index per candidate and column into the worker); the full rows of the `limit` best only.
    rows = index.docs.select(SCORED_COLUMNS)[cands["doc"].cast(pl.UInt32)].with_columns(
        cands["s_text"].alias("s_text")
    )
    if exclude:
        rows = rows.filter(~pl.col("contrat_uid").is_in(list(exclude)))
    c = pl.col
    if code is not None:
        common = pl.sum_horizontal(
            *[(c("code_cpv").str.slice(0, n) == code[:n]).cast(pl.Int8) for n in range(2, 6)]
        ).fill_null(0)
        s_cpv = (
            pl.when(common >= 4)
            .then(1.0)
            .when(common == 3)
            .then(0.8)
            .when(common == 2)
            .then(0.5)
            .when(common == 1)
            .then(0.25)
            .otherwise(0.0)
        )
    else:
        s_cpv = pl.lit(0.0)
    if use_amount and montant and montant > 0:
        ratio = (c("montant") / montant).log10().abs()
        s_amount = pl.when(c("montant_anomalie") | c("montant").is_null() | (c("montant") <= 0)).then(0.0)
        s_amount = s_amount.otherwise((1 - ratio).clip(0.0, 1.0))
    else:
        s_amount = pl.lit(0.0)
    s_geo = pl.lit(0.0)
    if departement:
        s_geo = pl.when(c("departement") == departement).then(1.0)
        region = region_of(departement)  # None for a code that is no département: no half score, no null compare
        if region is not None:
            s_geo = s_geo.when(c("region") == region).then(0.5)
        s_geo = s_geo.otherwise(0.0)
    rows = rows.with_columns(
        s_cpv.alias("s_cpv"),
        s_amount.fill_null(0.0).alias("s_amount"),
        s_geo.fill_null(0.0).alias("s_geo"),
        cpv_nature_expr(c("code_cpv")).alias("cpv_nature"),
    ).with_columns(((c("cpv_nature") != nature).fill_null(False) if nature else pl.lit(False)).alias("other_nature"))
    rows = rows.with_columns(
        (
            W_TEXT * c("s_text")
            + cpv_weight * c("s_cpv")
            + W_AMOUNT * c("s_amount")
            + W_GEO * c("s_geo")
            - NATURE_PENALTY * c("other_nature").cast(pl.Float64)
        )
        # BM25 sums come in hash order: rounding keeps their last bits from reordering equal scores
        .round(9)
        .alias("score")
    )
    # the contract id last: equal scores and dates come in the same order on every run (the eval is reproducible)
    best = rows.sort(
        ["score", "date_notification", "contrat_uid"], descending=[True, True, False], nulls_last=True
    ).head(limit)
    scores = best.select("s_text", "s_cpv", "s_amount", "s_geo", "cpv_nature", "other_nature", "score")
    ranked = index.rows(best["doc"]).hstack(scores)
    index.trim()
    return ranked


# Lots of one consultation: same buyer, same object once the lot designation is cut, notified within LOT_DAYS.
# (Lots are often notified a few days apart; a buyer's yearly renewal of the same purchase is not a lot.)
LOT_DAYS = 31
_LOT_MARK = re.compile(r"\b(lots?|tranche)\s*(n\s*)?(o\s*)?\d+|\blots?\b")
_TRAILING = re.compile(r"[\s\-:;,.()/]+$")
_LEADING_LOT = re.compile(
    r"\s*(lot|tranche)s?\s*(n\s*[°o.]?\s*)?\d+\s*[:\-–—.)]\s*(?P<rest>.+)", re.IGNORECASE | re.DOTALL
)
_SEPARATOR = re.compile(r"\s+[\-–—]\s+|\s*:\s*")


def object_root(objet: str | None) -> str:
    """The object of a consultation without its lot designation: « Construction d'une cuisine centrale - Lot n°2 :
    charpente » → « construction d une cuisine centrale »; « Lot 3 : électricité - Construction d'une cuisine » →
    « construction d une cuisine » (a leading designation and the lot's title after it are dropped)."""
    leading = _LEADING_LOT.match(objet or "")
    if leading:
        rest = leading.group("rest")
        parts = _SEPARATOR.split(rest, maxsplit=1)
        objet = parts[1] if len(parts) == 2 and parts[1].strip() else rest
    folded = fold_words(objet)
    mark = _LOT_MARK.search(folded)
    root = folded[: mark.start()] if mark else folded
    return _TRAILING.sub("", root).strip() or folded


def group_lots(rows: list[dict], limit: int) -> list[list[dict]]:
    """Ranked contracts (best first) gathered into purchases: each group holds the lots of one consultation, its
    best-ranked lot first; at most `limit` groups, in the order of their best lot."""
    groups: list[list[dict]] = []
    keys: list[tuple] = []
    for row in rows:
        key = (row.get("acheteur_id"), object_root(row.get("objet")))
        when = row.get("date_notification")
        for i, (k, first) in enumerate(keys):
            if k == key and (when == first or (when and first and abs((when - first).days) <= LOT_DAYS)):
                groups[i].append(row)
                break
        else:
            if len(groups) >= limit:
                continue
            groups.append([row])
            keys.append((key, when))
    return groups
