"""Read side of the explorer: search, contract detail, buyer and supplier profiles, over the index of the current
store generation (pilote.contracts.search.index) and its Parquet tables.

The cockpit's filters (pilote.contracts.filters: `parse_filters`, `Filters`) are reused as they are; since the
explorer's candidate rows live in memory (index.docs), `filters_expr` applies the same conditions as
`to_where` as a Polars expression (tests/explorer/test_filters.py checks both give the same contracts) instead
of sending hundreds of thousands of contract ids back and forth to DuckDB.
"""

import math
from dataclasses import dataclass, field

import polars as pl

from pilote.contracts.filters import Filters, to_polars
from pilote.contracts.search import text
from pilote.contracts.search.index import Index


PER_PAGE = 20
SORTS = {
    "pertinence": "Pertinence",
    "date_desc": "Date de notification (récentes d'abord)",
    "date_asc": "Date de notification (anciennes d'abord)",
    "montant_desc": "Montant (plus élevés d'abord)",
    "montant_asc": "Montant (plus faibles d'abord)",
}
MAX_EXPORT = 50_000  # rows in one CSV export (a larger need is the DECP files themselves)


@dataclass
class SearchResult:
    rows: list[dict] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    message: str = ""  # a French explanation shown above the results (empty query, fallback, page past the end)
    mode: str = "tous"  # "tous" (every word), "un" (at least one word: fallback), "aucun" (no words: filters only)
    terms: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # words of the query that are unknown to the index
    sort: str = "pertinence"


def _restrict(index: Index, hits: pl.DataFrame, filters: Filters | None) -> pl.DataFrame:
    """Keep the hits that pass the filters (a memoised mask over every doc, gathered at the hit positions)."""
    if filters is None or (filters.is_default and filters.sirets is None):
        return hits
    mask = index.mask((index.generation, filters), to_polars(filters))
    return hits.filter(mask.gather(hits["doc"]))


def _frame(index: Index, q: str, filters: Filters | None, sort: str) -> tuple[pl.DataFrame, SearchResult]:
    """(doc, score, hits, sort keys) of every matching contract, in result order; rows are gathered later."""
    result = SearchResult()
    words = text.words(q)
    terms = text.query_terms(q)
    result.terms = terms
    empty = pl.DataFrame(schema={"doc": pl.UInt32, "score": pl.Float64, "hits": pl.UInt32})
    if q and q.strip() and not terms:
        result.message = (
            "Votre recherche ne contient que des mots trop courants ou de la ponctuation : précisez quelques mots "
            "de l'objet (par exemple « restauration scolaire »)."
        )
        result.mode = "aucun"
        return empty, result
    if not terms:
        result.mode = "aucun"
        hits = pl.DataFrame({"doc": index.live_docs()}).with_columns(
            pl.lit(0.0).alias("score"), pl.lit(0, pl.UInt32).alias("hits")
        )
        if sort == "pertinence":
            sort = "date_desc"
    else:
        hits = index.match(terms, require_all=True)
        if hits.height == 0:
            hits = index.match(terms, require_all=False)
            if hits.height:
                result.mode = "un"
                result.message = (
                    "Aucun contrat ne contient tous vos mots : voici ceux qui en contiennent au moins un, "
                    "les plus proches d'abord."
                )
        result.ignored = [w for w in words if text.term(w) and text.term(w) not in index.terms]
    frame = _restrict(index, hits, filters)
    if result.mode == "un" and sort == "pertinence":
        sort = "pertinence_un"
    return frame, _with_sort(result, sort)


def _with_sort(result: SearchResult, sort: str) -> SearchResult:
    result.sort = sort if sort in (*SORTS, "pertinence_un") else "pertinence"
    return result


def _top(index: Index, frame: pl.DataFrame, sort: str, k: int) -> pl.DataFrame:
    """The first k results in order, without sorting every match (top-k; `_rang` is the date order — the doc
    number itself in an index built whole, whose docs are stored newest first — and breaks ties toward the most
    recent contract)."""
    if k <= 0 or frame.height == 0:
        return frame.head(0)
    c = pl.col
    frame = frame.with_columns(index.recency(frame["doc"]).alias("_rang"))
    if sort == "date_desc":
        return frame.bottom_k(k, by="_rang").sort("_rang")
    if sort in ("date_asc", "montant_desc", "montant_asc"):
        column = "date_notification" if sort == "date_asc" else "montant"
        keyed = frame.with_columns(index.column(column, frame["doc"]).alias("_key"))
        if sort == "montant_desc":
            keyed = keyed.with_columns(c("_key").fill_null(float("-inf")))
            return keyed.top_k(k, by=["_key", "_rang"], reverse=[False, True]).sort(
                ["_key", "_rang"], descending=[True, False]
            )
        keyed = keyed.with_columns(c("_key").is_null().alias("_null"))
        return keyed.bottom_k(k, by=["_null", "_key", "_rang"]).sort(["_null", "_key", "_rang"], nulls_last=True)
    by = ["hits", "score", "_rang"] if sort == "pertinence_un" else ["score", "_rang"]
    reverse = [False] * (len(by) - 1) + [True]
    return frame.top_k(k, by=by, reverse=reverse).sort(by, descending=[not r for r in reverse])


def _rows(index: Index, frame: pl.DataFrame) -> pl.DataFrame:
    """The full rows of a (small) slice of results, with their score and hit count."""
    rows = index.rows(frame["doc"])
    return rows.with_columns(frame["score"].alias("score"), frame["hits"].alias("hits"))


def search(
    index: Index,
    *,
    q: str,
    filters: Filters | None = None,
    sort: str = "pertinence",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of contracts matching the words of `q` (every word; at least one as a fallback) and the filters."""
    frame, result = _frame(index, q, filters, sort)
    result.total = frame.height
    result.pages = max(1, math.ceil(result.total / per_page))
    if page < 1:
        page = 1
    if page > result.pages:
        if result.total:
            result.message = (
                f"La page {page} n'existe pas : il y a {result.pages} page{'s' if result.pages > 1 else ''} "
                "de résultats. Voici la dernière."
            )
        page = result.pages
    result.page = page
    top = _top(index, frame, result.sort, page * per_page)
    result.rows = _rows(index, top.slice((page - 1) * per_page, per_page)).to_dicts()
    index.trim()  # what this search mapped (posting lists, a sort column) is kept only within the budget
    if not result.total and not result.message:
        result.message = "Aucun contrat ne correspond à cette recherche."
    return result


def export_rows(index: Index, *, q: str, filters: Filters | None, sort: str) -> tuple[pl.DataFrame, int]:
    """All matching contracts for a CSV export (at most MAX_EXPORT rows) and the full count."""
    frame, result = _frame(index, q, filters, sort)
    rows = _rows(index, _top(index, frame, result.sort, MAX_EXPORT))
    index.trim()
    return rows, frame.height
