"""Every write of a modeller session (`do_*`): opening, joining (members or invited guests), scenarios and their
instruments, rounds, votes, the decision and the minutes. Participants act through their Participant row; a guest
is known by a random token kept in their browser session (only its SHA-256 is stored), valid for this session."""

import hashlib
import secrets
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from pilote.core.services import record_event
from pilote.strategie import rules
from pilote.strategie.audit import StrategieVerb
from pilote.strategie.models import (
    ModellerSession,
    Participant,
    ParticipantRole,
    Round,
    Scenario,
    ScenarioItem,
    SessionNote,
    Vote,
)
from pilote.strategie.queries import scenario_scores
from pilote.strategie.services import checked_instrument


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a meeting room


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_participant(session, token: str | None) -> Participant | None:
    if not token:
        return None
    return Participant.objects.filter(session=session, user__isnull=True, token_hash=token_hash(token)).first()


def _event(session, participant, verb, payload=None):
    record_event(
        actor=participant.user if participant and participant.user_id else None,
        organisation=session.organisation,
        verb=verb,
        target=session,
        payload={"participant": participant.name if participant else "", **(payload or {})},
    )


def _note(session, author: str, text: str) -> None:
    SessionNote.objects.create(session=session, round_number=session.round_number, author=author, text=text)


def _touch(session) -> None:
    ModellerSession.objects.filter(pk=session.pk).update(revision=F("revision") + 1)


def _require_open(session) -> None:
    if not session.is_open:
        raise ValidationError("La séance est terminée : plus aucune modification n'est possible.")


def _require_mediator(participant) -> None:
    if participant.role != ParticipantRole.MEDIATEUR:
        raise ValidationError("Seul le médiateur de la séance peut faire cela.")


@transaction.atomic
def do_open_session(
    organisation, *, actor, objective, title, envelope, constraints_text="", decided_by_vote=True
) -> ModellerSession:
    if objective.organisation_id != organisation.pk:
        raise ValidationError({"objective": "Objectif inconnu."})
    if not objective.indicators.exists():
        raise ValidationError({"objective": "Ajoutez d'abord au moins un indicateur à l'objectif."})
    session = ModellerSession(
        organisation=organisation,
        objective=objective,
        title=title,
        envelope=envelope,
        constraints_text=constraints_text,
        decided_by_vote=decided_by_vote,
        created_by=actor,
        join_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
    )
    session.full_clean()
    session.save()
    mediator = Participant.objects.create(
        session=session, user=actor, name=actor.get_full_name() or actor.email, role=ParticipantRole.MEDIATEUR
    )
    _note(session, mediator.name, f"Séance ouverte ; enveloppe annuelle {envelope:,.0f} €.".replace(",", " "))
    _event(session, mediator, StrategieVerb.SEANCE_OUVERTE)
    return session


@transaction.atomic
def do_join_session(session, *, user=None, name: str, role: str, table: str = "Table 1") -> tuple[Participant, str]:
    """A member (user) or a guest joins; returns the participant and, for a guest, the token to keep."""
    _require_open(session)
    if role not in ParticipantRole.values:
        raise ValidationError({"role": "Choisissez un rôle."})
    if user is not None and Participant.objects.filter(session=session, user=user).exists():
        raise ValidationError("Vous participez déjà à cette séance.")
    token = "" if user is not None else secrets.token_urlsafe(24)
    participant = Participant(
        session=session,
        user=user,
        name=" ".join(str(name).split())[:80],
        role=role,
        table=" ".join(str(table).split())[:40] or "Table 1",
        token_hash=token_hash(token) if token else "",
    )
    participant.full_clean()
    participant.save()
    _note(session, participant.name, f"Arrive à la séance ({participant.get_role_display()}, {participant.table}).")
    _event(session, participant, StrategieVerb.PARTICIPANT_ARRIVE, {"role": role})
    _touch(session)
    return participant, token


@transaction.atomic
def do_create_scenario(session, *, participant, title: str) -> Scenario:
    _require_open(session)
    scenario = Scenario(session=session, title=" ".join(str(title).split()), table=participant.table)
    scenario.created_by = participant
    scenario.full_clean()
    if Scenario.objects.filter(session=session, title__iexact=scenario.title).exists():
        raise ValidationError({"title": "Un scénario porte déjà ce nom dans la séance."})
    scenario.save()
    _note(session, participant.name, f"Propose le scénario « {scenario.title} ».")
    _event(session, participant, StrategieVerb.SCENARIO_MODIFIE, {"scenario": scenario.title})
    _touch(session)
    return scenario


