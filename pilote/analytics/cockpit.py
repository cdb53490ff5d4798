"""Assembles what the cockpit shows (pages, public view, report, API) from the queries and indicators.

Every section is a small dict of plain values, so that templates, exports and the API serialise the same
figures. Nothing here writes anything.
"""

from concurrent.futures import ThreadPoolExecutor

from django.utils import timezone

from pilote.analytics.models import CEILING_INDICATORS, SpaserTarget
from pilote.contracts import buyers, db as duck, indicators, lookups, queries
from pilote.contracts.figures import (
    breakdowns,
    buyer_kind,
    concentration,
    contracts,
    evolution,
    fetch_row,
    fetch_rows,
    flags,
    overview,
    peers_query,
    reference_query,
    suppliers,
    undated,
    undated_row,
)
from pilote.contracts.filters import Filters, Perimetre, own_peer_group, peer_organisations, supported_sirets
from pilote.core.models import Organisation
from pilote.reglementation import seuils


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cockpit")

# Catalogue indicators shown beside the peers' values without a rank: absolute counts and amounts grow with the
# organisation's size, so ranking them would compare sizes, not practices.
UNRANKED = {"nb_contrats", "montant_total", "nb_art35_a_verifier", "nb_ue_sans_social"}


def _unit(code: str) -> str:
    if code.startswith(("part_", "taux_")):
        return "part"
    return "euros" if code.startswith("montant_") else "nombre"


def _peer_scope(filters: Filters, organisation, kind: str) -> dict:
    """Who the organisation is compared with, and the query of their aggregates: its own peer group when it
    defined one, else the buyers of the national data of its type and population band (by SIREN, those with at
    least `buyers.MIN_CONTRACTS` contracts in the view), else (a generation imported before the buyer table
    existed) the organisations of the same kind. Reads the relational database: on the request's thread."""
    # a group of one (the demo's "Régions" holds only the demo Région) would compare the organisation with itself
    own_group = own_peer_group(organisation)
    national = None if own_group else buyers.national_peers(organisation)
    if national is None:
        orgs = list(peer_organisations(organisation).prefetch_related("buyer_entities"))
        if not own_group:
            orgs = list(Organisation.objects.filter(kind=organisation.kind).prefetch_related("buyer_entities"))
        siret_to_key = {b.siret: o.pk for o in orgs for b in o.buyer_entities.all()}
        basis = (
            f"groupe de pairs « {organisation.peer_group} »"
            if own_group
            else f"organisations du même type ({organisation.get_kind_display()})"
        )
        own_key, summary = organisation.pk, {"base": basis, "nb_organisations": len(orgs), "nb_dans_donnees": None}
    else:
        siret_to_key = dict(national["sirets"])
        siret_to_key.update(dict.fromkeys(organisation.sirets, "organisation"))
        own_key, summary = "organisation", None
    return {"query": peers_query(filters, siret_to_key, kind), "own_key": own_key, "summary": summary,
            "national": national}  # fmt: skip


def _peer_rows(scope: dict, fetched: list[dict]) -> tuple[dict, dict, dict]:
    """The organisation's aggregate, its peers' (by key) and how they were chosen, from the scope's rows."""
    rows = {r["org"]: r for r in fetched}
    own = rows.pop(scope["own_key"], None)
    national = scope["national"]
    if national is None:
        return own, rows, scope["summary"]
    counted = {key: row for key, row in rows.items() if (row.get("n") or 0) >= buyers.MIN_CONTRACTS}
    basis = (
        f"{national['libelle']} ({national['nb_acheteurs']} autres dans les données, {len(counted)} avec au moins "
        f"{buyers.MIN_CONTRACTS} contrats dans la vue)"
    )
    # the organisation is compared with the counted peers; nb_organisations includes it, as for a peer group
    return (
        own,
        counted,
        {"base": basis, "nb_organisations": len(counted) + 1, "nb_dans_donnees": national["nb_acheteurs"]},
    )


