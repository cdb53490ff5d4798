"""Views of a resource: its calendar, booking requests, the manager's decisions, check-out and return, and
maintenance tickets. Thin: permission, form, service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.communs import board, legal, permissions as perms, services
from pilote.communs.forms import (
    BookingForm,
    CheckoutForm,
    DeliverForm,
    PhotoForm,
    RefuseForm,
    ReturnForm,
    TicketForm,
)
from pilote.communs.models import HOLDING, Booking, MaintenanceTicket, Resource
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


def _resource(request, ressource_id) -> Resource:
    return get_object_or_404(Resource, pk=ressource_id, organisation=request.organisation)


def _to_resource(request, resource):
    return redirect("communs:resource", slug=request.organisation.slug, ressource_id=resource.pk)


@organisation_view(*perms.CAN_VIEW)
def resource_detail(request, ressource_id, booking_form=None):
    resource = _resource(request, ressource_id)
    context = {
        "organisation": request.organisation,
        "resource": resource,
        "upcoming": resource.bookings.filter(status__in=HOLDING).select_related("initiative"),
        "past": resource.bookings.exclude(status__in=HOLDING).select_related("initiative").order_by("-starts_at")[:30],
        "tickets": resource.tickets.all(),
        "booking_form": booking_form or BookingForm(organisation=request.organisation),
        "checkout_form": CheckoutForm(),
        "return_form": ReturnForm(),
        "refuse_form": RefuseForm(),
        "ticket_form": TicketForm(),
        "deliver_form": DeliverForm(instance=resource),
        "photos": resource.photos.all(),
        "photo_form": PhotoForm(),
        "price_today": board.price_on(resource, timezone.localdate()),
        "can_request": bool(request.roles & perms.CAN_REQUEST),
        "can_manage": bool(request.roles & perms.CAN_MANAGE),
        "not_money": legal.NOT_MONEY,
        "now": timezone.now(),
    }
    return render(request, "communs/resource.html", context)


@organisation_view(*perms.CAN_REQUEST)
@require_POST
def booking_request(request, ressource_id):
    resource = _resource(request, ressource_id)
    form = BookingForm(request.POST, organisation=request.organisation)
    if submit(form, lambda data: services.do_request_booking(resource, actor=request.user, **data)).ok:
        messages.success(request, "Demande de réservation enregistrée : elle attend l'accord du gestionnaire.")
        return _to_resource(request, resource)
    return resource_detail.__wrapped__(request, ressource_id, booking_form=form)


def _approve(booking, request):
    return services.do_approve_booking(booking, actor=request.user), "Réservation approuvée : crédits débités."


def _refuse(booking, request):
    form = RefuseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return services.do_refuse_booking(booking, reason=reason, actor=request.user), "Réservation refusée ou annulée."


def _check_out(booking, request):
    form = CheckoutForm(request.POST)
    condition = form.cleaned_data["condition"] if form.is_valid() else ""
    return services.do_check_out(booking, condition=condition, actor=request.user), "Remise enregistrée."


def _return(booking, request):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Notez l'état de la ressource au retour.")
    booking = services.do_return_booking(booking, actor=request.user, **form.cleaned_data)
    suffix = " Ticket de maintenance ouvert : la ressource est hors service." if form.cleaned_data["problem"] else ""
    return booking, "Retour enregistré." + suffix


STEPS = {"approuver": _approve, "refuser": _refuse, "remettre": _check_out, "rendre": _return}


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def booking_update(request, reservation_id, etape):
    booking = get_object_or_404(
        Booking.objects.select_related("resource"), pk=reservation_id, resource__organisation=request.organisation
    )
    step = STEPS.get(etape)
    if step is None:
        raise Http404
    try:
        _, message = step(booking, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return _to_resource(request, booking.resource)


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def ticket_open(request, ressource_id):
    resource = _resource(request, ressource_id)
    form = TicketForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Décrivez le problème constaté.")
        services.do_open_ticket(resource, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ticket ouvert : la ressource est hors service jusqu'à sa clôture.")
    return _to_resource(request, resource)


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def ticket_close(request, ticket_id):
    ticket = get_object_or_404(MaintenanceTicket, pk=ticket_id, resource__organisation=request.organisation)
    try:
        services.do_close_ticket(ticket, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ticket clos.")
    return _to_resource(request, ticket.resource)
