"""Writes of the training catalogue: modules, sessions, enrolment with a waiting list (a freed seat goes to
the first person waiting, who is told by e-mail after commit), attendance and reservist qualification."""

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from pilote.annuaire.models import Enrolment, Module, Person, TrainingSession
from pilote.annuaire.permissions import can_enrol
from pilote.annuaire.training.audit import FormationVerb
from pilote.annuaire.training.models import EnrolmentStatus
from pilote.core.models import Organisation
from pilote.core.services import do_notify, record_event


@transaction.atomic
def do_create_module(organisation: Organisation, *, actor, **fields) -> Module:
    module = Module(organisation=organisation, **fields)
    module.full_clean()
    module.save()
    record_event(actor=actor, organisation=organisation, verb=FormationVerb.MODULE_CREE, target=module)
    return module


@transaction.atomic
def do_update_module(module: Module, *, actor, **fields) -> Module:
    for name, value in fields.items():
        setattr(module, name, value)
    module.full_clean()
    module.save()
    record_event(actor=actor, organisation=module.organisation, verb=FormationVerb.MODULE_MODIFIE, target=module)
    return module


@transaction.atomic
def do_create_session(module: Module, *, actor, **fields) -> TrainingSession:
    session = TrainingSession(module=module, **fields)
    session.full_clean()
    session.save()
    record_event(actor=actor, organisation=module.organisation, verb=FormationVerb.SESSION_CREEE, target=session)
    return session


@transaction.atomic
def do_update_session(session: TrainingSession, *, actor, **fields) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    if session.seats < session.confirmed_count:
        raise ValidationError(
            {"seats": f"{session.confirmed_count} personnes sont déjà inscrites : désinscrivez-en avant de réduire."}
        )
    session.save()
    _promote_waiting(session)  # more seats: the waiting list moves up
    record_event(
        actor=actor, organisation=session.module.organisation, verb=FormationVerb.SESSION_MODIFIEE, target=session
    )
    return session


@transaction.atomic
def do_enrol(session: TrainingSession, person: Person, *, actor) -> Enrolment:
    """Enrols `person`, or puts them on the waiting list when the session is full (the caller says which)."""
    # Lock the session so that two people cannot take the last seat at the same time.
    session = TrainingSession.objects.select_for_update().select_related("module__organisation").get(pk=session.pk)
    if not can_enrol(actor, session, person):
        if person.organisation_id != session.module.organisation_id:
            # never name a person of another organisation
            raise ValidationError(
                f"Seules les personnes de {session.module.organisation} peuvent être inscrites à cette session."
            )
        raise ValidationError("Vous ne pouvez inscrire que vous-même à une session.")
    if session.ends_at <= timezone.now():
        raise ValidationError("Cette session est terminée : l'inscription n'est plus possible.")
    enrolment = Enrolment.objects.filter(session=session, person=person).first()
    if enrolment and enrolment.status != EnrolmentStatus.ANNULE:
        where = "inscrit·e" if enrolment.status == EnrolmentStatus.INSCRIT else "sur la liste d'attente"
        raise ValidationError(f"{person} est déjà {where} pour cette session.")
    status = EnrolmentStatus.INSCRIT if session.free_seats > 0 else EnrolmentStatus.ATTENTE
    if enrolment is None:
        enrolment = Enrolment(session=session, person=person)
    enrolment.status = status
    enrolment.requested_at = timezone.now()
    enrolment.enrolled_by = actor
    enrolment.attended = None
    enrolment.full_clean()
    enrolment.save()
    record_event(
        actor=actor,
        organisation=session.module.organisation,
        verb=FormationVerb.INSCRIPTION,
        target=enrolment,
        payload={"statut": status},
    )
    return enrolment


@transaction.atomic
def do_cancel_enrolment(enrolment: Enrolment, *, actor) -> Enrolment | None:
    """Cancels; returns the enrolment promoted from the waiting list to the freed seat, if any."""
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.ANNULE:
        raise ValidationError("Cette inscription est déjà annulée.")
    if enrolment.attended is not None:
        raise ValidationError("La présence est déjà notée : l'inscription ne peut plus être annulée.")
    enrolment.status = EnrolmentStatus.ANNULE
    enrolment.save(update_fields=["status"])
    record_event(
        actor=actor, organisation=session.module.organisation, verb=FormationVerb.DESINSCRIPTION, target=enrolment
    )
    promoted = _promote_waiting(session)
    return promoted[0] if promoted else None


def _promote_waiting(session: TrainingSession) -> list[Enrolment]:
    promoted = []
    for enrolment in session.enrolments.filter(status=EnrolmentStatus.ATTENTE).select_related("person")[
        : session.free_seats
    ]:
        enrolment.status = EnrolmentStatus.INSCRIT
        enrolment.save(update_fields=["status"])
        promoted.append(enrolment)
        record_event(
            actor=None,
            organisation=session.module.organisation,
            verb=FormationVerb.PROMOTION_LISTE_ATTENTE,
            target=enrolment,
        )
        email, subject = enrolment.person.email, f"Place confirmée : {session}"
        body = (
            f"Bonjour,\n\nUne place s'est libérée : votre inscription à la session « {session} » "
            f"({session.place}) est confirmée.\n"
        )
        do_notify(emails=[email], title=subject, body=body, organisation=session.module.organisation)
        transaction.on_commit(lambda e=email, s=subject, b=body: send_mail(s, b, None, [e]))
    return promoted


def missing_reservist_modules(person: Person, organisation: Organisation) -> list[Module]:
    """Modules chosen by the organisation as qualifying for the reserve that the person has not attended."""
    attended = set(Enrolment.objects.filter(person=person, attended=True).values_list("session__module_id", flat=True))
    return [
        m for m in Module.objects.filter(organisation=organisation, qualifies_reservist=True) if m.pk not in attended
    ]


def _update_reservist_qualification(person: Person, organisation: Organisation) -> None:
    """Qualified once every chosen module is attended; a presence corrected to absence withdraws it."""
    qualified = not missing_reservist_modules(person, organisation)
    if qualified and person.reservist_qualified_on is None:
        person.reservist_qualified_on = timezone.localdate()
        person.save(update_fields=["reservist_qualified_on"])
    elif not qualified and person.reservist_qualified_on is not None:
        person.reservist_qualified_on = None
        person.save(update_fields=["reservist_qualified_on"])


@transaction.atomic
def do_mark_attendance(enrolment: Enrolment, *, attended: bool, actor) -> Enrolment:
    """Notes presence; someone who has attended every module chosen as qualifying for the reserve is qualified
    (and, if volunteer, becomes a reservist)."""
    enrolment = Enrolment.objects.select_related("session__module", "person").get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.INSCRIT:
        raise ValidationError("Seules les personnes inscrites (hors liste d'attente) peuvent être notées présentes.")
    if enrolment.session.starts_at > timezone.now():
        raise ValidationError("La session n'a pas encore commencé : la présence se note après son début.")
    enrolment.attended = attended
    enrolment.save(update_fields=["attended"])
    if enrolment.session.module.qualifies_reservist:
        _update_reservist_qualification(enrolment.person, enrolment.session.module.organisation)
    record_event(
        actor=actor,
        organisation=enrolment.session.module.organisation,
        verb=FormationVerb.PRESENCE,
        target=enrolment,
        payload={"present": attended},
    )
    return enrolment
