"""What the strategy cockpit reads of the contracts an instrument is linked to: for each reference (a contract's
uid in the data, or the DECP `id` a fiche visa was matched with, which only identifies a contract together with the
buyer's SIRET), its initial and final amounts, its social and environmental considerations and the offers received.
Read from the cockpit's per-contract table (flags computed once per generation, same semantics as every figure)."""

from pilote.contracts import table as cockpit_table
from pilote.contracts.figures import fetch_rows


MAX_REFERENCES = 500


def _in(values) -> str:
    return ", ".join("?" for _ in values)


def linked_contracts(references: list[str], sirets: list[str]) -> list[dict]:
    """One row per contract found: contrat_uid, id, montant (initial, None when unusable), montant_final (after
    modifications, None when none states one), offres_recues, soc, env (bool). Raises db.StoreMissing without
    data. A DECP `id` is matched only among the organisation's own buyers (`sirets`)."""
    refs = sorted({str(r).strip() for r in references if str(r).strip()})[:MAX_REFERENCES]
    if not refs:
        return []
    by_id = f"OR (c.id IN ({_in(refs)}) AND c.acheteur_id IN ({_in(sirets)}))" if sirets else ""
    sql = f"""
        SELECT DISTINCT ON (k.contrat_uid) k.contrat_uid, c.id, k.acheteur_id,
               CASE WHEN k.montant_ok THEN k.montant END AS montant, k.montant_final, k.offres_recues,
               k.soc, k.env, k.date_notification
        FROM {cockpit_table.COCKPIT_TABLE} k JOIN contrats c ON c.contrat_uid = k.contrat_uid
        WHERE c.contrat_uid IN ({_in(refs)}) {by_id}
        ORDER BY k.contrat_uid
    """  # noqa: S608 — fixed fragments and placeholders only
    params = [*refs, *refs, *sirets] if sirets else refs
    return fetch_rows(sql, params)
