"""Assembles what the cockpit shows (pages, public view, report, API) from the queries and indicators.

Every section is a small dict of plain values, so that templates, exports and the API serialise the same
figures. Nothing here writes anything.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone

from pilote.analytics import duck, indicators, queries
from pilote.analytics.filters import Filters, peer_organisations
from pilote.analytics.models import CEILING_INDICATORS, SpaserTarget
from pilote.decp import store


# Indicators compared with peers (code, label, higher is better, function over a peers row).
PEER_INDICATORS = [
    ("part_consideration_sociale", "Considération sociale", True),
    ("part_consideration_environnementale", "Considération environnementale", True),
    ("taux_offre_unique", "Offre unique", False),
    ("nb_offres_moyen", "Nombre moyen d'offres", True),
    ("part_publication_tardive", "Publication tardive", False),
]


CACHE_SECONDS = 600


def _fetch_all(sql, params):
    """Rows of one query, cached per store generation: a new import changes the key, so figures are never
    stale; identical views (the same filters) are then served without touching DuckDB."""
    generation = str(store.current_generation_dir())
    key = "cockpit:" + hashlib.sha256(f"{generation}\n{sql}\n{params!r}".encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        duck.ensure_tables(queries.cockpit_tables(store.current_generation_dir()))
        rows = duck.fetch_all(sql, params)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _fetch_one(sql, params):
    rows = _fetch_all(sql, params)
    return rows[0] if rows else {}


def buyer_kind(organisation) -> str:
    return organisation.kind if organisation is not None else "commune"


def overview(filters: Filters, organisation=None) -> dict:
    """The overview aggregate and every catalogue indicator."""
    sql, params = queries.overview_sql(filters, buyer_kind(organisation))
    agg = _fetch_one(sql, params)
    values = indicators.compute_all(agg)
    groups: dict[str, list] = {}
    for code, label, group, _func, drill, _hib in indicators.CATALOGUE:
        groups.setdefault(group, []).append({"code": code, "label": label, "valeur": values[code], "drill": drill})
    return {
        "agg": agg,
        "values": values,
        "groups": groups,
        "couleur_offre_unique": indicators.couleur_offre_unique(values["taux_offre_unique"].valeur),
    }


def breakdowns(filters: Filters, dimensions, organisation=None) -> dict[str, list[dict]]:
    """Rows per value of each dimension (see queries.DIMENSIONS), with the shares computed."""
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


def evolution(filters: Filters, total: int) -> dict:
    evo = _fetch_one(*queries.evolution_sql(filters))
    return {
        "hausse": indicators.hausse_par_modifications(evo, total),
        "n_a_verifier": int(evo.get("n_a_verifier") or 0),
        "a_verifier": with_details(_fetch_all(*queries.modifications_to_check_sql(filters, limit=50))),
    }


def contracts(filters: Filters, drill: str = "tous", organisation=None, limit=50, offset=0) -> tuple[list, int]:
    rows = _fetch_all(
        *queries.contracts_sql(filters, drill, buyer_kind=buyer_kind(organisation), limit=limit, offset=offset)
    )
    total = rows[0]["total"] if rows else 0
    return with_details(rows), total


DETAILS_CHUNK = 2000


def with_details(rows: list[dict]) -> list[dict]:
    """Adds the text fields (id, objet, buyer name, considerations) of listed contracts."""
    details = {}
    rids = [r["rid"] for r in rows]
    path = store.table_path("contrats")
    for start in range(0, len(rids), DETAILS_CHUNK):
        for detail in _fetch_all(*queries.details_sql(rids[start : start + DETAILS_CHUNK], path)):
            details[detail["rid"]] = detail
    for row in rows:
        row.update(details.get(row["rid"], {}))
    return rows


def flags(filters: Filters) -> list[dict]:
    from pilote.decp.cleaning.rules import RULES

    rows = _fetch_all(*queries.flags_sql(filters))
    for row in rows:
        rule = RULES.get(row["code"])
        row["label"] = rule.label if rule else row["code"]
        row["kind"] = rule.kind if rule else ""
    return rows


def _peer_row_values(row) -> dict:
    def share(num, den):
        return row[num] / row[den] if row.get(den) else None

    return {
        "part_consideration_sociale": share("n_soc", "n_soc_renseigne"),
        "part_consideration_environnementale": share("n_env", "n_env_renseigne"),
        "taux_offre_unique": share("n_offre_unique", "n_offres_renseigne"),
        "nb_offres_moyen": row.get("offres_moyenne"),
        "part_publication_tardive": share("n_publication_tardive", "n_dates"),
    }


def peers(filters: Filters, organisation) -> dict:
    """The organisation against its peers (same peer group, else same kind): value, rank, percentile,
    and the national reference (all buyers with the same other filters)."""
    orgs = list(peer_organisations(organisation).prefetch_related("buyer_entities"))
    siret_to_org = {b.siret: o.pk for o in orgs for b in o.buyer_entities.all()}
    rows = {r["org"]: r for r in _fetch_all(*queries.peers_sql(filters, siret_to_org))}
    per_org = {o.pk: _peer_row_values(rows[o.pk]) if o.pk in rows else {} for o in orgs}
    mine = per_org.get(organisation.pk, {})
    national_values = _peer_row_values(_fetch_one(*queries.reference_sql(filters)))
    table = []
    for code, label, higher in PEER_INDICATORS:
        values = [v.get(code) for v in per_org.values()]
        rank, percentile = indicators.rank_and_percentile(mine.get(code), values, higher)
        known = [v for v in values if v is not None]
        table.append(
            {
                "code": code,
                "label": label,
                "valeur": mine.get(code),
                "rang": rank,
                "sur": len(known),
                "percentile": percentile,
                "mediane_pairs": sorted(known)[len(known) // 2] if known else None,
                "national": national_values.get(code),
                "unite": "nombre" if code == "nb_offres_moyen" else "part",
            }
        )
    basis = (
        f"groupe de pairs « {organisation.peer_group} »"
        if organisation.peer_group_id
        else f"organisations du même type ({organisation.get_kind_display()})"
    )
    return {"table": table, "nb_organisations": len(orgs), "base": basis}


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


def build(filters: Filters, organisation=None, *, with_peers=True) -> dict:
    """Everything the cockpit page shows; {"store": False} when no DECP data was imported yet."""
    if not duck.has_store():
        return {"store": False}
    ov = overview(filters, organisation)
    data = {
        "store": True,
        "overview": ov,
        **{f"par_{name}": rows for name, rows in breakdowns(filters, queries.DIMENSIONS, organisation).items()},
        "titulaires": suppliers(filters),
        "concentration": concentration(filters),
        "evolution": evolution(filters, ov["values"]["nb_contrats"].total),
        "qualite": flags(filters),
        "art35": contracts(filters, "art35", organisation, limit=50)[0],
        "ue_sans_social": contracts(filters, "ue_sans_social", organisation, limit=50)[0],
        "pnad": national_plan(ov["values"]),
        "art35_date": queries.seuils.CLIMAT_RESILIENCE_ART35,
        "today": timezone.localdate(),
    }
    if organisation is not None:
        data["objectifs"] = targets(filters, organisation)
        if with_peers:
            data["pairs"] = peers(filters, organisation)
    return data
