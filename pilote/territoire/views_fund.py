"""Write views of the local innovation fund: pools, contributions, calls, applications, forum sessions, committee
members, milestones. Thin: permission, form, service; errors shown in French on the page they came from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.strategie.models import Objective
from pilote.territoire import forms, fund, permissions as perms
from pilote.territoire.models import Actor, Call, Decision, Milestone, Pool
from pilote.ui.forms import submit_and_report


def _to_fund(request):
    return redirect("territoire:fund", slug=request.organisation.slug)


def _to_call(request, call):
    return redirect("territoire:call", slug=request.organisation.slug, appel_id=call.pk)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def pool_create(request):
    form = forms.PoolForm(request.POST)
    submit_and_report(
        request,
        form,
        lambda data: fund.do_create_pool(request.organisation, actor=request.user, **data),
        "Fonds créé.",
    )
    return _to_fund(request)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def contribution_add(request, fonds_id):
    pool = get_object_or_404(Pool, pk=fonds_id, organisation=request.organisation)
    form = forms.ContributionForm(request.POST)
    submit_and_report(
        request, form, lambda data: fund.do_add_contribution(pool, actor=request.user, **data), "Apport enregistré."
    )
    return _to_fund(request)


def objectives_of(organisation):
    return Objective.objects.filter(organisation=organisation)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def call_create(request, fonds_id):
    pool = get_object_or_404(Pool, pk=fonds_id, organisation=request.organisation)
    form = forms.CallForm(request.POST, objectives=objectives_of(request.organisation))
    opened = submit_and_report(
        request,
        form,
        lambda data: fund.do_open_call(request.organisation, actor=request.user, pool=pool, **data),
        "Appel à initiatives ouvert.",
    )
    return _to_call(request, opened.result) if opened.ok else _to_fund(request)


def _call(request, appel_id) -> Call:
    return get_object_or_404(Call, pk=appel_id, organisation=request.organisation)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def application_add(request, appel_id):
    call = _call(request, appel_id)
    form = forms.ApplicationForm(request.POST)
    submit_and_report(
        request, form, lambda data: fund.do_apply(call, actor=request.user, **data), "Candidature déposée."
    )
    return _to_call(request, call)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def forum_add(request, appel_id):
    call = _call(request, appel_id)
    form = forms.ForumForm(request.POST)

    def hold(data):
        pitched = list(call.applications.filter(pk__in=request.POST.getlist("pitchs")).order_by("pk"))
        return fund.do_hold_forum(call, actor=request.user, applications=pitched, **data)

    submit_and_report(request, form, hold, "Forum des initiatives locales enregistré.")
    return _to_call(request, call)


def carriers_of(call):
    return Actor.objects.filter(applications__call=call).distinct()


@organisation_view(*perms.CAN_EDIT)
@require_POST
def member_add(request, appel_id):
    call = _call(request, appel_id)
    form = forms.MemberForm(request.POST, carriers=carriers_of(call))
    submit_and_report(
        request,
        form,
        lambda data: fund.do_add_member(call, actor=request.user, **data),
        "Membre du comité ajouté, avec ses liens déclarés.",
    )
    return _to_call(request, call)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def milestone_add(request, decision_id):
    decision = get_object_or_404(Decision, pk=decision_id, application__call__organisation=request.organisation)
    form = forms.MilestoneForm(request.POST)
    submit_and_report(
        request,
        form,
        lambda data: fund.do_add_milestone(decision, actor=request.user, **data),
        "Jalon ajouté à l'échéancier.",
    )
    return _to_call(request, decision.application.call)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def milestone_follow(request, jalon_id):
    """Save a milestone's report; the "atteint" button (confirmed in the page) also marks it done."""
    milestone = get_object_or_404(Milestone.objects.select_related("decision__application__call"), pk=jalon_id,
                                  decision__application__call__organisation=request.organisation)  # fmt: skip
    done = request.POST.get("atteint") == "oui"
    try:
        if done and request.POST.get("confirmation") != "oui":
            raise ValidationError("Cochez la confirmation pour marquer le jalon comme atteint.")
        fund.do_follow_milestone(milestone, actor=request.user, report=request.POST.get("compte_rendu", ""),
                                 done=done or milestone.done)  # fmt: skip
        messages.success(request, "Jalon atteint." if done else "Compte rendu du jalon enregistré.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _to_call(request, milestone.decision.application.call)
