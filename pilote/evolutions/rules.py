"""Pure rules of the register: counters against every limit that applies to a contract, and the check of a
proposed modification before signature. No database access: callers pass the register and its modifications."""

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from pilote.evolutions.legal import FIFTY_PERCENT_GROUNDS, LOCAL_AUTHORITY_KINDS, SUBSTANTIAL_TESTS, Ground, article
from pilote.reglementation import seuils


BLOCKING = "bloquant"  # the modification cannot be signed as it is
OPINION = "avis"  # the modification needs an opinion before signature


@dataclass(frozen=True)
class Issue:
    code: str
    level: str
    message: str
    citation: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Counter:
    code: str
    label: str
    used: Decimal  # € HT already used
    limit: Decimal  # € HT allowed
    citation: str

    @property
    def share(self) -> Decimal:
        return (self.used / self.limit * 100).quantize(Decimal("0.1")) if self.limit else Decimal(0)


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


def de_minimis_share(register) -> Decimal:
    code = "modification_travaux" if register.nature == "travaux" else "modification_fournitures_services"
    return seuils.value(code, register.notified_on)


def eu_threshold(register, kind: str) -> Decimal:
    return seuils.eu_threshold(kind, register.nature, register.notified_on, utility=register.utility)


def cao_applies(register, kind: str) -> bool:
    """CGCT L. 1414-4: local authorities, for contracts their commission d'appel d'offres awarded."""
    return kind in LOCAL_AUTHORITY_KINDS and register.awarded_by_cao


def counters(register, counted, kind: str) -> list[Counter]:
    """Live counters of the signed (or imported) modifications against each limit of the contract."""
    initial = register.initial_amount
    small = sum((m.amount_delta for m in counted if m.ground == Ground.FAIBLE_MONTANT), Decimal(0))
    small_limit = min(initial * de_minimis_share(register), eu_threshold(register, kind))
    increase = sum((m.amount_delta for m in counted), Decimal(0))
    out = [
        Counter(
            "faible_montant",
            f"Modifications de faible montant cumulées (< {_pct(de_minimis_share(register))} et < seuil européen)",
            small,
            small_limit,
            "CCP art. R. 2194-8, R. 2194-9",
        ),
        Counter(
            "total",
            "Hausse cumulée du montant (toutes modifications)",
            increase,
            initial,
            "indicateur d'inflation des avenants",
        ),
    ]
    if cao_applies(register, kind):
        out.append(
            Counter("cao", "Hausse du montant global soumise à la CAO au-delà de 5 %", increase,
                    initial * article("L1414-4").share, "CGCT art. L. 1414-4")
        )  # fmt: skip
    largest = max((m.amount_delta for m in counted if m.ground in FIFTY_PERCENT_GROUNDS), default=Decimal(0))
    out.append(
        Counter("cinquante", "Plus forte modification (supplémentaires, imprévues) face au plafond de 50 %",
                largest, initial * Decimal("0.50"), "CCP art. R. 2194-3, R. 2194-5")
    )  # fmt: skip
    return out


def substantial(answers: dict) -> list[str]:
    """The R. 2194-7 tests answered yes."""
    return [code for code, _question in SUBSTANTIAL_TESTS if answers.get(code)]


def check(register, counted, proposal, kind: str, clause=None) -> list[Issue]:
    """Every limit the proposal would cross, before signature. `proposal` has ground, amount_delta, dated,
    substantial_answers (and new_titulaire); `counted` are the contract's signed or imported modifications."""
    issues = []
    initial, delta, ground = register.initial_amount, proposal.amount_delta, proposal.ground
    if ground in FIFTY_PERCENT_GROUNDS and not register.utility and delta > initial * Decimal("0.50"):
        issues.append(Issue("cinquante", BLOCKING,
            f"La modification ({delta:n} € HT) dépasse 50 % du montant initial ({initial * Decimal('0.50'):n} € HT).",
            "CCP art. R. 2194-3, R. 2194-5"))  # fmt: skip
    if ground == Ground.FAIBLE_MONTANT:
        share = de_minimis_share(register)
        cumul = sum((m.amount_delta for m in counted if m.ground == Ground.FAIBLE_MONTANT), Decimal(0)) + delta
        if cumul >= initial * share:
            issues.append(Issue("faible_montant", BLOCKING,
                f"Le cumul des modifications de faible montant ({cumul:n} € HT) atteint {_pct(share)} du montant initial.",
                "CCP art. R. 2194-8, R. 2194-9"))  # fmt: skip
        if cumul >= eu_threshold(register, kind):
            issues.append(Issue("seuil_ue", BLOCKING,
                f"Le cumul des modifications de faible montant ({cumul:n} € HT) atteint le seuil européen.",
                "CCP art. R. 2194-8"))  # fmt: skip
    tests = substantial(proposal.substantial_answers)
    if tests and ground in (Ground.NON_SUBSTANTIELLE, Ground.FAIBLE_MONTANT, Ground.CLAUSE):
        level = BLOCKING if ground == Ground.NON_SUBSTANTIELLE else OPINION
        issues.append(Issue("substantielle", level,
            f"Modification substantielle au sens de l'article R. 2194-7 (critères {', '.join(tests)}).",
            "CCP art. R. 2194-7"))  # fmt: skip
    if ground == Ground.CLAUSE:
        issues += _clause_issues(register, counted, proposal, clause)
    increase = sum((m.amount_delta for m in counted), Decimal(0)) + delta
    if cao_applies(register, kind) and delta > 0 and increase > initial * article("L1414-4").share:
        issues.append(Issue("cao", OPINION,
            f"La hausse cumulée ({increase:n} € HT) dépasse 5 % du montant initial : avis de la CAO requis avant signature.",
            "CGCT art. L. 1414-4"))  # fmt: skip
    if clause is not None and clause.jury_opinion:
        issues.append(Issue("jury", OPINION, "La clause prévoit l'avis du jury citoyen avant signature.",
                            "Clause d'évolution"))  # fmt: skip
    return issues


def _clause_issues(register, counted, proposal, clause) -> list[Issue]:
    if clause is None:
        return [Issue("clause", BLOCKING, "Une modification sur clause de réexamen doit citer la clause activée.",
                      "CCP art. R. 2194-1")]  # fmt: skip
    cap = register.initial_amount * clause.cap_share / 100
    used = sum((m.amount_delta for m in counted if m.clause_id == clause.pk), Decimal(0)) + proposal.amount_delta
    if used > cap:
        return [Issue("plafond_clause", BLOCKING,
            f"Les modifications au titre de la clause ({used:n} € HT) dépassent son plafond ({cap:n} € HT).",
            "CCP art. R. 2194-1")]  # fmt: skip
    return []


def blocking(issues) -> list:
    return [i for i in issues if (i["level"] if isinstance(i, dict) else i.level) == BLOCKING]


def opinions_needed(issues) -> set[str]:
    """The bodies whose opinion must be recorded before signature ("cao", "jury")."""
    return {i["code"] for i in issues if i["level"] == OPINION and i["code"] in ("cao", "jury")}


def publication_deadline(notified: date) -> date:
    year, month = divmod(notified.month - 1 + seuils.PUBLICATION_DELAY_MONTHS, 12)
    year, month = notified.year + year, month + 1
    return notified.replace(year=year, month=month, day=min(notified.day, calendar.monthrange(year, month)[1]))


def new_total(register, counted_until) -> Decimal:
    return register.initial_amount + sum((m.amount_delta for m in counted_until), Decimal(0))
