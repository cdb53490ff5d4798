"""Modifications of contracts, read from the DECP store for the modification register (pilote.evolutions) and the
national red flags on modifications. Every query is a fixed SELECT with bound parameters.

Red flags (docs/evolutions.md), each over the contracts of a set of buyer SIRETs, with its list of contracts:
- inflation: the last amount a modification states exceeds the initial amount (trustworthy, > 0) by more than the
  de minimis share of R. 2194-8 (10 % supplies and services, 15 % works: `semantics.modification_threshold_expr`),
  or by more than 50 % (R. 2194-3);
- repeated modifications: at least REPEATED_MIN modifications on one contract;
- late publication: a modification published more than two months after its notification.
"""

import hashlib

from django.core.cache import cache

from pilote.contracts import db, semantics
from pilote.decp import store
from pilote.reglementation import seuils


REPEATED_MIN = 3
FIFTY = 0.5
CACHE_SECONDS = 24 * 3600
FLAGS = {
    "inflation": "Hausse cumulée au-delà de 10 % (fournitures, services) ou 15 % (travaux)",
    "inflation_50": "Hausse cumulée au-delà de 50 %",
    "repetees": f"Au moins {REPEATED_MIN} modifications",
    "tardives": "Modification publiée plus de deux mois après sa notification",
}
LIST_LIMIT = 200


def _rows(sql: str, params: list) -> list[dict]:
    if not db.has_store():
        return []
    generation = store.current_generation_dir()
    key = "modifications:" + hashlib.sha256(f"{generation}\n{sql}\n{params!r}".encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = db.fetch_all(sql, params)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def contract(contrat_uid: str, sirets: list[str]) -> dict | None:
    """One contract of these buyers with its modifications (by rank), None when it is not theirs."""
    found = _rows(
        "SELECT contrat_uid, id, acheteur_id, objet, code_cpv, procedure, montant, duree_mois, date_notification "
        "FROM contrats WHERE contrat_uid = ? AND list_contains(?::VARCHAR[], acheteur_id)",
        [contrat_uid, list(sirets)],
    )
    if not found:
        return None
    row = dict(found[0])
    row["nature"] = seuils.nature_from_cpv(row["code_cpv"])
    row["modifications"] = _rows(
        "SELECT rang, montant, duree_mois, date_notification_modification, date_publication_donnees_modification "
        "FROM modifications WHERE contrat_uid = ? ORDER BY rang",
        [contrat_uid],
    )
    return row


def modified_contracts(sirets: list[str], limit: int = LIST_LIMIT) -> list[dict]:
    """The buyers' contracts that have modifications in the data, most modified first."""
    return _rows(
        f"""SELECT c.contrat_uid, c.objet, c.montant, c.date_notification, count(*) AS nb
FROM contrats c JOIN modifications m USING (contrat_uid)
WHERE list_contains(?::VARCHAR[], c.acheteur_id)
GROUP BY ALL ORDER BY nb DESC, c.date_notification DESC, c.contrat_uid LIMIT {int(limit)}""",  # noqa: S608
        [list(sirets)],
    )


def _flag_sql() -> str:
    flags = semantics.contract_flags()
    delay = int(seuils.PUBLICATION_DELAY_MONTHS)
    return f"""
WITH c AS (SELECT * FROM contrats WHERE list_contains(?::VARCHAR[], acheteur_id)),
f AS ({semantics.FINAL_AMOUNT_SQL}),
n AS (SELECT contrat_uid, count(*) AS nb,
             count(*) FILTER (WHERE date_publication_donnees_modification
                              > date_notification_modification + INTERVAL {delay} MONTH) AS nb_tardives
      FROM modifications WHERE contrat_uid IN (SELECT contrat_uid FROM c) GROUP BY contrat_uid)
SELECT c.contrat_uid, c.acheteur_id, c.objet, c.montant, f.montant_final, n.nb, n.nb_tardives,
       CASE WHEN ({flags["montant_ok"]}) AND c.montant > 0 AND f.montant_final IS NOT NULL
            THEN (f.montant_final - c.montant) / c.montant END AS hausse,
       {flags["seuil_modification"]} AS seuil
FROM c JOIN n USING (contrat_uid) LEFT JOIN f USING (contrat_uid)"""  # noqa: S608


def red_flags(sirets: list[str]) -> dict:
    """{"total": contracts of these buyers that have modifications, "flags": {flag: {"label", "count",
    "contracts"}}}."""
    rows = _rows(_flag_sql(), [list(sirets)]) if sirets else []
    tests = {
        "inflation": lambda r: r["hausse"] is not None and r["hausse"] > float(r["seuil"]),
        "inflation_50": lambda r: r["hausse"] is not None and r["hausse"] > FIFTY,
        "repetees": lambda r: r["nb"] >= REPEATED_MIN,
        "tardives": lambda r: r["nb_tardives"] > 0,
    }
    out = {}
    for code, test in tests.items():
        hits = sorted((r for r in rows if test(r)), key=lambda r: (-(r["hausse"] or 0), r["contrat_uid"]))
        out[code] = {"label": FLAGS[code], "count": len(hits), "contracts": hits[:LIST_LIMIT]}
    return {"total": len(rows), "flags": out}
