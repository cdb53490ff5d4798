"""Close the loop: find the notified contract of a fiche in the DECP data (same buyer SIRETs, then scored by
CPV, date and amount and words of the object) and check what was published against what the visa retained.

Reads the contracts through pilote.contracts.lookups; "declared" considerations are semantics' definitions."""

from datetime import date, timedelta

from pilote.contracts import db, lookups, semantics
from pilote.contracts.semantics import cpv_digits
from pilote.fiches.cpv import tokens
from pilote.reglementation import seuils


class DataUnavailable(Exception):
    pass


def _contracts_of(sirets: list[str], since: date) -> list[dict]:
    try:
        return lookups.notified_since(list(sirets), since)
    except db.StoreMissing as missing:
        raise DataUnavailable("Aucune donnée DECP importée pour l'instant.") from missing


def _score(fiche, row) -> float:
    score = 0.0
    mine, theirs = cpv_digits(fiche.code_cpv), cpv_digits(row.get("code_cpv") or "")
    if mine and theirs:
        score += 3 if mine == theirs else 2 if mine[:5] == theirs[:5] else 1 if mine[:2] == theirs[:2] else 0
    montant = row.get("montant")
    if montant and fiche.montant_estime:
        ratio = float(montant) / float(fiche.montant_estime)
        score += 2 if 0.7 <= ratio <= 1.3 else 1 if 0.5 <= ratio <= 2 else 0
    words_a, words_b = tokens(fiche.objet), tokens(row.get("objet") or "")
    if words_a and words_b:
        score += 3 * len(words_a & words_b) / len(words_a | words_b)
    notified = row.get("date_notification")
    if notified and fiche.date_lancement:
        months = abs((notified - fiche.date_lancement).days) / 30
        score += max(0.0, 1 - months / 12)
    return round(score, 2)


def suggest_contracts(fiche, limit: int = 5) -> list[dict]:
    """Contracts of the organisation's SIRETs notified since (about) the fiche's submission, best first."""
    sirets = fiche.organisation.sirets
    if not sirets:
        return []
    start = (fiche.submitted_at.date() if fiche.submitted_at else fiche.created_at.date()) - timedelta(days=60)
    rows = _contracts_of(sirets, start)
    for row in rows:
        row["score"] = _score(fiche, row)
    rows = [r for r in rows if r["score"] > 1]
    rows.sort(key=lambda r: -r["score"])
    return rows[:limit]


def find_contract(fiche, contrat_id: str, acheteur_id: str) -> dict | None:
    start = date(2000, 1, 1)
    for row in _contracts_of([acheteur_id] if acheteur_id in fiche.organisation.sirets else [], start):
        if row["id"] == contrat_id:
            return row
    return None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def check_contract(fiche, row: dict) -> dict:
    """What the published data says against what the visa retained (JSON-serialisable)."""
    retained = list(fiche.retained_clauses.all())
    wanted_social = any(c.is_social for c in retained)
    wanted_env = any(c.is_environmental for c in retained)
    notified, published = row.get("date_notification"), row.get("date_publication_donnees")
    on_time = None
    if notified and published:
        on_time = published <= _add_months(notified, seuils.PUBLICATION_DELAY_MONTHS)
    return {
        "objet": row.get("objet"),
        "montant": row.get("montant"),
        "date_notification": notified.isoformat() if notified else None,
        "date_publication_donnees": published.isoformat() if published else None,
        "offres_recues": row.get("offres_recues"),
        "procedure": row.get("procedure"),
        "sociale_retenue": wanted_social,
        "sociale_declaree": semantics.has_social(row.get("considerations_sociales")),
        "environnementale_retenue": wanted_env,
        "environnementale_declaree": semantics.has_environmental(row.get("considerations_environnementales")),
        "publie_dans_les_delais": on_time,
    }


def organisation_has_contract(organisation, contrat_id: str) -> bool | None:
    """Whether one of the organisation's SIRETs published a contract with this id; None when no data to check."""
    try:
        rows = _contracts_of(organisation.sirets, date(2000, 1, 1)) if organisation.sirets else []
    except DataUnavailable:
        return None
    return any(row["id"] == contrat_id for row in rows)
