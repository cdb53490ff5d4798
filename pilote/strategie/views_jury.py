"""Views of the citizen jury: creation with quotas, volunteers, the seed published before the draw, the draw, the
replacements and the opinions. The volunteers' personal data are seen only by the support service and the
administrators (permissions.CAN_MANAGE_JURY)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.strategie import juries, juror_space, permissions as perms, sortition
from pilote.strategie.forms import JuryForm, OpinionForm, SeedForm, VolunteerForm
from pilote.strategie.models import Jury, JuryMember, Strategy, StrategyVersion, Volunteer
from pilote.ui.forms import add_service_errors


def _jury(request, jury_id) -> Jury:
    return get_object_or_404(Jury, pk=jury_id, organisation=request.organisation)


def _to_jury(request, jury):
    return redirect("strategie:jury", slug=request.organisation.slug, jury_id=jury.pk)


@organisation_view(*perms.CAN_MANAGE_JURY)
def jury_create(request):
    strategies = Strategy.objects.filter(organisation=request.organisation)
    form = JuryForm(request.POST or None, strategies=strategies)
    if request.method == "POST" and form.is_valid():
        try:
            jury = juries.do_create_jury(request.organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_jury(request, jury)
    return render(request, "strategie/jury_form.html", {"form": form, "organisation": request.organisation})


def _verification(jury) -> bool | None:
    """Whether redoing the draw from the revealed seed and the pool gives the same members (None before it)."""
    if not jury.drawn_at:
        return None
    try:
        again, _reserve = sortition.draw(juries.pool_of(jury), juries.quotas_of(jury), jury.size, jury.seed)
    except sortition.Infeasible:
        return False
    first = list(jury.members.filter(replaces__isnull=True).order_by("rank").values_list("volunteer_id", flat=True))
    return again == first


def _jury_page(request, jury, status=200, **forms):
    categories = sorted({q.category for q in jury.quotas.all()})
    versions = (
        StrategyVersion.objects.filter(strategy=jury.strategy) if jury.strategy_id else StrategyVersion.objects.none()
    )
    context = {
        "organisation": request.organisation,
        "jury": jury,
        "quotas": jury.quotas.all(),
        "volunteers": jury.volunteers.all(),
        "members": jury.members.select_related("volunteer", "replaces__volunteer"),
        "probabilities": {int(k): v for k, v in jury.probabilities.items()},
        "verified": _verification(jury),
        "opinions": jury.opinions.select_related("version"),
        "consolidation": juror_space.consolidation(jury),
        "volunteer_form": forms.get("volunteer_form") or VolunteerForm(categories=categories),
        "seed_form": forms.get("seed_form") or SeedForm(),
        "opinion_form": forms.get("opinion_form") or OpinionForm(versions=versions),
    }
    return render(request, "strategie/jury.html", context, status=status)


@organisation_view(*perms.CAN_MANAGE_JURY)
def jury_detail(request, jury_id):
    return _jury_page(request, _jury(request, jury_id))


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def volunteer_add(request, jury_id):
    jury = _jury(request, jury_id)
    form = VolunteerForm(request.POST, categories=sorted({q.category for q in jury.quotas.all()}))
    if form.is_valid():
        try:
            juries.do_add_volunteer(jury, actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Volontaire inscrit.")
            return _to_jury(request, jury)
    return _jury_page(request, jury, status=400, volunteer_form=form)


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def volunteer_erase(request, volontaire_id):
    volunteer = get_object_or_404(Volunteer, pk=volontaire_id, jury__organisation=request.organisation)
    juries.do_erase_volunteer(volunteer, actor=request.user)
    messages.success(request, "Données personnelles du volontaire effacées.")
    return _to_jury(request, volunteer.jury)


def _seed_action(request, jury_id, service, success):
    jury = _jury(request, jury_id)
    form = SeedForm(request.POST)
    if form.is_valid():
        try:
            service(jury, actor=request.user, seed=form.cleaned_data["seed"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return _to_jury(request, jury)
    return _jury_page(request, _jury(request, jury_id), status=400, seed_form=form)


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def seed_publish(request, jury_id):
    return _seed_action(
        request, jury_id, juries.do_publish_seed, "Empreinte de la graine publiée ; volontaires figés."
    )


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def jury_draw(request, jury_id):
    return _seed_action(request, jury_id, juries.do_draw_jury, "Jury tiré au sort.")


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def member_replace(request, membre_jury_id):
    member = get_object_or_404(JuryMember, pk=membre_jury_id, jury__organisation=request.organisation)
    try:
        juries.do_replace_member(member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Membre remplacé par le suivant de la liste de remplacement.")
    return _to_jury(request, member.jury)


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def opinion_add(request, jury_id):
    jury = _jury(request, jury_id)
    versions = (
        StrategyVersion.objects.filter(strategy=jury.strategy) if jury.strategy_id else StrategyVersion.objects.none()
    )
    form = OpinionForm(request.POST, versions=versions)
    if form.is_valid():
        try:
            juries.do_record_opinion(jury, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Avis du jury publié.")
            return _to_jury(request, jury)
    return _jury_page(request, jury, status=400, opinion_form=form)
