"""The impact criteria of a responsible negotiation and the format of a guide's impact questions.

A segment guide's section « guide de sourcing et d'analyse des impacts » holds sourcing questions (asked before the
call for tenders, CCP art. R. 2111-1) and impact questions, one per line as « critère | question », that a
responsible negotiation of the segment starts from (pilote.evolutions.negotiation). The criteria are defined here,
below both apps, so that the guide can check them and the negotiation can use them without importing upwards."""

from django.core.exceptions import ValidationError
from django.db import models


class ImpactCriterion(models.TextChoices):
    INSERTION = "insertion", "Heures d'insertion"
    SIAE_ESS = "siae_ess", "Part sous-traitée à des SIAE ou à l'ESS (%)"
    DISTANCE = "distance", "Distance d'approvisionnement (km)"
    COUT_ENVIRONNEMENTAL = "cout_environnemental", "Coût environnemental (méthode citée)"


def parse_impact_questions(text: str) -> list[tuple[str, str]]:
    """« critère | question » lines → (criterion, question) pairs; blank lines are skipped. A line without a known
    criterion or without its question raises ValidationError naming the line."""
    pairs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        criterion, _sep, question = line.partition("|")
        if criterion.strip() not in ImpactCriterion.values or not question.strip():
            raise ValidationError(
                f"Ligne {number} : écrivez « critère | question » avec un critère de la liste "
                f"({', '.join(ImpactCriterion.values)})."
            )
        pairs.append((criterion.strip(), question.strip()))
    return pairs


def format_impact_questions(pairs) -> str:
    """The inverse of parse_impact_questions (to prefill a form)."""
    return "\n".join(f"{criterion} | {question}" for criterion, question in pairs)


def validate_impact_questions(text: str) -> None:
    parse_impact_questions(text)


IMPACT_HELP = "Une question par ligne : « critère | question ». Critères : " + ", ".join(
    f"{c.value} ({c.label})" for c in ImpactCriterion
)
