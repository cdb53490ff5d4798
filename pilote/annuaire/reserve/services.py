"""Writes of the reserve: post a request, accept a reservist, follow the mission with notes, close it with
feedback. The reservist (possibly of a partner organisation) is told by e-mail after commit."""

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from pilote.annuaire.models import Person, ReservistNote, ReservistRequest
from pilote.annuaire.reserve.audit import ReserveVerb
from pilote.annuaire.reserve.models import RequestStatus
from pilote.annuaire.reserve.queries import reservist_candidates
from pilote.annuaire.services import skills_from_text
from pilote.core.models import Organisation
from pilote.core.services import do_notify, record_event


@transaction.atomic
def do_post_request(organisation: Organisation, *, actor, skills_text: str = "", **fields) -> ReservistRequest:
    request = ReservistRequest(organisation=organisation, created_by=actor, **fields)
    request.full_clean()
    if request.starts_on < timezone.localdate():
        raise ValidationError({"starts_on": "La date de début est déjà passée : choisissez aujourd'hui ou plus tard."})
    request.save()
    request.skills.set(skills_from_text(skills_text))
    record_event(actor=actor, organisation=organisation, verb=ReserveVerb.DEMANDE_POSTEE, target=request)
    return request


@transaction.atomic
def do_accept_request(request: ReservistRequest, *, reservist: Person, actor) -> ReservistRequest:

    request = ReservistRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OUVERTE:
        raise ValidationError("Cette demande n'est plus ouverte.")
    if not reservist_candidates(request).filter(pk=reservist.pk).exists():
        raise ValidationError(f"{reservist} n'est pas un·e réserviste disponible pour cette demande.")
    request.reservist = reservist
    request.status = RequestStatus.ACCEPTEE
    request.accepted_at = timezone.now()
    request.save(update_fields=["reservist", "status", "accepted_at"])
    record_event(
        actor=actor,
        organisation=request.organisation,
        verb=ReserveVerb.DEMANDE_ACCEPTEE,
        target=request,
        payload={"reserviste": str(reservist)},
    )
    subject = f"Mission de réserve : {request.subject}"
    body = (
        f"Bonjour,\n\n{request.organisation} vous confie la mission « {request.subject} » "
        f"du {request.starts_on:%d/%m/%Y} au {request.ends_on:%d/%m/%Y}.\n"
    )
    do_notify(emails=[reservist.email], title=subject, body=body, organisation=request.organisation)
    transaction.on_commit(lambda: send_mail(subject, body, None, [reservist.email]))
    return request


@transaction.atomic
def do_add_note(request: ReservistRequest, *, text: str, actor) -> ReservistNote:
    if request.status != RequestStatus.ACCEPTEE:
        raise ValidationError("Le suivi se note sur une mission acceptée et pas encore close.")
    note = ReservistNote(request=request, text=text.strip(), author=actor)
    note.full_clean()
    note.save()
    record_event(actor=actor, organisation=request.organisation, verb=ReserveVerb.SUIVI, target=request)
    return note


@transaction.atomic
def do_close_request(request: ReservistRequest, *, feedback: str, actor) -> ReservistRequest:
    request = ReservistRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSE:
        raise ValidationError("Cette demande est déjà close.")
    if not feedback.strip():
        raise ValidationError({"feedback": "Le bilan est obligatoire pour clore la demande."})
    request.feedback = feedback.strip()
    request.status = RequestStatus.CLOSE
    request.closed_at = timezone.now()
    request.save(update_fields=["feedback", "status", "closed_at"])
    record_event(actor=actor, organisation=request.organisation, verb=ReserveVerb.DEMANDE_CLOSE, target=request)
    return request
