"""The fiche visa workflow as data: which transition goes from which states to which, who may fire it, and
the guards that must hold. Pure (no database write): services call `check()` before changing anything.

brouillon → soumise → en instruction → visée | visée avec réserves | à reprendre | refusée;
à reprendre goes back to the agent, who resubmits; the support service may reopen a decided fiche (back to
en instruction, with a reason, audited). Transitions marked `confirm` are posted twice: once to see what will
happen, once with an explicit confirmation (the service refuses them without it)."""

from dataclasses import dataclass

from pilote.core.enums import Role
from pilote.fiches.models import Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: Status
    roles: frozenset
    needs_comment: bool = False
    decision: bool = False  # records the retained clauses and criteria
    confirm: bool = False  # irreversible for the person acting: a confirmation step precedes it

    @property
    def is_visa(self) -> bool:
        """A visa (with or without reserves): the mandatory obligations are enforced."""
        return self.decision and self.target in (Status.VISEE, Status.VISEE_RESERVES)


def _t(name, label, sources, target, roles, **kw):
    return Transition(name, label, frozenset(sources), target, frozenset(roles), **kw)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "soumettre",
            "Soumettre au service d'appui",
            {Status.BROUILLON, Status.A_REPRENDRE},
            Status.SOUMISE,
            {Role.AGENT},
        ),
        _t("instruire", "Prendre en instruction", {Status.SOUMISE}, Status.EN_INSTRUCTION, {Role.APPUI}),
        _t(
            "demander_reprise",
            "Demander des compléments",
            {Status.SOUMISE, Status.EN_INSTRUCTION},
            Status.A_REPRENDRE,
            {Role.APPUI},
            needs_comment=True,
            confirm=True,
        ),
        _t(
            "viser", "Donner le visa", {Status.EN_INSTRUCTION}, Status.VISEE, {Role.APPUI}, decision=True, confirm=True
        ),
        _t(
            "viser_reserves",
            "Viser avec réserves",
            {Status.EN_INSTRUCTION},
            Status.VISEE_RESERVES,
            {Role.APPUI},
            needs_comment=True,
            decision=True,
            confirm=True,
        ),
        _t(
            "refuser",
            "Refuser",
            {Status.EN_INSTRUCTION},
            Status.REFUSEE,
            {Role.APPUI},
            needs_comment=True,
            decision=True,
            confirm=True,
        ),
        _t(
            "rouvrir",
            "Rouvrir la fiche",
            {Status.VISEE, Status.VISEE_RESERVES, Status.REFUSEE},
            Status.EN_INSTRUCTION,
            {Role.APPUI},
            needs_comment=True,
            confirm=True,
        ),
    )
}


class TransitionRefused(Exception):
    """A transition that the state, the role or a guard forbids; the message is French and shown as is."""


def check(fiche, transition_name: str, *, user, roles, comment: str = "") -> Transition:
    """Raise TransitionRefused with the reason, or return the transition."""
    transition = TRANSITIONS.get(transition_name)
    if transition is None:
        raise TransitionRefused("Action inconnue.")
    if not set(roles) & transition.roles:
        raise TransitionRefused(f"Votre rôle ne permet pas l'action « {transition.label} ».")
    if fiche.status not in transition.sources:
        raise TransitionRefused(
            f"L'action « {transition.label} » n'est pas possible pour une fiche à l'état « {fiche.get_status_display()} »."
        )
    if transition.name == "soumettre" and fiche.author_id != user.pk:
        raise TransitionRefused("Seul le rédacteur de la fiche peut la soumettre.")
    if transition.needs_comment and not comment.strip():
        raise TransitionRefused(f"Un motif est obligatoire pour « {transition.label} ».")
    return transition


def available(fiche, *, user, roles) -> list[Transition]:
    """Transitions the user could fire now (comment guard excepted: it is asked in the form)."""
    result = []
    for name, transition in TRANSITIONS.items():
        try:
            check(fiche, name, user=user, roles=roles, comment="x")
        except TransitionRefused:
            continue
        result.append(transition)
    return result
