"""Reads of the training catalogue."""

from pilote.annuaire.models import Enrolment, Person
from pilote.annuaire.training.models import EnrolmentStatus


def training_history(person: Person) -> list[Enrolment]:
    return list(
        person.enrolments.exclude(status=EnrolmentStatus.ANNULE)
        .select_related("session__module")
        .order_by("-session__starts_at")
    )
