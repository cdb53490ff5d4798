"""The figures of the contract data for a set of filters, as every page, export and API reads them: the
overview aggregate with every catalogue indicator, breakdowns, suppliers, concentration, amount growth through
modifications, quality codes and the lists of contracts behind a figure.

One function per figure, shared by the cockpit, the explorer's buyer and supplier pages, the exports and the
API, so that the same filters always give the same numbers. Results are cached per store generation. Nothing
here writes anything.
"""

import hashlib
import threading
from concurrent.futures import Future

from django.core.cache import cache

from pilote.contracts import (
    companies,
    cube,
    db as duck,
    indicators,
    national,
    per_buyer,
    prepared,
    queries,
    table as cockpit_table,
)
from pilote.contracts.filters import Filters
from pilote.contracts.sirene_files import cockpit_extract
from pilote.decp import store
from pilote.decp.cleaning.rules import RULES


# Keys name the store generation: figures never go stale, an import changes the keys. The timeout only bounds
# how long entries of a replaced generation occupy the cache; the views prepared after an import must outlive
# the month between two DECP publications, or the first visitor of each day would wait for national scans.
CACHE_SECONDS = 45 * 24 * 3600


def fetch_rows(sql, params, tables=()):
    """Rows of one query, cached per store generation: a new import changes the key, so figures are never
    stale; identical views (the same filters) are then served without touching DuckDB. `tables`: more
    in-memory tables the query reads (an organisation's SIRENE extract, whose id is in the SQL)."""
    generation = store.current_generation_dir()
    key = "cockpit:" + hashlib.sha256(f"{generation}\n{sql}\n{params!r}".encode()).hexdigest()
    rows = cache.get(key)
    if rows is not None:
        return rows
    # One computation per key at a time in this process: a page asks some aggregates twice at once (an
    # organisation's national view and its peers' national reference are the same query), and a cold
    # national aggregate run twice side by side costs both of them on two cores.
    with _IN_FLIGHT_LOCK:
        running = _IN_FLIGHT.get(key)
        if running is None:
            running = _IN_FLIGHT[key] = Future()
            owner = True
        else:
            owner = False
    if not owner:
        return [dict(row) for row in running.result()]  # callers add keys to their rows
    try:
        ensure_cockpit_tables()
        duck.ensure_tables(tables)
        rows = duck.fetch_all(sql, params)
        cache.set(key, rows, CACHE_SECONDS)
        running.set_result([dict(row) for row in rows])
    except BaseException as error:
        running.set_exception(error)
        raise
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.pop(key, None)
    return rows


_IN_FLIGHT: dict[str, Future] = {}
_IN_FLIGHT_LOCK = threading.Lock()


def fetch_row(sql, params):
    """The first row of a query (cached), {} when none."""
    rows = fetch_rows(sql, params)
    return rows[0] if rows else {}


def ensure_cockpit_tables() -> None:
    """The per-contract table and the monthly aggregates: views of the prepared file, or computed once per
    process when the file is missing or unreadable (the file's name carries its layout, so whenever it is
    attached it holds every table of `prepared.prepared_tables`)."""
    if not duck.has_relation(cockpit_table.COCKPIT_TABLE):
        duck.ensure_tables(prepared.cockpit_tables(store.current_generation_dir()))


def overview_query(filters: Filters, kind: str = "commune", sirene_table: str | None = None) -> tuple[str, list]:
    """The overview aggregate's SQL: from the monthly national aggregates when they answer the view exactly (and
    the prepared median, for a national view of every contract or of one year)."""
    if cube.eligible(filters, sirene_table):
        return cube.overview_sql(filters, kind, national.median_sql(filters) if _national(filters) else None)
    if _per_buyer(filters, sirene_table):
        return per_buyer.overview_sql(filters, kind)
    return queries.overview_sql(filters, kind, sirene_table)


def _national(filters: Filters, sirene_table: str | None = None) -> bool:
    """Whether the national tables prepared with the generation (`national`) answer this view: the cube's
    condition, and a generation whose prepared file holds them (or computed in memory, as the cube)."""
    if not national.answers(filters, sirene_table):
        return False
    ensure_cockpit_tables()
    return duck.has_relation(national.SUPPLIERS)


def _per_buyer(filters: Filters, sirene_table: str | None = None) -> bool:
    """Whether the per-buyer tables prepared with the generation (`per_buyer`) answer this view: restricted to
    buyers at the cube's grain, and a generation whose prepared file holds them (or computed in memory)."""
    if not per_buyer.answers(filters, sirene_table):
        return False
    ensure_cockpit_tables()
    return duck.has_relation(per_buyer.CUBE)


