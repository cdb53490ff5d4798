"""The théâtre des négociations (`do_*`): a staged session with roles and private briefs, an agenda, proposals put
on the table and each checked at once against the register's limits and the R. 2194-7 tests (nothing is signed
here: a proposal becomes a modification only through the register), and minutes. A rehearsal uses a fictitious
contract so that a training session never touches a real register."""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.annuaire.models import Module
from pilote.annuaire.training.services import do_create_module
from pilote.core.models import Membership
from pilote.core.services import record_event
from pilote.evolutions import rules, services
from pilote.evolutions.audit import EvolutionsVerb
from pilote.evolutions.legal import Ground
from pilote.evolutions.models import TheatreEntry, TheatreRole, TheatreRoleKind, TheatreSession


REHEARSAL_CONTRACT = {"initial_amount": "500000", "nature": "services", "notified_on": "2025-01-15"}


def fictitious_register(session):
    data = session.rehearsal_contract
    return SimpleNamespace(initial_amount=Decimal(data["initial_amount"]), nature=data["nature"],
                           notified_on=dt.date.fromisoformat(data["notified_on"]), utility=False, awarded_by_cao=True)  # fmt: skip


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _members_by_email(organisation) -> dict:
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return {m.user.email.lower(): m.user for m in memberships}


def can_read_brief(role, user) -> bool:
    return bool(role.member_id) and role.member_id == getattr(user, "pk", None)


def guest_role(token: str):
    return (
        TheatreRole.objects.select_related("session").filter(token_hash=token_hash(token)).first() if token else None
    )


@transaction.atomic
def do_issue_guest_link(role, *, actor) -> str:
    """A new per-player token for a role no member holds; only its hash is kept (a new link replaces the old)."""
    if role.member_id:
        raise ValidationError("Ce rôle est tenu par un membre : il lit sa consigne connecté.")
    token = secrets.token_urlsafe(32)
    role.token_hash = token_hash(token)
    role.save(update_fields=["token_hash"])
    record_event(actor=actor, organisation=role.session.organisation, verb=EvolutionsVerb.LIEN_CONSIGNE,
                 target=str(role.session), payload={"role": role.kind})  # fmt: skip
    return token


@transaction.atomic
def do_open_session(organisation, *, actor, title, agenda, roles, register=None, clause=None, rehearsal=False):
    """`roles`: (kind, player, brief) triples, a mediator among them. A player typed as the e-mail of a member of
    the organisation holds the role; any other player is a guest who gets a private link."""
    errors = {}
    if not rehearsal and register is None:
        errors["register"] = "Choisissez le contrat, ou cochez la répétition (données fictives)."
    kinds = [kind for kind, _p, _b in roles]
    if TheatreRoleKind.MEDIATEUR not in kinds:
        errors["roles"] = "Une séance a un médiateur."
    if any(kind not in TheatreRoleKind.values or not brief.strip() for kind, _p, brief in roles):
        errors["roles"] = "Chaque rôle est un rôle de la liste, avec sa consigne."
    if not agenda.strip():
        errors["agenda"] = "Écrivez l'ordre du jour."
    if errors:
        raise ValidationError(errors)
    session = TheatreSession.objects.create(
        organisation=organisation, title=title, agenda=agenda, register=None if rehearsal else register,
        clause=clause, rehearsal=rehearsal, rehearsal_contract=REHEARSAL_CONTRACT if rehearsal else {},
    )  # fmt: skip
    members = _members_by_email(organisation)
    TheatreRole.objects.bulk_create([
        TheatreRole(session=session, kind=k, player=p.strip(), brief=b.strip(), member=members.get(p.strip().lower()))
        for k, p, b in roles
    ])  # fmt: skip
    record_event(actor=actor, organisation=organisation, verb=EvolutionsVerb.SEANCE_OUVERTE, target=str(session))
    return session


@transaction.atomic
def do_table_proposal(session, *, actor, role, ground, amount_delta, text, answers=None) -> TheatreEntry:
    """Put a proposal on the table: checked against the limits of the contract (or of the fictitious one)."""
    if ground == Ground.INCONNU or not text.strip():
        raise ValidationError({"text": "Une proposition a un fondement et un texte."})
    proposal = SimpleNamespace(ground=ground, amount_delta=amount_delta, substantial_answers=answers or {})
    if session.rehearsal:
        register, counted = fictitious_register(session), []
    else:
        register, counted = session.register, services.counted(session.register)
    clause = session.clause if ground == Ground.CLAUSE else None
    issues = rules.check(register, counted, proposal, session.organisation.kind, clause=clause)
    entry = TheatreEntry.objects.create(session=session, role=role, text=text.strip(), ground=ground,
                                        amount_delta=amount_delta, issues=[i.as_dict() for i in issues])  # fmt: skip
    record_event(actor=actor, organisation=session.organisation, verb=EvolutionsVerb.PROPOSITION_SEANCE,
                 target=str(session), payload={"alertes": len(issues)})  # fmt: skip
    return entry


@transaction.atomic
def do_activate_in_session(session, *, actor, amount_delta, dated, description, answers=None) -> TheatreEntry:
    """The mediator activates the session's clause: a proposed modification is created in the real register (through
    the register's own checks, so a proposal over a limit is refused and nothing is saved) and the minutes record it."""
    if session.rehearsal or session.register is None or session.clause is None:
        raise ValidationError({"description": "Seule une séance sur un contrat réel, autour d'une clause, l'active."})
    modification = services.do_activate_clause(session.clause, actor=actor, register=session.register,
                                               amount_delta=amount_delta, dated=dated, description=description,
                                               answers=answers)  # fmt: skip
    mediator = session.roles.filter(kind=TheatreRoleKind.MEDIATEUR).first()
    entry = TheatreEntry.objects.create(
        session=session, role=mediator, ground=Ground.CLAUSE, amount_delta=amount_delta, issues=modification.issues,
        text=f"Clause activée en séance : modification n° {modification.rank} proposée au registre — {description}",
    )  # fmt: skip
    record_event(actor=actor, organisation=session.organisation, verb=EvolutionsVerb.PROPOSITION_SEANCE,
                 target=str(session), payload={"modification": modification.pk})  # fmt: skip
    return entry


REHEARSAL_MODULE = "Répétition du théâtre des négociations (données fictives)"


def do_list_rehearsal_in_catalogue(organisation, *, actor, is_demo=False):
    """List the rehearsal in the organisation's training catalogue (pilote.annuaire), once: one module through the
    catalogue's own service (its audit row included)."""
    existing = Module.objects.filter(organisation=organisation, title=REHEARSAL_MODULE).first()
    if existing:
        return existing
    return do_create_module(
        organisation, actor=actor, title=REHEARSAL_MODULE, audience="acheteurs", duration_hours=Decimal("2"),
        subject=("Séance du théâtre des négociations en mode répétition, sur un contrat fictif de 500 000 € HT : "
                 "rôles et consignes privées, propositions vérifiées contre les limites des articles R. 2194-1 à "
                 "R. 2194-9 du code de la commande publique, compte rendu. Rien ne touche un registre réel."),
        is_demo=is_demo,
    )  # fmt: skip


@transaction.atomic
def do_add_note(session, *, actor, role, text) -> TheatreEntry:
    if not text.strip():
        raise ValidationError({"text": "La note est vide."})
    entry = TheatreEntry.objects.create(session=session, role=role, text=text.strip())
    record_event(actor=actor, organisation=session.organisation, verb=EvolutionsVerb.NOTE_SEANCE, target=str(session))
    return entry