def peers(filters: Filters, organisation, reference=None, *, with_national=True, scope=None, fetched=None) -> dict:
    """The organisation against its peers (its own peer group when it defined one, else the buyers of the
    national data of its type and size, see `_peer_rows`) for every catalogue indicator: value, rank,
    percentile, the peers' median and the national reference (all buyers, same other filters).
    `reference`: the national reference aggregate when the caller already has it (computed beside the page);
    with_national=False leaves the national column to a second request (`national_pending`). `scope` and
    `fetched` (a future of its rows): the page started the peers' query beside its other sections."""
    kind = buyer_kind(organisation)
    scope = scope or _peer_scope(filters, organisation, kind)
    own, rows, basis = _peer_rows(scope, fetched.result() if fetched else fetch_rows(*scope["query"]))
    mine = indicators.compute_all(own) if own else {}
    per_peer = [indicators.compute_all(row) for row in rows.values()]
    if mine:
        per_peer.append(mine)
    national = None
    if with_national:
        national = indicators.compute_all(reference or fetch_row(*reference_query(filters, kind)))
    table = []
    for code, label, _group, _func, _drill, higher in indicators.CATALOGUE:
        # a share over too few contracts is neither ranked nor part of the peers' median (indicators.MIN_BASE)
        values = [v[code].affichable for v in per_peer]
        known = sorted(v for v in values if v is not None)
        value = mine.get(code)
        own_value = value.affichable if value else None
        rank, percentile = (
            (None, None) if code in UNRANKED else indicators.rank_and_percentile(own_value, values, higher)
        )
        table.append(
            {
                "code": code,
                "label": label,
                "valeur": own_value,
                "insuffisant": bool(value and value.insuffisant),
                "base": value.base if value else 0,
                "rang": rank,
                "sur": len(known),
                "percentile": percentile,
                "mediane_pairs": known[len(known) // 2] if known else None,
                "national": national[code].valeur if national else None,
                "national_base": national[code].base if national else None,
                "unite": _unit(code),
            }
        )
    return {"table": table, **basis, "national_pending": not with_national}


# The columns of the consolidated table of a shared support service (one line per organisation it supports).
SUPPORTED_COLUMNS = ("nb_contrats", "montant_total", "part_consideration_sociale",
                     "part_consideration_environnementale", "taux_offre_unique")  # fmt: skip


def supported_lines(filters: Filters, organisation) -> list[dict]:
    """One line per organisation a shared support service supports, under the same filters: the same aggregate
    as the peers' table (figures.peers_query), each organisation's SIRETs grouped."""
    siret_to_org = supported_sirets(organisation)
    rows = {r["org"]: r for r in fetch_rows(*peers_query(filters, siret_to_org, buyer_kind(organisation)))}
    lines = []
    for supported in organisation.supported_organisations.order_by("name"):
        values = indicators.compute_all(rows.get(supported.pk, {}))
        lines.append({"organisation": supported, "values": {code: values[code] for code in SUPPORTED_COLUMNS}})
    return lines


def targets(filters: Filters, organisation) -> list[dict]:
    """The organisation's SPASER targets, each with the value reached in its year and the progress."""
    out, cache = [], {}
    for target in SpaserTarget.objects.filter(organisation=organisation).order_by("-annee", "indicateur"):
        if target.annee not in cache:
            year = filters.with_changes(annee=target.annee, trimestre=None, mois=None)
            cache[target.annee] = overview(year, organisation)["values"]
        valeur = cache[target.annee][target.indicateur]
        reached = valeur.affichable  # no progress from an insufficient sample
        if target.indicateur in CEILING_INDICATORS:
            progress = None if reached is None else (1.0 if reached <= target.share else target.share / reached)
        else:
            progress = indicators.progression(reached, target.share)
        out.append({"target": target, "valeur": valeur, "progression": progress, "progression_pct": _pct(progress)})
    return out


def _pct(progress: float | None) -> int:
    return round(100 * progress) if progress is not None else 0


def national_plan(values: dict) -> list[dict]:
    """The national plan's targets (PNAD) against the current values (no progress from an insufficient
    sample)."""
    out = []
    for code, cible in indicators.PNAD_TARGETS.items():
        progress = indicators.progression(values[code].affichable, cible)
        out.append(
            {
                "code": code,
                "cible": cible,
                "valeur": values[code],
                "progression": progress,
                "progression_pct": _pct(progress),
            }
        )
    return out


# Rows of the "à vérifier" lists shown in the page (each links to its whole list); the printed report shows more.
PAGE_LIST_ROWS = 20


def compares_with_peers(organisation) -> bool:
    """Whether the organisation has a line of its own in a peers' table: it buys in its own name. A shared
    support service has no SIRET: its figures consolidate organisations of different kinds and sizes, which no
    peer resembles, and each of them is compared with its own peers in its own cockpit."""
    return bool(organisation.sirets)


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
    # that read the database (SIRENE extract, targets, who the peers are) stay on the request's thread and
    # connection; the peers' query, the page's largest, is started first.
    peer_scope, side = None, {}
    own = {}
    if organisation is not None and with_peers and not compares_with_peers(organisation):
        with_peers, own["sans_pairs"] = False, True
    if organisation is not None and with_peers:
        peer_scope = _peer_scope(filters, organisation, buyer_kind(organisation))
        side["pairs"] = _POOL.submit(fetch_rows, *peer_scope["query"])
    side |= {
        "breakdowns": _POOL.submit(breakdowns, filters, queries.DIMENSIONS, organisation),
        "suppliers": _POOL.submit(suppliers, filters),
        "concentration": _POOL.submit(concentration, filters),
        "flags": _POOL.submit(flags, filters),
    }
    if organisation is not None and with_peers and peers_national:
        side["reference"] = _POOL.submit(fetch_row, *reference_query(filters, buyer_kind(organisation)))
    if filters.annee is not None:  # else the year breakdown of the page holds the undated contracts
        side["sans_date"] = _POOL.submit(undated, filters, organisation)
    ov = overview(filters, organisation)
    side["evolution"] = _POOL.submit(evolution, filters, ov["values"]["nb_contrats"].total, limit=list_rows)
    # the page has their totals in the overview: no second count of the filtered contracts
    art35 = contracts(filters, "art35", organisation, limit=list_rows, with_total=False)[0]
    ue_sans_social = contracts(filters, "ue_sans_social", organisation, limit=list_rows, with_total=False)[0]
    if organisation is not None and filters.perimetre == Perimetre.ACCOMPAGNEES:
        own["accompagnees"] = supported_lines(filters, organisation)
    if organisation is not None:
        own["objectifs"] = targets(filters, organisation)
        if with_peers:
            reference = side["reference"].result() if peers_national else None
            own["pairs"] = peers(
                filters, organisation, reference, with_national=peers_national, scope=peer_scope,
                fetched=side["pairs"],
            )  # fmt: skip
    breakdown_rows = side["breakdowns"].result()
    data = {
        "store": True,
        "overview": ov,
        **{f"par_{name}": rows for name, rows in breakdown_rows.items()},
        "titulaires": side["suppliers"].result(),
        "concentration": side["concentration"].result(),
        "evolution": side["evolution"].result(),
        "list_rows": list_rows,
        "qualite": side["flags"].result(),
        "sans_date": side["sans_date"].result() if "sans_date" in side else undated_row(breakdown_rows["annee"]),
        "art35": art35,
        "ue_sans_social": ue_sans_social,
        "pnad": national_plan(ov["values"]),
        "art35_date": seuils.CLIMAT_RESILIENCE_ART35,
        "min_base": indicators.MIN_BASE,
        "today": timezone.localdate(),
        "synthetiques": lookups.synthetic_contracts(),
        **own,
    }
    return data
