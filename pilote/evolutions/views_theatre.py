"""Views of the théâtre des négociations: open a session (real contract or rehearsal), the shared screen with the
agenda, the proposals checked live and the minutes, and each role's private brief on its own page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.evolutions import permissions as perms, strategy_impact, theatre
from pilote.evolutions.forms import NoteForm, SessionActivateForm, TheatreForm, TheatreProposalForm
from pilote.evolutions.models import EvolutionClause, Register, TheatreRole, TheatreSession
from pilote.ui.forms import submit


def _session(request, seance_theatre_id):
    return get_object_or_404(TheatreSession, pk=seance_theatre_id, organisation=request.organisation)


def _to(request, session):
    return redirect("evolutions:theatre", slug=request.organisation.slug, seance_theatre_id=session.pk)


def _fields(data):
    """The form's data for the service, without the R7 answers (passed apart, as `answers`)."""
    return {k: v for k, v in data.items() if not k.startswith("r7_")}


@organisation_view(*perms.CAN_EDIT)
def theatre_create(request):
    organisation = request.organisation
    form = TheatreForm(request.POST or None, registers=Register.objects.filter(organisation=organisation),
                       clauses=EvolutionClause.objects.filter(organisation=organisation))  # fmt: skip
    if request.method == "POST":
        opened = submit(form, lambda data: theatre.do_open_session(organisation, actor=request.user, **data))
        if opened.ok:
            return _to(request, opened.result)
    status = 400 if request.method == "POST" else 200
    return render(request, "evolutions/theatre_form.html", {"form": form, "organisation": organisation}, status=status)


def _with_impacts(session):
    """Each proposal with its effect on the strategy the contract serves (none in a rehearsal)."""
    entries = list(session.entries.select_related("role"))
    uid = session.register.contrat_uid if session.register_id and not session.rehearsal else ""
    for entry in entries:
        entry.strategy_impacts = (
            strategy_impact.impacts(session.organisation, uid, entry.amount_delta) if entry.ground else []
        )
    return entries


def _page(request, session, status=200, proposal_form=None, note_form=None, activate_form=None):
    roles = session.roles.all()
    context = {
        "organisation": request.organisation,
        "session": session,
        "roles": roles,
        "entries": _with_impacts(session),
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
def theatre_my_brief(request, seance_theatre_id):
    """The private briefs of the roles the signed-in member holds in this session, and no other: there is no
    address for another player's brief (a guest reads theirs through a per-player link)."""
    session = _session(request, seance_theatre_id)
    held = session.roles.filter(member=request.user)
    context = {"organisation": request.organisation, "session": session, "held": held}
    return render(request, "evolutions/theatre_role.html", context)


@never_cache
def theatre_brief(request, token):
    """A guest player's private brief, reached by the per-player link (the token is stored hashed)."""
    role = theatre.guest_role(token)
    if role is None:
        raise Http404
    response = render(
        request, "evolutions/theatre_role.html", {"session": role.session, "held": [role], "guest": True}
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_role_link(request, role_theatre_id):
    role = get_object_or_404(TheatreRole, pk=role_theatre_id, session__organisation=request.organisation)
    try:
        token = theatre.do_issue_guest_link(role, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        link = request.build_absolute_uri(reverse("evolutions:theatre_brief", kwargs={"token": token}))
        messages.success(request, f"Lien privé pour {role.player} (affiché une seule fois, à lui remettre) : {link}")
    return _to(request, role.session)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_propose(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = TheatreProposalForm(request.POST, roles=session.roles.all())
    if submit(
        form,
        lambda data: theatre.do_table_proposal(session, actor=request.user, answers=form.answers(), **_fields(data)),
    ).ok:
        return _to(request, session)
    return _page(request, session, status=400, proposal_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_note(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = NoteForm(request.POST, roles=session.roles.all())
    if submit(form, lambda data: theatre.do_add_note(session, actor=request.user, **data)).ok:
        return _to(request, session)
    return _page(request, session, status=400, note_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def theatre_activate(request, seance_theatre_id):
    session = _session(request, seance_theatre_id)
    form = SessionActivateForm(request.POST)
    if submit(
        form,
        lambda data: theatre.do_activate_in_session(
            session, actor=request.user, answers=form.answers(), **_fields(data)
        ),
    ).ok:
        messages.success(request, "Clause activée : la modification proposée est au registre.")
        return _to(request, session)
    return _page(request, session, status=400, activate_form=form)