@transaction.atomic
def do_add_item(scenario, *, participant, axis: str, lever: str, **fields) -> ScenarioItem:
    """Add an instrument to a scenario: legal route checked, and refused when the scenario would exceed the
    session's envelope (nothing saved)."""
    session = ModellerSession.objects.select_for_update().get(pk=scenario.session_id)
    _require_open(session)
    item = ScenarioItem(scenario=scenario, axis=" ".join(str(axis).split()), lever=" ".join(str(lever).split()))
    item.added_by = participant
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    checked_instrument(item, session.organisation)
    cost = sum((i.annual_amount for i in scenario.items.all()), item.annual_amount)
    problem = rules.envelope_problem(session.envelope, cost)
    if problem:
        raise ValidationError({"annual_amount": problem})
    item.save()
    scenario.save(update_fields=["updated_at"])
    amount = f"{item.annual_amount:,.0f}".replace(",", " ")
    _note(session, participant.name, f"Ajoute « {item.label} » ({amount} €/an) à « {scenario.title} ».")
    _event(session, participant, StrategieVerb.SCENARIO_MODIFIE, {"scenario": scenario.title, "ajout": item.label})
    _touch(session)
    return item


@transaction.atomic
def do_remove_item(item, *, participant) -> None:
    session = item.scenario.session
    _require_open(session)
    label, scenario = item.label, item.scenario
    item.delete()
    _note(session, participant.name, f"Retire « {label} » de « {scenario.title} ».")
    _event(session, participant, StrategieVerb.SCENARIO_MODIFIE, {"scenario": scenario.title, "retrait": label})
    _touch(session)


def _round_scores(session) -> list[dict]:
    return [
        {
            "scenario": row["scenario"].title,
            "cout_annuel": int(row["score"]["annual_cost"]),
            "progression_moyenne": row["score"]["mean_progress"],
        }
        for row in scenario_scores(session)
    ]


@transaction.atomic
def do_close_round(session, *, participant) -> Round:
    session = ModellerSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session)
    _require_mediator(participant)
    closed = Round.objects.create(
        session=session, number=session.round_number, closed_by=participant, scores=_round_scores(session)
    )
    _note(session, participant.name, f"Clôt le tour {closed.number}.")
    session.round_number += 1
    session.save(update_fields=["round_number"])
    _event(session, participant, StrategieVerb.TOUR_CLOS, {"tour": closed.number})
    _touch(session)
    return closed


@transaction.atomic
def do_vote(session, *, participant, scenario) -> Vote:
    _require_open(session)
    if scenario.session_id != session.pk:
        raise ValidationError("Scénario inconnu dans cette séance.")
    vote, _created = Vote.objects.update_or_create(
        session=session, participant=participant, defaults={"scenario": scenario}
    )
    _event(session, participant, StrategieVerb.VOTE, {"scenario": scenario.title})
    _touch(session)
    return vote


def _winner(session) -> Scenario:
    counts = Counter(Vote.objects.filter(session=session).values_list("scenario_id", flat=True))
    if not counts:
        raise ValidationError("Aucun vote : les participants votent avant la décision.")
    (first, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        raise ValidationError("Égalité des votes : le médiateur tranche en choisissant un scénario.")
    return Scenario.objects.get(pk=first)


@transaction.atomic
def do_decide(session, *, participant, scenario=None, text: str = "") -> ModellerSession:
    """The mediator ends the session: the scenario with the most votes (decision by vote), or the one they choose."""
    session = ModellerSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session)
    _require_mediator(participant)
    chosen = scenario if scenario is not None else _winner(session) if session.decided_by_vote else None
    if chosen is None or chosen.session_id != session.pk:
        raise ValidationError({"scenario": "Choisissez le scénario retenu."})
    cost = sum((i.annual_amount for i in chosen.items.all()), 0)
    if rules.envelope_problem(session.envelope, cost) or not chosen.items.exists():
        raise ValidationError({"scenario": "Ce scénario est vide ou dépasse l'enveloppe : il ne peut être retenu."})
    session.chosen_scenario = chosen
    session.decision_text = text
    session.is_open = False
    session.save(update_fields=["chosen_scenario", "decision_text", "is_open"])
    how = "par vote" if scenario is None else "par décision du médiateur"
    _note(session, participant.name, f"Scénario retenu {how} : « {chosen.title} ». {text}".strip())
    _event(session, participant, StrategieVerb.SEANCE_DECIDEE, {"scenario": chosen.title})
    _touch(session)
    return session


@transaction.atomic
def do_add_note(session, *, participant, text: str) -> SessionNote:
    if not str(text).strip():
        raise ValidationError({"text": "Écrivez la note."})
    _note(session, participant.name, text)
    _event(session, participant, StrategieVerb.NOTE_AJOUTEE)
    _touch(session)
    return session.notes.last()
