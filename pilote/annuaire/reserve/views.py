"""Views of the reserve of public procurement: requests, suggested reservists, acceptance, follow-up, closing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.annuaire import permissions as perms, queries
from pilote.annuaire.models import ReservistRequest
from pilote.annuaire.reserve import queries as reserve_queries, services as reserve
from pilote.annuaire.reserve.forms import CloseForm, NoteForm, ReservistRequestForm
from pilote.annuaire.reserve.models import RequestStatus
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


@organisation_view(*perms.CAN_VIEW)
def reserve_home(request):
    organisation = request.organisation
    reservists = [p for p in queries.visible_people(organisation).filter(volunteer_reservist=True) if p.is_reservist]
    context = {
        "organisation": organisation,
        "requests": ReservistRequest.objects.filter(organisation=organisation).select_related("reservist"),
        "reservists": reservists,
        "can_manage": bool(request.roles & perms.CAN_MANAGE_RESERVE),
    }
    return render(request, "annuaire/reserve_home.html", context)


@organisation_view(*perms.CAN_MANAGE_RESERVE)
def request_create(request):
    form = ReservistRequestForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST":
        posted = submit(form, lambda data: reserve.do_post_request(request.organisation, actor=request.user, **data))
        if posted.ok:
            messages.success(request, "La demande est publiée : voici les réservistes qui y correspondent.")
            return redirect("annuaire:request_detail", slug=request.organisation.slug, request_id=posted.result.pk)
    return render(request, "annuaire/simple_form.html", {"form": form, "title": "Demander un·e réserviste"})


def _request(request, request_id) -> ReservistRequest:
    return get_object_or_404(ReservistRequest, organisation=request.organisation, pk=request_id)


@organisation_view(*perms.CAN_VIEW)
def request_detail(request, request_id):
    reservist_request = _request(request, request_id)
    is_open = reservist_request.status == RequestStatus.OUVERTE
    context = {
        "req": reservist_request,
        "skills": reservist_request.skills.all(),
        "suggestions": reserve_queries.suggest_reservists(reservist_request) if is_open else [],
        "notes": reservist_request.notes.select_related("author"),
        "can_manage": bool(request.roles & perms.CAN_MANAGE_RESERVE),
        "note_form": NoteForm(),
        "close_form": CloseForm(),
    }
    return render(request, "annuaire/request_detail.html", context)


@organisation_view(*perms.CAN_MANAGE_RESERVE)
@require_POST
def request_accept(request, request_id):
    reservist_request = _request(request, request_id)
    person = queries.visible_people(request.organisation).filter(pk=request.POST.get("person") or 0).first()
    try:
        if person is None:
            raise ValidationError("Choisissez un·e réserviste parmi les suggestions.")
        reserve.do_accept_request(reservist_request, reservist=person, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Mission confiée à {person}, prévenu·e par e-mail.")
    return redirect("annuaire:request_detail", slug=request.organisation.slug, request_id=reservist_request.pk)


@organisation_view(*perms.CAN_MANAGE_RESERVE)
@require_POST
def request_note(request, request_id):
    reservist_request = _request(request, request_id)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("La note de suivi est vide.")
        reserve.do_add_note(reservist_request, text=form.cleaned_data["text"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Note de suivi ajoutée.")
    return redirect("annuaire:request_detail", slug=request.organisation.slug, request_id=reservist_request.pk)


@organisation_view(*perms.CAN_MANAGE_RESERVE)
@require_POST
def request_close(request, request_id):
    reservist_request = _request(request, request_id)
    form = CloseForm(request.POST)
    feedback = form.cleaned_data["feedback"] if form.is_valid() else ""
    try:
        reserve.do_close_request(reservist_request, feedback=feedback, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La demande est close ; son bilan est conservé.")
    return redirect("annuaire:request_detail", slug=request.organisation.slug, request_id=reservist_request.pk)
