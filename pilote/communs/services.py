"""Writes of the ressource-o-thèque: catalogue, initiatives, bookings, check-out and return, maintenance, and
reminders. Each is atomic, validated and audited; booking writes lock the resource's row (select_for_update) so
that two overlapping requests cannot both pass the calendar check. Credits go through ledger.py."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from pilote.communs import board, ledger, rules
from pilote.communs.audit import CommunsVerb
from pilote.communs.models import (
    HOLDING,
    VALUED,
    AccountKind,
    Booking,
    BookingStatus,
    Initiative,
    MaintenanceTicket,
    Movement,
    Resource,
)
from pilote.core.services import record_event


@transaction.atomic
def do_create_resource(organisation, *, actor, **fields) -> Resource:
    resource = Resource(organisation=organisation, **fields)
    resource.full_clean()
    resource.save()
    record_event(actor=actor, organisation=organisation, verb=CommunsVerb.RESSOURCE_CREEE, target=resource.name)
    return resource


@transaction.atomic
def do_create_initiative(organisation, *, actor, **fields) -> Initiative:
    initiative = Initiative(organisation=organisation, **fields)
    initiative.full_clean()
    initiative.save()
    ledger.initiative_account(initiative)
    record_event(actor=actor, organisation=organisation, verb=CommunsVerb.INITIATIVE_CREEE, target=initiative.name)
    return initiative


def _locked_resource(resource) -> Resource:
    return Resource.objects.select_for_update().get(pk=resource.pk)


def _check_slot(resource, starts_at, ends_at, statuses, exclude=None) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "La fin de la réservation doit suivre son début."})
    others = resource.bookings.filter(status__in=statuses, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    clash = others.select_related("initiative").first()
    if clash:
        raise ValidationError(
            f"« {resource.name} » est déjà réservé du {timezone.localtime(clash.starts_at):%d/%m/%Y %H:%M} au "
            f"{timezone.localtime(clash.ends_at):%d/%m/%Y %H:%M} ({clash.initiative.name}) : choisissez un autre "
            "créneau."
        )


def _check_in_service(resource) -> None:
    if resource.draft:
        raise ValidationError(
            f"« {resource.name} » n'est pas encore livré (brouillon du catalogue) : réservation impossible."
        )
    if not resource.in_service:
        raise ValidationError(
            f"« {resource.name} » est hors service (ticket de maintenance ouvert) : réservation impossible."
        )


def _cost(resource, starts_at, ends_at) -> int:
    price = board.price_on(resource, timezone.localtime(starts_at).date())
    return rules.booking_units(resource.unit, starts_at, ends_at) * price


@transaction.atomic
def do_request_booking(resource, initiative, *, starts_at, ends_at, purpose, actor) -> Booking:
    if resource.organisation_id != initiative.organisation_id:
        raise ValidationError("L'initiative et la ressource relèvent d'organisations différentes.")
    resource = _locked_resource(resource)
    _check_in_service(resource)
    _check_slot(resource, starts_at, ends_at, HOLDING)
    cost = _cost(resource, starts_at, ends_at)
    available = ledger.initiative_balance(initiative) + initiative.credit_limit
    if cost > available:
        raise ValidationError(
            f"Crédits insuffisants pour « {initiative.name} » : la réservation coûte {cost} crédits, "
            f"{available} sont disponibles (découvert autorisé compris)."
        )
    booking = Booking.objects.create(
        resource=resource,
        initiative=initiative,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose.strip(),
        credit_cost=cost,
        requested_by=actor,
    )
    record_event(
        actor=actor,
        organisation=resource.organisation,
        verb=CommunsVerb.RESERVATION_DEMANDEE,
        target=str(booking),
        payload={"booking": booking.pk, "cost": cost},
    )
    return booking


def _locked_booking(booking) -> Booking:
    return Booking.objects.select_for_update().select_related("resource", "initiative").get(pk=booking.pk)


@transaction.atomic
def do_approve_booking(booking, *, actor) -> Booking:
    """The manager's approval: the slot is checked again, the booking valued in euros at the resource's rate
    (refused without a rate) and its price in credits debited from the initiative (refused beyond its limit)."""
    resource = _locked_resource(booking.resource)
    booking = _locked_booking(booking)
    if booking.status != BookingStatus.DEMANDEE:
        raise ValidationError(
            f"Cette réservation est « {booking.get_status_display()} » : elle n'attend pas d'accord."
        )
    _check_in_service(resource)
    if resource.valuation_rate is None:
        raise ValidationError(
            f"« {resource.name} » n'a pas de taux de valorisation documenté : renseignez-le avant d'approuver "
            "(la mise à disposition est une subvention en nature, loi 2000-321 art. 9-1)."
        )
    _check_slot(resource, booking.starts_at, booking.ends_at, (BookingStatus.APPROUVEE, BookingStatus.SORTIE), booking)
    units = rules.booking_units(resource.unit, booking.starts_at, booking.ends_at)
    booking.credit_cost = _cost(resource, booking.starts_at, booking.ends_at)
    booking.value_eur = rules.value_eur(units, resource.valuation_rate)
    organisation = resource.organisation
    if booking.credit_cost:
        ledger.post(
            organisation,
            kind=Movement.Kind.RESERVATION,
            debit=ledger.initiative_account(booking.initiative),
            credit=ledger.system_account(organisation, AccountKind.USAGES),
            amount=booking.credit_cost,
            memo=f"Réservation : {resource.name}",
            actor=actor,
            booking=booking,
        )
    booking.status = BookingStatus.APPROUVEE
    booking.decided_by = actor
    booking.save(update_fields=["status", "decided_by", "credit_cost", "value_eur"])
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CommunsVerb.RESERVATION_APPROUVEE,
        target=str(booking),
        payload={"booking": booking.pk, "cost": booking.credit_cost, "value_eur": str(booking.value_eur)},
    )
    return booking


@transaction.atomic
def do_refuse_booking(booking, *, reason, actor) -> Booking:
    """Refuses a request, or cancels an approved booking (its credits come back by a reversing movement)."""
    booking = _locked_booking(booking)
    if booking.status == BookingStatus.DEMANDEE:
        booking.status = BookingStatus.REFUSEE
    elif booking.status == BookingStatus.APPROUVEE:
        for movement in booking.movements.filter(kind=Movement.Kind.RESERVATION, reversed_by__isnull=True):
            ledger.do_reverse_movement(movement, reason=reason or "réservation annulée", actor=actor)
        booking.status = BookingStatus.ANNULEE
        booking.value_eur = Decimal(0)
    else:
        raise ValidationError(f"Une réservation « {booking.get_status_display()} » ne peut plus être refusée.")
    booking.decided_by = actor
    booking.save(update_fields=["status", "decided_by", "value_eur"])
    record_event(
        actor=actor,
        organisation=booking.resource.organisation,
        verb=CommunsVerb.RESERVATION_REFUSEE,
        target=str(booking),
        payload={"booking": booking.pk, "reason": (reason or "")[:200]},
    )
    return booking


@transaction.atomic
def do_check_out(booking, *, condition, actor) -> Booking:
    booking = _locked_booking(booking)
    if booking.status != BookingStatus.APPROUVEE:
        raise ValidationError("Seule une réservation approuvée peut être remise.")
    booking.status = BookingStatus.SORTIE
    booking.checkout_condition = (condition or "").strip()
    booking.save(update_fields=["status", "checkout_condition"])
    record_event(actor=actor, organisation=booking.resource.organisation, verb=CommunsVerb.SORTIE, target=str(booking))
    return booking


@transaction.atomic
def do_return_booking(booking, *, condition, problem="", actor) -> Booking:
    """The return, with the condition noted; a problem opens a maintenance ticket (the item leaves service)."""
    booking = _locked_booking(booking)
    if booking.status != BookingStatus.SORTIE:
        raise ValidationError("Seule une ressource remise peut être rendue.")
    if not (condition or "").strip():
        raise ValidationError({"condition": "Notez l'état de la ressource au retour."})
    booking.status = BookingStatus.RENDUE
    booking.return_condition = condition.strip()
    booking.returned_at = timezone.now()
    booking.save(update_fields=["status", "return_condition", "returned_at"])
    record_event(actor=actor, organisation=booking.resource.organisation, verb=CommunsVerb.RETOUR, target=str(booking))
    if (problem or "").strip():
        do_open_ticket(booking.resource, description=problem, booking=booking, actor=actor)
    return booking


@transaction.atomic
def do_open_ticket(resource, *, description, booking=None, actor) -> MaintenanceTicket:
    if not (description or "").strip():
        raise ValidationError({"description": "Décrivez le problème constaté."})
    resource = _locked_resource(resource)
    ticket = MaintenanceTicket.objects.create(
        resource=resource, booking=booking, description=description.strip()[:500], opened_by=actor
    )
    resource.in_service = False
    resource.save(update_fields=["in_service"])
    record_event(actor=actor, organisation=resource.organisation, verb=CommunsVerb.TICKET_OUVERT, target=resource.name)
    return ticket


@transaction.atomic
def do_close_ticket(ticket, *, actor) -> MaintenanceTicket:
    ticket = MaintenanceTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.closed_at:
        raise ValidationError("Ce ticket est déjà clos.")
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["closed_at"])
    resource = _locked_resource(ticket.resource)
    if not resource.tickets.filter(closed_at__isnull=True).exists():
        resource.in_service = True
        resource.save(update_fields=["in_service"])
    record_event(actor=actor, organisation=resource.organisation, verb=CommunsVerb.TICKET_CLOS, target=resource.name)
    return ticket


def late_bookings(organisation=None, now: dt.datetime | None = None):
    late = Booking.objects.filter(status=BookingStatus.SORTIE, ends_at__lt=now or timezone.now())
    if organisation is not None:
        late = late.filter(resource__organisation=organisation)
    return late.select_related("resource__organisation", "initiative", "requested_by")


def do_send_reminders(*, now: dt.datetime | None = None) -> int:
    """One e-mail per late return to the person who requested it, counted on the booking and audited."""
    sent = 0
    for booking in late_bookings(now=now):
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk).update(reminders_sent=booking.reminders_sent + 1)
            record_event(
                actor=None, organisation=booking.resource.organisation, verb=CommunsVerb.RELANCE, target=str(booking)
            )
            body = (
                f"Bonjour,\n\n« {booking.resource.name} », réservé pour {booking.initiative.name}, devait être rendu "
                f"le {timezone.localtime(booking.ends_at):%d/%m/%Y à %H:%M}. Merci de le rapporter ou de prévenir "
                "son gestionnaire.\n"
            )
            transaction.on_commit(
                lambda b=booking, text=body: send_mail(
                    "Ressource-o-thèque : retour en retard", text, None, [b.requested_by.email]
                )
            )
        sent += 1
    return sent


def in_kind_by_year(initiative) -> dict[int, Decimal]:
    rows = (
        Booking.objects.filter(initiative=initiative, status__in=VALUED)
        .annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(total=Sum("value_eur"))
        .order_by("year")
    )
    return {row["year"]: row["total"] or Decimal(0) for row in rows}


def in_kind_rows(organisation, year: int) -> list[dict]:
    """Per initiative, the in-kind support of `year`: total in euros, bookings, first and last day."""
    grouped = defaultdict(list)
    bookings = Booking.objects.filter(
        resource__organisation=organisation, status__in=VALUED, starts_at__year=year
    ).select_related("initiative", "resource")
    for booking in bookings:
        grouped[booking.initiative].append(booking)
    return [
        {
            "initiative": initiative,
            "total": sum((b.value_eur for b in items), Decimal(0)),
            "count": len(items),
            "first": min(timezone.localtime(b.starts_at).date() for b in items),
            "last": max(timezone.localtime(b.ends_at).date() for b in items),
        }
        for initiative, items in sorted(grouped.items(), key=lambda pair: pair[0].name)
    ]


def shared_purchase_items(organisation) -> list[dict]:
    rows = Resource.objects.filter(organisation=organisation, purchase_value_eur__isnull=False).annotate(
        n_bookings=Count("bookings", filter=_valued()),
        n_initiatives=Count("bookings__initiative", filter=_valued(), distinct=True),
    )
    return [
        {
            "resource": r,
            "purchase_value_eur": r.purchase_value_eur,
            "bookings": r.n_bookings,
            "initiatives": r.n_initiatives,
        }
        for r in rows
    ]


def _valued():
    return Q(bookings__status__in=VALUED)
