"""What the strategy reads from the contract data, through pilote.contracts' public functions only: the result of a
contract indicator for the organisation in a year, and the titulaires of its contracts (the jury's interest check).
Pages show "données non importées" when no DECP data is there (db.StoreMissing)."""

from pilote.contracts import db, strategy_reads
from pilote.contracts.figures import overview, suppliers
from pilote.contracts.filters import parse_filters
from pilote.contracts.indicators import MIN_BASE


MAX_TITULAIRES = 5000


def _filters(organisation, **params):
    filters, _form = parse_filters({"perimetre": "organisation", **params}, organisation)
    return filters


def contract_result(organisation, indicator, year: int) -> dict:
    """{"value": in the indicator's unit (a share in %), "base": contracts it is computed over, "note"} for one
    year; value None when unknown (no data, no contract, or a sample too small to be shown)."""
    params = {"annee": str(year)}
    if indicator.cpv_prefix:
        params["cpv"] = indicator.cpv_prefix
    try:
        valeur = overview(_filters(organisation, **params), organisation)["values"][indicator.contract_code]
    except db.StoreMissing:
        return {"value": None, "base": 0, "note": "données des contrats non importées"}
    if valeur.valeur is None:
        return {"value": None, "base": valeur.base, "note": "aucun contrat renseigné"}
    if valeur.insuffisant:
        # The rule of every page (docs/indicateurs.md): no percentage on fewer contracts than the minimum base.
        note = f"échantillon insuffisant : {valeur.base} contrat(s) renseigné(s), {MIN_BASE} au moins"
        return {"value": None, "base": valeur.base, "note": note}
    value = valeur.valeur * 100 if valeur.unite == "part" else valeur.valeur
    return {"value": round(value, 1), "base": valeur.base, "note": f"sur {valeur.base} contrat(s)"}


def titulaires(organisation) -> dict[str, str]:
    """SIREN -> name of the titulaires of the organisation's contracts in the data ({} without data)."""
    try:
        rows = suppliers(_filters(organisation), limit=MAX_TITULAIRES)["top"]
    except db.StoreMissing:
        return {}
    return {str(r["titulaire_id"])[:9]: r["titulaire_nom"] or "" for r in rows if r.get("titulaire_id")}


def linked_contracts(organisation, references: list[str]) -> list[dict] | None:
    """The contracts of the data these references name (uids, or DECP ids of the organisation's buyers); None
    when no data was imported."""
    try:
        return strategy_reads.linked_contracts(references, list(organisation.sirets or []))
    except db.StoreMissing:
        return None


def contracts_of_reference(rows: list[dict], reference: str) -> list[dict]:
    return [r for r in rows if reference in (r["contrat_uid"], r.get("id"))]