def peers_query(filters: Filters, siret_to_org: dict, kind: str = "commune") -> tuple[str, list]:
    """The overview aggregate per organisation of a SIRET → organisation map (the peers' table, a support
    service's lines): from the per-buyer tables when they answer, else from the contracts (queries.peers_sql)."""
    scope = filters.with_changes(perimetre="pairs", sirets=tuple(siret_to_org), acheteur="")
    if siret_to_org and _per_buyer(scope):
        return per_buyer.peers_sql(filters, siret_to_org, kind)
    return queries.peers_sql(filters, siret_to_org, kind)


def reference_query(filters: Filters, kind: str = "commune") -> tuple[str, list]:
    """The national reference of the peers table: the national overview under the view's other filters."""
    return overview_query(filters.with_changes(perimetre="national", sirets=None, acheteur=""), kind)


def buyer_kind(organisation) -> str:
    return organisation.kind if organisation is not None else "commune"


def sirene(organisation) -> dict | None:
    """The organisation's SIRENE extract as the cockpit uses it: the extract, its in-memory table name and the
    table's definition (loaded once per process from the Parquet file the import wrote), or None."""
    found = cockpit_extract(organisation)
    if found is None:
        return None
    extract, path = found
    table = companies.extract_table(extract.pk)
    return {
        "extract": extract,
        "table": table,
        "tables": [(table, companies.extract_table_sql(path, cockpit_table.COCKPIT_TABLE))],
    }


def overview(filters: Filters, organisation=None) -> dict:
    """The overview aggregate and every catalogue indicator."""
    extract = sirene(organisation)
    sql, params = overview_query(filters, buyer_kind(organisation), extract and extract["table"])
    rows = fetch_rows(sql, params, extract["tables"] if extract else ())
    agg = rows[0] if rows else {}
    values = indicators.compute_all(agg)
    groups: dict[str, list] = {}
    for code, label, group, _func, drill, _hib in indicators.CATALOGUE:
        groups.setdefault(group, []).append({"code": code, "label": label, "valeur": values[code], "drill": drill})
    return {
        "agg": agg,
        "values": values,
        "groups": groups,
        "couleur_offre_unique": couleur_offre_unique(values["taux_offre_unique"]),
        "signalement_hors_absence": indicators.part_signalement_hors_absence(agg),
        "sources_acces": access_sources(agg, extract),
    }


def couleur_offre_unique(valeur: indicators.Valeur) -> str:
    """The colour code of the single-bidding rate, "insuffisant" below the minimum base (never coloured)."""
    if valeur.insuffisant:
        return "insuffisant"
    return indicators.couleur_offre_unique(valeur.valeur)


def access_sources(agg, extract) -> dict:
    """Where the SME and local shares come from: how many contracts the DECP data and the SIRENE extract (with
    its import date) each gave a known category / both départements."""
    n_pme, n_locale = int(agg.get("n_pme_renseigne") or 0), int(agg.get("n_locale_renseigne") or 0)
    pme_extrait, locale_extrait = int(agg.get("n_pme_extrait") or 0), int(agg.get("n_locale_extrait") or 0)
    return {
        "extrait": extract["extract"] if extract else None,
        "pme_donnees": n_pme - pme_extrait,
        "pme_extrait": pme_extrait,
        "locale_donnees": n_locale - locale_extrait,
        "locale_extrait": locale_extrait,
    }


# The shares of a breakdown row: (key, numerator, base); each also gets `<key>_insuffisant` (below MIN_BASE).
BREAKDOWN_SHARES = (
    ("part_soc", "n_soc", "n_soc_renseigne"),
    ("part_env", "n_env", "n_env_renseigne"),
    ("taux_offre_unique", "n_offre_unique", "n_offres_renseigne"),
)


def breakdowns(filters: Filters, dimensions, organisation=None) -> dict[str, list[dict]]:
    """Rows per value of each dimension (see queries.DIMENSIONS), with the shares computed."""
    if cube.eligible(filters):
        sql, params = cube.breakdown_sql(filters, list(dimensions))
    elif _per_buyer(filters):
        sql, params = per_buyer.breakdown_sql(filters, list(dimensions))
    else:
        sql, params = queries.breakdown_sql(filters, list(dimensions), buyer_kind(organisation))
    out = {name: [] for name in dimensions}
    for row in fetch_rows(sql, params):
        for key, num, base in BREAKDOWN_SHARES:
            # each share of the row as the headlines' (indicators.part_ligne): value, insufficiency, Wilson bounds
            share = indicators.part_ligne(row, num, base)
            row[key], row[f"{key}_insuffisant"] = share.valeur, share.insuffisant
            row[f"{key}_bas"], row[f"{key}_haut"] = share.intervalle or (None, None)
        out[row["dimension"]].append(row)
    return out


def breakdown(filters: Filters, dimension: str, organisation=None) -> list[dict]:
    return breakdowns(filters, [dimension], organisation)[dimension]


def undated(filters: Filters, organisation=None) -> dict | None:
    """The contracts of the view's scope without a notification date (the "date inconnue" line of the year
    breakdown, whatever the period filter: such contracts belong to no year, month or quarter), None if none."""
    rows = breakdown(filters.with_changes(annee=None, trimestre=None, mois=None), "annee", organisation)
    return undated_row(rows)


