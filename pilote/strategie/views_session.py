"""Views of the modeller session. The organisation's pages (open a session, the facilitator's screen, the board
PDF, adoption) use organisation_view; the "atelier" pages are for participants on their phones: a member of the
organisation who joined, or an invited guest whose token (kept in their browser session) is valid for this
session only. The comparison is re-read by HTMX polling so that every screen follows the others' changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view, roles_in
from pilote.strategie import pdf, permissions as perms, queries, services, sessions, throttles
from pilote.strategie.forms import AdoptForm, InstrumentForm, JoinForm, ScenarioForm, SessionForm
from pilote.strategie.models import ModellerSession, Objective, Participant, Scenario, ScenarioItem
from pilote.ui.forms import add_service_errors


GUEST_KEY = "strategie_atelier_{}"


def _session(request, seance_id) -> ModellerSession:
    return get_object_or_404(ModellerSession, pk=seance_id, organisation=request.organisation)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def session_create(request, objectif_id):
    objective = get_object_or_404(Objective, pk=objectif_id, organisation=request.organisation)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = sessions.do_open_session(
                request.organisation, actor=request.user, objective=objective, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("strategie:session", slug=request.organisation.slug, seance_id=session.pk)
    else:
        messages.error(request, "Indiquez l'intitulé et l'enveloppe annuelle de la séance.")
    return redirect("strategie:objective", slug=request.organisation.slug, objectif_id=objective.pk)


@organisation_view(*perms.CAN_VIEW)
def session_detail(request, seance_id):
    session = _session(request, seance_id)
    join_url = request.build_absolute_uri(reverse("strategie:join", kwargs={"code": session.join_code}))
    context = {
        "organisation": request.organisation,
        "session": session,
        "join_url": join_url,
        "participants": session.participants.all(),
        "rows": queries.scenario_scores(session),
        "specs": queries.specs(session.objective),
        "notes": session.notes.all(),
        "rounds": session.rounds.all(),
        "adopt_form": AdoptForm(initial={"title": session.objective.title}),
        "adopted": session.chosen_scenario and session.chosen_scenario.strategy_set.first(),
        "can_edit": bool(request.roles & perms.CAN_EDIT),
    }
    return render(request, "strategie/session.html", context)


@organisation_view(*perms.CAN_VIEW)
def session_pdf(request, seance_id):
    session = _session(request, seance_id)
    response = HttpResponse(pdf.render_board(session, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plateau-seance-{session.pk}.pdf"'
    return response


@organisation_view(*perms.CAN_EDIT)
@require_POST
def session_adopt(request, seance_id):
    session = _session(request, seance_id)
    form = AdoptForm(request.POST)
    if form.is_valid() and session.chosen_scenario:
        try:
            strategy = services.do_adopt_scenario(session.chosen_scenario, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Stratégie adoptée (version 1).")
            return redirect("strategie:strategy", slug=request.organisation.slug, strategie_id=strategy.pk)
    else:
        messages.error(request, "Indiquez l'intitulé et le motif ; la séance doit avoir retenu un scénario.")
    return redirect("strategie:session", slug=request.organisation.slug, seance_id=session.pk)


# --- the participants' pages ("atelier") ----------------------------------------------------------------------


def _by_code(code) -> ModellerSession:
    return get_object_or_404(ModellerSession.objects.select_related("objective", "organisation"), join_code=code)


def _participant(request, session) -> Participant | None:
    if request.user.is_authenticated:
        found = Participant.objects.filter(session=session, user=request.user).first()
        if found:
            return found
    return sessions.guest_participant(session, request.session.get(GUEST_KEY.format(session.pk)))


def _member(request, session) -> bool:
    return bool(request.user.is_authenticated and roles_in(request.user, session.organisation))


def join(request, code):
    """Anyone with the session's code joins it: members of the organisation as themselves, others as guests
    (counted per address: a code cannot be guessed by trying)."""
    if not throttles.guest_allowed(request, "rejoindre"):
        return HttpResponse(throttles.TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    session = _by_code(code)
    if _participant(request, session):
        return redirect("strategie:play", code=code)
    initial = {"name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = request.user if _member(request, session) else None
        try:
            _participant_obj, token = sessions.do_join_session(session, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if token:
                request.session[GUEST_KEY.format(session.pk)] = token
            return redirect("strategie:play", code=code)
    return render(
        request, "strategie/join.html", {"session": session, "form": form}, status=400 if form.errors else 200
    )


def _next_year() -> int:
    return timezone.localdate().year + 1


def _play_context(request, session, participant, **forms):
    indicators = session.objective.indicators.all()
    return {
        "session": session,
        "participant": participant,
        "is_mediator": participant.role == "mediateur",
        "rows": queries.scenario_scores(session),
        "specs": queries.specs(session.objective),
        "scenario_form": forms.get("scenario_form") or ScenarioForm(),
        "item_form": forms.get("item_form")
        or InstrumentForm(indicators=indicators, initial={"start_year": _next_year(), "end_year": _next_year() + 2}),
        "item_scenario": forms.get("item_scenario"),
        "my_vote": session.votes.filter(participant=participant).values_list("scenario_id", flat=True).first(),
        "notes": session.notes.all(),
    }


def _require_participant(request, code):
    session = _by_code(code)
    participant = _participant(request, session)
    return session, participant


def play(request, code):
    session, participant = _require_participant(request, code)
    if participant is None:
        return redirect("strategie:join", code=code)
    return render(request, "strategie/play.html", _play_context(request, session, participant))


def comparison(request, code):
    session, participant = _require_participant(request, code)
    if participant is None:
        return HttpResponse(status=403)
    return render(request, "strategie/_comparison.html", _play_context(request, session, participant))


def _act(request, code, action):
    """Run a participant's action; a refused one comes back as a message on the table page."""
    session, participant = _require_participant(request, code)
    if participant is None:
        return redirect("strategie:join", code=code)
    try:
        action(session, participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("strategie:play", code=code)


@require_POST
def scenario_create(request, code):
    form = ScenarioForm(request.POST)

    def action(session, participant):
        if not form.is_valid():
            raise ValidationError("Donnez un nom au scénario.")
        sessions.do_create_scenario(session, participant=participant, **form.cleaned_data)

    return _act(request, code, action)


@require_POST
def item_add(request, code, scenario_id):
    session, participant = _require_participant(request, code)
    if participant is None:
        return redirect("strategie:join", code=code)
    scenario = get_object_or_404(Scenario, pk=scenario_id, session=session)
    form = InstrumentForm(request.POST, indicators=session.objective.indicators.all())
    if form.is_valid():
        try:
            sessions.do_add_item(scenario, participant=participant, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("strategie:play", code=code)
    context = _play_context(request, session, participant, item_form=form, item_scenario=scenario)
    return render(request, "strategie/play.html", context, status=400)


@require_POST
def item_remove(request, code, item_id):
    def action(session, participant):
        item = get_object_or_404(ScenarioItem, pk=item_id, scenario__session=session)
        sessions.do_remove_item(item, participant=participant)

    return _act(request, code, action)


@require_POST
def vote(request, code, scenario_id):
    def action(session, participant):
        scenario = get_object_or_404(Scenario, pk=scenario_id, session=session)
        sessions.do_vote(session, participant=participant, scenario=scenario)

    return _act(request, code, action)


@require_POST
def round_close(request, code):
    return _act(request, code, lambda session, participant: sessions.do_close_round(session, participant=participant))


@require_POST
def decide(request, code):
    def action(session, participant):
        chosen = request.POST.get("scenario", "")
        scenario = get_object_or_404(Scenario, pk=chosen, session=session) if chosen.isdigit() else None
        sessions.do_decide(session, participant=participant, scenario=scenario, text=request.POST.get("text", ""))

    return _act(request, code, action)


@require_POST
def note_add(request, code):
    return _act(
        request,
        code,
        lambda session, participant: sessions.do_add_note(
            session, participant=participant, text=request.POST.get("text", "")
        ),
    )
