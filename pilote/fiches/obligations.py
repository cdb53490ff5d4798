"""The legal obligations that apply to a fiche, and whether a decision meets them. ONE pure function decides
what is "obligatoire": the guidance panel, the decision screen, the visa itself (services.do_transition) and the
PDF all call `applicable()`, so that a visa can never be given against what the panel says.

An obligation is met at visa time by the clauses retained (art. 35 environmental criterion and condition,
social condition above the EU thresholds, Egalim) or by the fiche itself (justification of a single lot).
A visa that leaves one unmet needs a written justification, recorded on the fiche and in its history."""

from dataclasses import dataclass
from datetime import date

from pilote.clauses.models import ClauseKind
from pilote.contracts.semantics import cpv_digits
from pilote.core.text import fold
from pilote.reglementation import seuils


FOOD_CPV_PREFIXES = ("15", "03", "555")  # food products, agricultural products, catering (Egalim)
EGALIM_MARKERS = ("egalim", "l. 230-5-1")  # how a clause of the library says it is the Egalim clause


@dataclass(frozen=True)
class Obligation:
    code: str  # stable key, stored in the history and counted in the statistics
    level: str  # "obligation" (enforced at visa) or "info" (to know, not enforced)
    text: str
    source: str
    # How the obligation is met: "kind:<ClauseKind>", "egalim" or "lot_unique"; empty for an "info".
    met_by: str = ""

    @property
    def mandatory(self) -> bool:
        return self.level == "obligation"

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "text": self.text, "source": self.source}


def is_food(code_cpv: str, segment) -> bool:
    return cpv_digits(code_cpv or "").startswith(FOOD_CPV_PREFIXES) or bool(
        segment and segment.code == "restauration-collective"
    )


def _art35(on: date) -> list[Obligation]:
    art35 = seuils.CLIMAT_RESILIENCE_ART35
    source = f"Loi Climat et Résilience, art. 35 — consultations lancées à partir du {art35:%d/%m/%Y}"
    if on < art35:
        return [
            Obligation(
                "art35_anticipation",
                "info",
                f"À partir du {art35:%d/%m/%Y}, critère et condition d'exécution environnementaux deviennent "
                "obligatoires : anticipez.",
                "Loi Climat et Résilience, art. 35",
            )
        ]
    return [
        Obligation(
            "art35_critere",
            "obligation",
            "Critère d'attribution environnemental obligatoire.",
            source + " ; CCP art. R. 2152-7",
            f"kind:{ClauseKind.CRITERE_ENVIRONNEMENTAL}",
        ),
        Obligation(
            "art35_condition",
            "obligation",
            "Condition d'exécution environnementale obligatoire.",
            source + " ; CCP art. L. 2112-2",
            f"kind:{ClauseKind.CONDITION_ENVIRONNEMENTALE}",
        ),
    ]


def applicable(*, montant, nature, buyer_kind, on: date, code_cpv, segment, alloti) -> list[Obligation]:
    """Every obligation (and information) for these values of a fiche; `montant` may be None (a draft)."""
    items = _art35(on)
    if montant is not None and montant >= seuils.eu_threshold(buyer_kind, nature, on):
        mandatory = on >= seuils.CLIMAT_RESILIENCE_ART35
        items.append(
            Obligation(
                "sociale_ue",
                "obligation" if mandatory else "info",
                "Au-dessus des seuils européens : condition d'exécution sociale (insertion, égalité, conditions de "
                "travail) à prévoir.",
                "Loi Climat et Résilience, art. 35 ; CCP art. L. 2112-2",
                f"kind:{ClauseKind.CONDITION_SOCIALE}" if mandatory else "",
            )
        )
    if is_food(code_cpv, segment):
        items.append(
            Obligation(
                "egalim",
                "obligation",
                f"Egalim : au moins {seuils.EGALIM_DURABLE:.0%} de produits durables et de qualité, dont "
                f"{seuils.EGALIM_BIO:.0%} issus de l'agriculture biologique (en valeur d'achat).",
                "Code rural et de la pêche maritime, art. L. 230-5-1",
                "egalim",
            )
        )
    if not alloti:
        items.append(
            Obligation(
                "lot_unique",
                "obligation",
                "Marché non alloti : la justification du lot unique est obligatoire et sera contrôlée.",
                "CCP art. L. 2113-10 et L. 2113-11",
                "lot_unique",
            )
        )
    return items


def for_fiche(fiche) -> list[Obligation]:
    """The obligations of a saved fiche, judged at its launch date (today for a draft without one)."""
    from django.utils import timezone  # a pure module otherwise: only the default date needs "today"

    code_cpv = fiche.code_cpv or ""
    return applicable(
        montant=fiche.montant_estime,
        nature=fiche.nature or seuils.nature_from_cpv(cpv_digits(code_cpv)),
        buyer_kind=fiche.organisation.kind,
        on=fiche.date_lancement or timezone.localdate(),
        code_cpv=code_cpv,
        segment=fiche.segment,
        alloti=fiche.alloti,
    )


def is_egalim(clause) -> bool:
    text = fold(f"{clause.title} {clause.legal_basis}")
    return any(marker in text for marker in EGALIM_MARKERS)


def is_met(obligation: Obligation, *, clauses, justification_lot_unique: str = "") -> bool:
    if not obligation.mandatory:
        return True
    if obligation.met_by.startswith("kind:"):
        kind = obligation.met_by.removeprefix("kind:")
        return any(clause.kind == kind for clause in clauses)
    if obligation.met_by == "egalim":
        return any(is_egalim(clause) for clause in clauses)
    if obligation.met_by == "lot_unique":
        return bool((justification_lot_unique or "").strip())
    return True


def unmet(obligations, *, clauses, justification_lot_unique: str = "") -> list[Obligation]:
    """The mandatory obligations that these retained clauses and this fiche leave unmet."""
    clauses = list(clauses)
    return [
        o for o in obligations if not is_met(o, clauses=clauses, justification_lot_unique=justification_lot_unique)
    ]


def meets(clause) -> list[str]:
    """The `met_by` tokens a clause satisfies (the decision screen updates its list as clauses are ticked)."""
    return [f"kind:{clause.kind}"] + (["egalim"] if is_egalim(clause) else [])


def checklist(fiche, clauses) -> list[dict]:
    """The decision screen's list: each mandatory obligation of the fiche with whether it is met."""
    return [
        {
            **o.as_dict(),
            "met_by": o.met_by,
            "met": is_met(o, clauses=clauses, justification_lot_unique=fiche.justification_lot_unique),
        }
        for o in for_fiche(fiche)
        if o.mandatory
    ]
