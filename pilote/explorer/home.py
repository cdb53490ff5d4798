"""What the explorer contributes to the header search (pilote.ui.search): contracts, and the buyers and
suppliers of the matching contracts (those whose name holds the query's words first); a SIRET or SIREN typed
as such leads straight to its buyer and supplier pages. One index search per request serves the three kinds."""

import re
from collections import Counter
from urllib.parse import urlencode

from django.urls import reverse

from pilote.contracts import names
from pilote.contracts.search import query as queries
from pilote.contracts.search.index import load
from pilote.contracts.search.text import words
from pilote.explorer.permissions import CAN_EXPLORE
from pilote.ui import formats
from pilote.ui.search import MAX_HITS, Found, Hit, SearchSource, register_search_source


SCANNED = 200  # matching contracts (best first) whose buyers and suppliers are offered
NO_DATA = "Aucune donnée de marchés n'a encore été importée."


def _matches(request, q: str):
    """(index, rows, total) of the contracts matching `q`, computed once per request."""
    cache = request.__dict__.setdefault("_explorer_search", {})
    if q not in cache:
        index = load()
        if index is None:
            cache[q] = (None, [], 0)
        else:
            result = queries.search(index, q=q, per_page=SCANNED)
            rows = result.rows if result.mode != "aucun" else []
            cache[q] = (index, rows, result.total if rows else 0)
    return cache[q]


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"explorer:{name}", kwargs={"slug": request.organisation.slug, **kwargs})


def find_contracts(request, q: str) -> Found:
    index, rows, total = _matches(request, q)
    if index is None:
        return Found(message=NO_DATA)
    hits = [
        Hit(
            row.get("objet") or row["contrat_uid"],
            _url(request, "contract", uid=row["contrat_uid"]),
            " · ".join(
                part
                for part in (
                    row.get("acheteur_nom") or row.get("acheteur_id") or "",
                    row["date_notification"].strftime("%d/%m/%Y") if row.get("date_notification") else "",
                    formats.euros(row.get("montant")) if row.get("montant") is not None else "",
                )
                if part
            ),
        )
        for row in rows[:MAX_HITS]
    ]
    return Found(hits, total, _url(request, "search") + "?" + urlencode({"q": q}))


def _parties(request, q: str, rows, kind: str) -> list[Hit]:
    """The buyers (kind "buyer") or suppliers of the matching contracts, those named after the query first,
    then by number of matching contracts."""
    counts, named = Counter(), {}
    for row in rows:
        if kind == "buyer":
            pairs = [(row.get("acheteur_id"), row.get("acheteur_nom"))]
        else:
            ids, noms = row.get("titulaire_ids") or [], row.get("titulaire_noms") or []
            pairs = [(siret, noms[i] if i < len(noms) else None) for i, siret in enumerate(ids)]
        for siret, name in pairs:
            if siret:
                counts[siret] += 1
                named[siret] = named.get(siret) or name
    missing = [siret for siret in counts if not named.get(siret)]
    named |= names.sirene_names(request.organisation, missing)
    wanted = set(words(q))

    def by_name_then_count(siret):
        return (not wanted <= set(words(named.get(siret) or "")), -counts[siret], siret)

    return [
        Hit(
            named.get(siret) or f"SIRET {siret}",
            _url(request, kind, siret=siret),
            f"SIRET {siret} · {formats.compte(counts[siret], 'contrat trouvé,contrats trouvés')}",
        )
        for siret in sorted(counts, key=by_name_then_count)[:MAX_HITS]
    ]


def _by_number(request, q: str, kind: str) -> list[Hit]:
    """A SIRET typed as the query: its page, whether or not a contract object mentions it."""
    digits = re.sub(r"\s", "", q)
    if re.fullmatch(r"\d{14}", digits):
        label = "Acheteur" if kind == "buyer" else "Titulaire"
        return [Hit(f"{label} SIRET {digits}", _url(request, kind, siret=digits))]
    return []


def find_buyers(request, q: str) -> Found:
    index, rows, _total = _matches(request, q)
    if index is None:
        return Found(message=NO_DATA)
    return Found(_by_number(request, q, "buyer") + _parties(request, q, rows, "buyer"))


def find_suppliers(request, q: str) -> Found:
    index, rows, _total = _matches(request, q)
    if index is None:
        return Found(message=NO_DATA)
    return Found(_by_number(request, q, "supplier") + _parties(request, q, rows, "supplier"))


def register_search_sources() -> None:
    """Called by ExplorerConfig.ready."""
    register_search_source(SearchSource("explorer.contracts", "Contrats", CAN_EXPLORE, find_contracts, 10))
    register_search_source(SearchSource("explorer.buyers", "Acheteurs", CAN_EXPLORE, find_buyers, 20))
    register_search_source(SearchSource("explorer.suppliers", "Titulaires", CAN_EXPLORE, find_suppliers, 30))
