"""Views of the théâtre des négociations: open a session (real contract or rehearsal), the shared screen with the
agenda, the proposals checked live and the minutes, and each role's private brief on its own page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.evolutions import permissions as perms, theatre
from pilote.evolutions.forms import NoteForm, SessionActivateForm, TheatreForm, TheatreProposalForm
from pilote.evolutions.models import EvolutionClause, Register, TheatreRole, TheatreSession
from pilote.ui.forms import add_service_errors


def _session(request, seance_theatre_id):
    return get_object_or_404(TheatreSession, pk=seance_theatre_id, organisation=request.organisation)


def _to(request, session):
    return redirect("evolutions:theatre", slug=request.organisation.slug, seance_theatre_id=session.pk)


@organisation_view(*perms.CAN_EDIT)
def theatre_create(request):
    organisation = request.organisation
    form = TheatreForm(request.POST or None, registers=Register.objects.filter(organisation=organisation),
                       clauses=EvolutionClause.objects.filter(organisation=organisation))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            session = theatre.do_open_session(organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to(request, session)
    status = 400 if request.method == "POST" else 200
    return render(request, "evolutions/theatre_form.html", {"form": form, "organisation": organisation}, status=status)


def _page(request, session, status=200, proposal_form=None, note_form=None, activate_form=None):
    roles = session.roles.all()
    context = {
        "organisation": request.organisation,
        "session": session,
        "roles": roles,
        "entries": session.entries.select_related("role"),
        "proposal_form": proposal_form or TheatreProposalForm(roles=roles),
        "note_form": note_form or NoteForm(roles=roles),
        "can_activate": bool(session.clause_id and session.register_id and not session.rehearsal),
        "activate_form": activate_form or SessionActivateForm(),
        "can_edit": request.roles & perms.CAN_EDIT,
    }
    return render(request, "evolutions/theatre.html", context, status=status)


@organisation_view(*perms.CAN_VIEW)
def theatre_detail(request, seance_theatre_id):
    return _page(request, _session(request, seance_theatre_id))


@organisation_view(*perms.CAN_VIEW)
def theatre_role(request, role_theatre_id):
    role = get_object_or_404(TheatreRole, pk=role_theatre_id, session__organisation=request.organisation)
    return render(request, "evolutions/theatre_role.html", {"organisation": request.organisation, "role": role})


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_propose(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = TheatreProposalForm(request.POST, roles=session.roles.all())
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not k.startswith("r7_")}
        try:
            theatre.do_table_proposal(session, actor=request.user, answers=form.answers(), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to(request, session)
    return _page(request, session, status=400, proposal_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_note(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = NoteForm(request.POST, roles=session.roles.all())
    if form.is_valid():
        try:
            theatre.do_add_note(session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to(request, session)
    return _page(request, session, status=400, note_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_activate(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = SessionActivateForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not k.startswith("r7_")}
        try:
            theatre.do_activate_in_session(session, actor=request.user, answers=form.answers(), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Clause activée : la modification proposée est au registre.")
            return _to(request, session)
    return _page(request, session, status=400, activate_form=form)
