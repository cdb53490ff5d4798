"""What the census makes of the DECP data, read through pilote.contracts.lookups: the organisation's contracts
ending in the census year (renewals), the planned needs against the contracts notified during the year
(year-end comparison), and split-purchase detection for any buyer.

Reads raise pilote.contracts.db.StoreMissing when no DECP data was imported: views show it in French.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.contracts import lookups
from pilote.reglementation import seuils


renewals = lookups.ending_in
notified = lookups.notified_in


def comparison(needs, contracts) -> dict:
    """Planned needs against notified contracts, matched by CPV class (4 first digits): classes planned and
    not notified, notified and not planned, and both (with both totals)."""
    planned = defaultdict(list)
    for need in needs:
        planned[(need.code_cpv or "")[:4] or "----"].append(need)
    done = defaultdict(list)
    for contract in contracts:
        done[(contract["code_cpv"] or "")[:4] or "----"].append(contract)
    both = [
        {
            "classe": key,
            "needs": planned[key],
            "contracts": done[key],
            "planned_total": sum((n.montant_estime for n in planned[key]), Decimal(0)),
            "notified_total": sum((c["montant"] or 0 for c in done[key]), 0.0),
        }
        for key in sorted(set(planned) & set(done))
    ]
    return {
        "planned_not_notified": [n for key in sorted(set(planned) - set(done)) for n in planned[key]],
        "notified_not_planned": [c for key in sorted(set(done) - set(planned)) for c in done[key]],
        "both": both,
    }


@dataclass
class SplitCase:
    acheteur_id: str
    year: int
    classe: str
    level: str  # "dispense" or "ue"
    level_label: str
    contracts: list = field(default_factory=list)  # dicts with their threshold and its date
    total: float = 0.0
    threshold: Decimal = Decimal(0)  # the highest threshold in force among the contracts' dates

    @property
    def thresholds(self) -> list[tuple]:
        """Distinct thresholds applied (label, amount, valid from), as shown to the user."""
        seen = {(c["seuil_libelle"], c["seuil"], c["seuil_depuis"]) for c in self.contracts}
        return sorted(seen, key=lambda t: t[2])


LEVELS = {
    "dispense": "seuil de dispense de procédure",
    "ue": "seuil de procédure formalisée",
}


def _threshold(level: str, code_cpv: str, on: dt.date, buyer_kind: str):
    nature = seuils.nature_from_cpv(code_cpv)
    code = seuils.procedure_code(nature) if level == "dispense" else seuils.eu_code(buyer_kind, nature)
    return seuils.seuil(code, on)


@dataclass
class SplitReview:
    """What split-purchase detection found for a buyer, and what it could not examine."""

    cases: list[SplitCase] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # notification years of the buyer's contracts examined
    not_examined: dict[str, list[int]] = field(default_factory=dict)  # level → years with no threshold known
    unexamined: dict[str, int] = field(default_factory=dict)  # marchés left out, by reason (lookups)
    publication: list[tuple] = field(default_factory=list)  # (DECP publication threshold or None, its years)

    @property
    def unexamined_lines(self) -> list[str]:
        reasons = {"sans_date": "sans date de notification", "sans_montant": "sans montant utilisable",
                   "sans_cpv": "sans code CPV"}  # fmt: skip
        return [
            f"{n} marché{'s' if n > 1 else ''} {reasons[key]}"
            for key, n in self.unexamined.items()
            if n and key in reasons
        ]

    @property
    def not_examined_lines(self) -> list[str]:
        return [
            f"{LEVELS[level]} : {', '.join(str(y) for y in years)} (seuil inconnu de Pilote à ces dates)"
            for level, years in self.not_examined.items()
            if years
        ]


def _applied(level: str, contracts: list[dict], buyer_kind: str) -> list[dict]:
    """The contracts with the threshold of `level` in force at each one's notification (UnknownThreshold when a
    date precedes the thresholds reglementation knows)."""
    applied = []
    for c in contracts:
        s = _threshold(level, c["code_cpv"], c["date_notification"], buyer_kind)
        applied.append({**c, "seuil": s.amount, "seuil_libelle": s.label, "seuil_depuis": s.valid_from})
    return applied


def split_review(siret: str, *, buyer_kind: str = "commune") -> SplitReview:
    """Per CPV class and year: several contracts each below a threshold (judged at its own notification date)
    whose sum exceeds the highest of those thresholds. To be examined, not a finding: homogeneity of the
    needs, framework agreements and lots are not visible in the data. Each level (formalised procedure, then
    no-procedure threshold) is examined wherever its thresholds are known; the years where one is not are
    listed, never silently skipped."""
    groups = defaultdict(list)
    for contract in lookups.split_candidates(siret):
        groups[(contract["date_notification"].year, contract["code_cpv"][:4])].append(contract)
    review = SplitReview(years=sorted({year for year, _classe in groups}))
    missing = {level: set() for level in LEVELS}
    for (year, classe), contracts in sorted(groups.items()):
        if len(contracts) < 2:
            continue
        total = sum(c["montant"] for c in contracts)
        for level in ("ue", "dispense"):
            try:
                applied = _applied(level, contracts, buyer_kind)
            except seuils.UnknownThreshold:
                missing[level].add(year)  # this level cannot be judged here; the next one may
                continue
            highest = max(a["seuil"] for a in applied)
            if all(a["montant"] < float(a["seuil"]) for a in applied) and total > float(highest):
                review.cases.append(SplitCase(siret, year, classe, level, LEVELS[level], applied, total, highest))
                break  # the higher level found is the one worth examining
    review.cases.sort(key=lambda c: (-c.year, -c.total))
    review.not_examined = {level: sorted(years) for level, years in missing.items() if years}
    review.unexamined = lookups.split_unexamined(siret)
    review.publication = publication_thresholds(review.years)
    return review


def publication_thresholds(years: list[int]) -> list[tuple]:
    """(amount from which the DECP hold a contract, or None where Pilote knows none, the years it applies to)
    for the years examined, judged on each year's last day (the threshold rose from 25 000 to 40 000 € HT on
    1 January 2020): what the data cannot show, year by year."""
    groups: dict = {}
    for year in years:
        try:
            amount = seuils.value("publication_decp", dt.date(year, 12, 31))
        except seuils.UnknownThreshold:
            amount = None
        groups.setdefault(amount, []).append(year)
    return list(groups.items())


def split_purchases(siret: str, *, buyer_kind: str = "commune") -> list[SplitCase]:
    return split_review(siret, buyer_kind=buyer_kind).cases