def undated_row(year_rows: list[dict]) -> dict | None:
    """The "date inconnue" line of a year breakdown, None if none (a view without a period filter has it in its
    own year breakdown: no second query)."""
    return next((row for row in year_rows if row["valeur"] is None and row["n"]), None)


def suppliers(filters: Filters, limit: int = 10) -> dict:
    query = None
    if _national(filters):
        query = national.ranking_sql(filters, limit) or national.suppliers_sql(filters, limit)
    elif _per_buyer(filters):
        query = per_buyer.suppliers_sql(filters, limit)
    rows = fetch_rows(*(query or queries.suppliers_sql(filters, limit)))
    if not rows:
        return {"top": [], "hhi_montant": None, "hhi_nombre": None, "nb_titulaires": 0, "part_top5": None,
                "base": 0, "insuffisant": True}  # fmt: skip
    first = rows[0]
    total = float(first["montant_total"] or 0)
    # The amount shares' base: the contracts of the ranking (those with an identified titulaire); below the
    # minimum base they are "échantillon insuffisant" like every share (the raw value stays for exports).
    base = int(first.get("n_total") or 0)
    for row in rows:
        row["part"] = float(row["montant"]) / total if total else None
        row["base"] = base
        row["insuffisant"] = indicators.insuffisant(base)
    hhi_montant = 10000 * first["hhi_montant"] if first["hhi_montant"] is not None else None
    return {
        "top": rows,
        "hhi_montant": hhi_montant,
        "hhi_nombre": 10000 * first["hhi_nombre"] if first["hhi_nombre"] is not None else None,
        "hhi_label": indicators.hhi_label(hhi_montant),
        "nb_titulaires": first["nb_titulaires"],
        "part_top5": indicators.part_premiers([float(r["montant"]) for r in rows], total, 5),
        "base": base,
        "insuffisant": indicators.insuffisant(base),
    }


def concentration(filters: Filters) -> list[dict]:
    query = None
    if _national(filters):
        query = national.divisions_sql(filters) or national.concentration_sql(filters)
    elif _per_buyer(filters):
        query = per_buyer.concentration_sql(filters)
    rows = fetch_rows(*(query or queries.concentration_by_division_sql(filters)))
    for row in rows:
        row["hhi"] = 10000 * row["hhi_montant"] if row["hhi_montant"] is not None else None
        row["hhi_label"] = indicators.hhi_label(row["hhi"])
        # the first titulaire's share of the division's amount: over the division's contracts, minimum base rule
        row["base"] = int(row["n"] or 0)
        row["insuffisant"] = indicators.insuffisant(row["base"])
    return rows


def evolution(filters: Filters, total: int, limit: int = 50) -> dict:
    if _national(filters):
        evolution_sql = national.evolution_sql
    elif _per_buyer(filters):
        evolution_sql = per_buyer.evolution_sql
    else:
        evolution_sql = queries.evolution_sql
    evo = fetch_row(*evolution_sql(filters))
    # a prepared view finds its contracts to check in the prepared table of those contracts (sorted by buyer)
    source = cockpit_table.COCKPIT_TABLE if evolution_sql is queries.evolution_sql else national.TO_CHECK
    return {
        "hausse": indicators.hausse_par_modifications(evo, total),
        "n_a_verifier": int(evo.get("n_a_verifier") or 0),
        "a_verifier": fetch_rows(*queries.modifications_to_check_sql(filters, limit, source)),
    }


def contracts(
    filters: Filters, drill: str = "tous", organisation=None, limit=50, offset=0, with_total=True
) -> tuple[list, int | None]:
    extract = sirene(organisation)
    sirene_table = extract and extract["table"]
    prepared_view = _national(filters, sirene_table) or _per_buyer(filters, sirene_table)
    subset = national.subset(drill) if prepared_view else None
    sql, params = queries.contracts_sql(
        filters,
        drill,
        buyer_kind=buyer_kind(organisation),
        limit=limit,
        offset=offset,
        sirene_table=sirene_table,
        with_total=with_total,
        source=subset or cockpit_table.COCKPIT_TABLE,
    )
    rows = fetch_rows(sql, params, extract["tables"] if extract else ())
    total = (rows[0]["total"] if rows else 0) if with_total else None
    return rows, total


def flags(filters: Filters) -> list[dict]:
    if cube.eligible(filters):
        rows = fetch_rows(*cube.flags_sql(filters))
    elif _per_buyer(filters):
        rows = fetch_rows(*per_buyer.flags_sql(filters))
    else:
        rows = fetch_rows(*queries.flags_sql(filters))
    for row in rows:
        rule = RULES.get(row["code"])
        row["label"] = rule.label if rule else row["code"]
        row["kind"] = rule.kind if rule else ""
    return rows
