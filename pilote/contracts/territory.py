"""What the territory map reads from the contract data: the amounts of a buyer's contracts by place of execution
(as the DECP gives it: code and type of code), for the money received per commune. Parametrised SQL over the
current generation; raises `db.StoreMissing` when no DECP data was imported."""

from pilote.contracts import db
from pilote.contracts.semantics import sql_list, unusable_amount_codes


def _in(values) -> str:
    return ", ".join("?" for _ in values)


def amounts_by_place(sirets: list[str]) -> list[dict]:
    """[{code, type, montant, contrats}] of these buyers' contracts, usable amounts only (no anomaly flag)."""
    if not sirets:
        return []
    sql = f"""
        SELECT lieu_execution_code AS code, lieu_execution_type_code AS type,
               sum(montant) AS montant, count(*) AS contrats
        FROM contrats
        WHERE acheteur_id IN ({_in(sirets)}) AND lieu_execution_code IS NOT NULL AND montant IS NOT NULL
          AND NOT list_has_any(coalesce(qualite, []), {sql_list(unusable_amount_codes())})
        GROUP BY 1, 2 ORDER BY montant DESC
    """  # noqa: S608 — fixed fragments and placeholders only
    return db.fetch_all(sql, list(sirets))
