"""Assembles what the cockpit shows (pages, public view, report, API) from the queries and indicators.

Every section is a small dict of plain values, so that templates, exports and the API serialise the same
figures. Nothing here writes anything.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor

from django.core.cache import cache
from django.utils import timezone

from pilote.analytics import indicators
from pilote.analytics.models import CEILING_INDICATORS, SpaserTarget
from pilote.contracts import companies, cube, db as duck, queries, table as cockpit_table
from pilote.contracts.filters import Filters, peer_organisations
from pilote.decp import store
from pilote.reglementation import seuils


# Catalogue indicators shown beside the peers' values without a rank: absolute counts and amounts grow with the
# organisation's size, so ranking them would compare sizes, not practices.
UNRANKED = {"nb_contrats", "montant_total", "nb_art35_a_verifier", "nb_ue_sans_social"}


# Keys name the store generation: figures never go stale, an import changes the keys. The timeout only bounds
# how long entries of a replaced generation occupy the cache; the views prepared after an import must outlive
# the month between two DECP publications, or the first visitor of each day would wait for national scans.
CACHE_SECONDS = 45 * 24 * 3600
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cockpit")


def _fetch_all(sql, params, tables=()):
    """Rows of one query, cached per store generation: a new import changes the key, so figures are never
    stale; identical views (the same filters) are then served without touching DuckDB. `tables`: more
    in-memory tables the query reads (an organisation's SIRENE extract, whose id is in the SQL)."""
    generation = store.current_generation_dir()
    key = "cockpit:" + hashlib.sha256(f"{generation}\n{sql}\n{params!r}".encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        ensure_cockpit_tables()
        duck.ensure_tables(tables)
        rows = duck.fetch_all(sql, params)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _fetch_one(sql, params):
    rows = _fetch_all(sql, params)
    return rows[0] if rows else {}


def ensure_cockpit_tables() -> None:
    """The per-contract table and the monthly aggregates: views of the prepared file, or computed once per
    process when the file is missing or unreadable (the file's name carries its layout, so whenever it is
    attached it holds every table of `cockpit_table.prepared_tables`)."""
    if not duck.has_relation(cockpit_table.COCKPIT_TABLE):
        duck.ensure_tables(cockpit_table.cockpit_tables(store.current_generation_dir()))


def overview_query(filters: Filters, kind: str = "commune", sirene_table: str | None = None) -> tuple[str, list]:
    """The overview aggregate's SQL: from the monthly national aggregates when they answer the view exactly."""
    if cube.eligible(filters, sirene_table):
        return cube.overview_sql(filters, kind)
    return queries.overview_sql(filters, kind, sirene_table)


def reference_query(filters: Filters, kind: str = "commune") -> tuple[str, list]:
    """The national reference of the peers table: the national overview under the view's other filters."""
    return overview_query(filters.with_changes(perimetre="national", sirets=None, acheteur=""), kind)


def buyer_kind(organisation) -> str:
    return organisation.kind if organisation is not None else "commune"


def sirene(organisation) -> dict | None:
    """The organisation's SIRENE extract as the cockpit uses it: the extract, its in-memory table name and the
    table's definition (loaded once per process from the Parquet file the import wrote), or None."""
    from pilote.contracts.sirene_files import cockpit_extract

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
    rows = _fetch_all(sql, params, extract["tables"] if extract else ())
    agg = rows[0] if rows else {}
    values = indicators.compute_all(agg)
    groups: dict[str, list] = {}
    for code, label, group, _func, drill, _hib in indicators.CATALOGUE:
        groups.setdefault(group, []).append({"code": code, "label": label, "valeur": values[code], "drill": drill})
    return {
        "agg": agg,
        "values": values,
        "groups": groups,
        "couleur_offre_unique": indicators.couleur_offre_unique(values["taux_offre_unique"].valeur),
        "sources_acces": access_sources(agg, extract),
    }


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


def breakdowns(filters: Filters, dimensions, organisation=None) -> dict[str, list[dict]]:
    """Rows per value of each dimension (see queries.DIMENSIONS), with the shares computed."""
    if cube.eligible(filters):
        sql, params = cube.breakdown_sql(filters, list(dimensions))
    else:
        sql, params = queries.breakdown_sql(filters, list(dimensions), buyer_kind(organisation))
    out = {name: [] for name in dimensions}
    for row in _fetch_all(sql, params):
        row["part_soc"] = row["n_soc"] / row["n_soc_renseigne"] if row["n_soc_renseigne"] else None
        row["part_env"] = row["n_env"] / row["n_env_renseigne"] if row["n_env_renseigne"] else None
        row["taux_offre_unique"] = (
            row["n_offre_unique"] / row["n_offres_renseigne"] if row["n_offres_renseigne"] else None
        )
        out[row["dimension"]].append(row)
    return out


def breakdown(filters: Filters, dimension: str, organisation=None) -> list[dict]:
    return breakdowns(filters, [dimension], organisation)[dimension]


def suppliers(filters: Filters, limit: int = 10) -> dict:
    rows = _fetch_all(*queries.suppliers_sql(filters, limit))
    if not rows:
        return {"top": [], "hhi_montant": None, "hhi_nombre": None, "nb_titulaires": 0, "part_top5": None}
    first = rows[0]
    total = float(first["montant_total"] or 0)
    for row in rows:
        row["part"] = float(row["montant"]) / total if total else None
    hhi_montant = 10000 * first["hhi_montant"] if first["hhi_montant"] is not None else None
    return {
        "top": rows,
        "hhi_montant": hhi_montant,
        "hhi_nombre": 10000 * first["hhi_nombre"] if first["hhi_nombre"] is not None else None,
        "hhi_label": indicators.hhi_label(hhi_montant),
        "nb_titulaires": first["nb_titulaires"],
        "part_top5": indicators.part_premiers([float(r["montant"]) for r in rows], total, 5),
    }


def concentration(filters: Filters) -> list[dict]:
    rows = _fetch_all(*queries.concentration_by_division_sql(filters))
    for row in rows:
        row["hhi"] = 10000 * row["hhi_montant"] if row["hhi_montant"] is not None else None
        row["hhi_label"] = indicators.hhi_label(row["hhi"])
    return rows


def evolution(filters: Filters, total: int, limit: int = 50) -> dict:
    evo = _fetch_one(*queries.evolution_sql(filters))
    return {
        "hausse": indicators.hausse_par_modifications(evo, total),
        "n_a_verifier": int(evo.get("n_a_verifier") or 0),
        "a_verifier": with_details(_fetch_all(*queries.modifications_to_check_sql(filters, limit=limit))),
    }


def contracts(
    filters: Filters, drill: str = "tous", organisation=None, limit=50, offset=0, with_total=True
) -> tuple[list, int | None]:
    extract = sirene(organisation)
    sql, params = queries.contracts_sql(
        filters,
        drill,
        buyer_kind=buyer_kind(organisation),
        limit=limit,
        offset=offset,
        sirene_table=extract and extract["table"],
        with_total=with_total,
    )
    rows = _fetch_all(sql, params, extract["tables"] if extract else ())
    total = (rows[0]["total"] if rows else 0) if with_total else None
    return with_details(rows), total


DETAILS_CHUNK = 2000


def with_details(rows: list[dict]) -> list[dict]:
    """Adds the text fields (id, objet, buyer name, considerations) of listed contracts."""
    details = {}
    rids = [r["rid"] for r in rows]
    path = store.table_path("contrats")
    prepared = bool(rids) and duck.has_relation(cockpit_table.DETAILS_TABLE)
    for start in range(0, len(rids), DETAILS_CHUNK):
        chunk = rids[start : start + DETAILS_CHUNK]
        for detail in _fetch_all(*queries.details_sql(chunk, path, prepared=prepared)):
            details[detail["rid"]] = detail
    for row in rows:
        row.update(details.get(row["rid"], {}))
    return rows


def flags(filters: Filters) -> list[dict]:
    from pilote.decp.cleaning.rules import RULES

    if cube.eligible(filters):
        rows = _fetch_all(*cube.flags_sql(filters))
    else:
        rows = _fetch_all(*queries.flags_sql(filters))
    for row in rows:
        rule = RULES.get(row["code"])
        row["label"] = rule.label if rule else row["code"]
        row["kind"] = rule.kind if rule else ""
    return rows


def _unit(code: str) -> str:
    if code.startswith(("part_", "taux_")):
        return "part"
    return "euros" if code.startswith("montant_") else "nombre"


def peers(filters: Filters, organisation, reference=None, *, with_national=True) -> dict:
    """The organisation against its peers (same peer group, else same kind) for every catalogue indicator:
    value, rank, percentile, the peers' median and the national reference (all buyers, same other filters).
    `reference`: the national reference aggregate when the caller already has it (computed beside the page);
    with_national=False leaves the national column to a second request (`national_pending`)."""
    kind = buyer_kind(organisation)
    orgs = list(peer_organisations(organisation).prefetch_related("buyer_entities"))
    siret_to_org = {b.siret: o.pk for o in orgs for b in o.buyer_entities.all()}
    rows = {r["org"]: r for r in _fetch_all(*queries.peers_sql(filters, siret_to_org, kind))}
    per_org = {pk: indicators.compute_all(row) for pk, row in rows.items()}
    mine = per_org.get(organisation.pk, {})
    national = None
    if with_national:
        national = indicators.compute_all(reference or _fetch_one(*reference_query(filters, kind)))
    table = []
    for code, label, _group, _func, _drill, higher in indicators.CATALOGUE:
        values = [v[code].valeur for v in per_org.values()]
        known = sorted(v for v in values if v is not None)
        own = mine[code].valeur if mine else None
        rank, percentile = (None, None) if code in UNRANKED else indicators.rank_and_percentile(own, values, higher)
        table.append(
            {
                "code": code,
                "label": label,
                "valeur": own,
                "rang": rank,
                "sur": len(known),
                "percentile": percentile,
                "mediane_pairs": known[len(known) // 2] if known else None,
                "national": national[code].valeur if national else None,
                "unite": _unit(code),
            }
        )
    basis = (
        f"groupe de pairs « {organisation.peer_group} »"
        if organisation.peer_group_id
        else f"organisations du même type ({organisation.get_kind_display()})"
    )
    return {"table": table, "nb_organisations": len(orgs), "base": basis, "national_pending": not with_national}


def targets(filters: Filters, organisation) -> list[dict]:
    """The organisation's SPASER targets, each with the value reached in its year and the progress."""
    out, cache = [], {}
    for target in SpaserTarget.objects.filter(organisation=organisation).order_by("-annee", "indicateur"):
        if target.annee not in cache:
            year = filters.with_changes(annee=target.annee, trimestre=None, mois=None)
            cache[target.annee] = overview(year, organisation)["values"]
        valeur = cache[target.annee][target.indicateur]
        reached = valeur.valeur
        if target.indicateur in CEILING_INDICATORS:
            progress = None if reached is None else (1.0 if reached <= target.share else target.share / reached)
        else:
            progress = indicators.progression(reached, target.share)
        out.append({"target": target, "valeur": valeur, "progression": progress, "progression_pct": _pct(progress)})
    return out


def _pct(progress: float | None) -> int:
    return round(100 * progress) if progress is not None else 0


def national_plan(values: dict) -> list[dict]:
    """The national plan's targets (PNAD) against the current values."""
    return [
        {
            "code": code,
            "cible": cible,
            "valeur": values[code],
            "progression": indicators.progression(values[code].valeur, cible),
            "progression_pct": _pct(indicators.progression(values[code].valeur, cible)),
        }
        for code, cible in indicators.PNAD_TARGETS.items()
    ]


# Rows of the "à vérifier" lists shown in the page (each links to its whole list); the printed report shows more.
PAGE_LIST_ROWS = 20


def build(
    filters: Filters, organisation=None, *, with_peers=True, list_rows=PAGE_LIST_ROWS, peers_national=True
) -> dict:
    """Everything the cockpit page shows; {"store": False} when no DECP data was imported yet.
    peers_national=False: the peers' national reference (a scan of every contract, ~250 ms at national
    scale when no one asked it since the import) is left to a second request of the page (`peers`)."""
    if not duck.has_store():
        return {"store": False}
    # The sections that only read DuckDB run beside the main thread (a cursor per thread; DuckDB releases the
    # GIL while it scans): an organisation's page is a dozen small queries, each mostly fixed overhead. Those
    # that read the database (SIRENE extract, peers, targets) stay on the request's thread and connection.
    side = {
        "breakdowns": _POOL.submit(breakdowns, filters, queries.DIMENSIONS, organisation),
        "suppliers": _POOL.submit(suppliers, filters),
        "concentration": _POOL.submit(concentration, filters),
        "flags": _POOL.submit(flags, filters),
    }
    if organisation is not None and with_peers and peers_national:
        side["reference"] = _POOL.submit(_fetch_one, *reference_query(filters, buyer_kind(organisation)))
    ov = overview(filters, organisation)
    side["evolution"] = _POOL.submit(evolution, filters, ov["values"]["nb_contrats"].total, limit=list_rows)
    # the page has their totals in the overview: no second count of the filtered contracts
    art35 = contracts(filters, "art35", organisation, limit=list_rows, with_total=False)[0]
    ue_sans_social = contracts(filters, "ue_sans_social", organisation, limit=list_rows, with_total=False)[0]
    own = {}
    if organisation is not None:
        own["objectifs"] = targets(filters, organisation)
        if with_peers:
            reference = side["reference"].result() if peers_national else None
            own["pairs"] = peers(filters, organisation, reference, with_national=peers_national)
    data = {
        "store": True,
        "overview": ov,
        **{f"par_{name}": rows for name, rows in side["breakdowns"].result().items()},
        "titulaires": side["suppliers"].result(),
        "concentration": side["concentration"].result(),
        "evolution": side["evolution"].result(),
        "list_rows": list_rows,
        "qualite": side["flags"].result(),
        "art35": art35,
        "ue_sans_social": ue_sans_social,
        "pnad": national_plan(ov["values"]),
        "art35_date": seuils.CLIMAT_RESILIENCE_ART35,
        "today": timezone.localdate(),
        **own,
    }
    return data
