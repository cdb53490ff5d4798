"""Lists of contracts the workflow apps ask for (a buyer's contracts ending in a year, notified in a year, since a
date; the contracts a split-purchase check examines), as parametrised SQL over the current generation.

Every function raises `db.StoreMissing` when no DECP data was imported: pages say so in French.
"""

import datetime as dt

from pilote.contracts import db
from pilote.contracts.semantics import sql_list, unusable_amount_codes
from pilote.decp import store
from pilote.decp.demo.synth import SYNTHETIC_SOURCE


MAX_BUYER_CONTRACTS = 50_000
# Contract end = start of execution (or notification) + duration. Modifications that extend a contract are
# not counted: the census asks the services to check.
_END = "CAST(coalesce(date_debut_execution, date_notification) + to_months(duree_mois) AS DATE)"
MATCH_COLUMNS = ("id", "acheteur_id", "objet", "code_cpv", "montant", "date_notification", "date_publication_donnees",
                 "offres_recues", "procedure", "considerations_sociales", "considerations_environnementales")  # fmt: skip


def _in(values) -> str:
    return ", ".join("?" for _ in values)


def ending_in(sirets: list[str], year: int) -> list[dict]:
    """Contracts of these buyers whose end falls in `year`, soonest first."""
    if not sirets:
        return []
    sql = f"""
        SELECT contrat_uid, id, objet, code_cpv, montant, date_notification, duree_mois, acheteur_id,
               {_END} AS date_fin
        FROM contrats
        WHERE acheteur_id IN ({_in(sirets)}) AND duree_mois IS NOT NULL AND duree_mois > 0
          AND coalesce(date_debut_execution, date_notification) IS NOT NULL
          AND {_END} BETWEEN ? AND ?
        ORDER BY date_fin, objet
    """  # noqa: S608 — fixed fragments and placeholders only
    return db.fetch_all(sql, [*sirets, dt.date(year, 1, 1), dt.date(year, 12, 31)])


def notified_in(sirets: list[str], year: int) -> list[dict]:
    """Contracts of these buyers notified during `year`."""
    if not sirets:
        return []
    sql = f"""
        SELECT contrat_uid, id, objet, code_cpv, montant, date_notification, acheteur_id
        FROM contrats
        WHERE acheteur_id IN ({_in(sirets)}) AND date_notification BETWEEN ? AND ?
        ORDER BY date_notification, objet
    """  # noqa: S608
    return db.fetch_all(sql, [*sirets, dt.date(year, 1, 1), dt.date(year, 12, 31)])


def notified_since(sirets: list[str], since: dt.date) -> list[dict]:
    """Contracts of these buyers notified since `since` (one row per published id and buyer), for matching a
    fiche with the contract it led to."""
    if not sirets:
        return []
    sql = f"""
        SELECT DISTINCT ON (id, acheteur_id) {", ".join(MATCH_COLUMNS)}
        FROM contrats WHERE acheteur_id IN ({_in(sirets)}) AND date_notification >= ?
        ORDER BY id, acheteur_id, date_notification
    """  # noqa: S608
    return db.fetch_all(sql, [*sirets, since])


def _split_conditions() -> list[tuple[str, str]]:
    """(reason it fails, condition) of what split-purchase detection needs of a buyer's marché, in order: a
    notification date, a usable amount, a CPV class (the unusable codes read at each call: rules are data)."""
    unusable = sql_list(unusable_amount_codes())
    return [
        ("sans_date", "date_notification IS NOT NULL"),
        ("sans_montant", f"montant > 0 AND NOT list_has_any(coalesce(qualite, []), {unusable})"),
        ("sans_cpv", "code_cpv IS NOT NULL AND length(code_cpv) >= 4"),
    ]


def split_candidates(siret: str) -> list[dict]:
    """A buyer's dated marchés with a usable amount and a CPV class, oldest first (split-purchase detection)."""
    conditions = " AND ".join(f"({condition})" for _reason, condition in _split_conditions())
    sql = f"""
        SELECT contrat_uid, id, objet, code_cpv, montant, date_notification, procedure, acheteur_nom
        FROM contrats
        WHERE acheteur_id = ? AND type_contrat = 'marche' AND {conditions}
        ORDER BY date_notification
        LIMIT ?
    """  # noqa: S608
    return db.fetch_all(sql, [siret, MAX_BUYER_CONTRACTS])


def split_unexamined(siret: str) -> dict:
    """A buyer's marchés that split-purchase detection cannot examine (`split_candidates`' conditions), each
    counted under the first condition it fails."""
    counts, held = [], []
    for reason, condition in _split_conditions():
        before = " AND ".join(held) or "TRUE"
        counts.append(f"count(*) FILTER (WHERE {before} AND NOT coalesce(({condition}), FALSE)) AS {reason}")
        held.append(f"coalesce(({condition}), FALSE)")
    sql = f"SELECT {', '.join(counts)} FROM contrats WHERE acheteur_id = ? AND type_contrat = 'marche'"  # noqa: S608
    return {k: int(v or 0) for k, v in db.fetch_one(sql, [siret]).items()}


_SYNTHETIC: dict = {}  # generation directory → its synthetic contracts (a generation's files never change)


def synthetic_contracts() -> dict | None:
    """{"n": synthetic demo contracts, "total": contracts} of the current generation, None when it holds none:
    they count in every figure of the buyers they are given to and in the national ones, which must say so."""
    key = str(store.current_generation_dir())
    if key not in _SYNTHETIC:
        row = db.fetch_one("SELECT count_if(source = ?) AS n, count(*) AS total FROM contrats", [SYNTHETIC_SOURCE])
        _SYNTHETIC[key] = {"n": int(row["n"] or 0), "total": int(row["total"] or 0)}
    found = _SYNTHETIC[key]
    return found if found["n"] else None


def count_contracts() -> int:
    return int(db.fetch_one("SELECT count(*) AS n FROM contrats")["n"])


def busiest_buyer() -> str | None:
    """The buyer SIRET with the most contracts (benchmarks measure its organisation view)."""
    row = db.fetch_one(
        "SELECT acheteur_id FROM contrats WHERE acheteur_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    return row.get("acheteur_id")
