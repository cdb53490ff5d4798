"""Views of the territory and of its local innovation fund. Thin: permission, form, service."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import tabular
from pilote.core.models import Organisation
from pilote.core.permissions import organisation_view
from pilote.territoire import (
    entry,
    exports,
    forms,
    fund,
    map as territory_map,
    permissions as perms,
    rules,
    services,
    views_fund,
)
from pilote.territoire.models import Actor, Application, Call, CommitteeMember, Decision, LegalRoute, Pool
from pilote.territoire.themes import label


def _errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _home(request):
    return redirect("territoire:home", slug=request.organisation.slug)


@organisation_view(*perms.CAN_VIEW)
def home(request):
    data = territory_map.territory(request.organisation)
    return render(request, "territoire/home.html", {
        "organisation": request.organisation,
        **data, "layouts": services.LAYOUTS, "can_edit": request.roles & perms.CAN_EDIT,
        "actor_form": entry.ActorForm(), "scheme_form": entry.SchemeForm(),
        "actors": Actor.objects.filter(organisation=request.organisation, merged_into=None)
        .prefetch_related("sources")[:200],
    })  # fmt: skip


@organisation_view(*perms.CAN_EDIT)
@require_POST
def import_file(request):
    upload = request.FILES.get("fichier")
    try:
        if upload is None:
            raise ValidationError("Choisissez un fichier CSV.")
        text = services.read_upload(upload)
        summary = services.do_import(request.organisation, actor=request.user, layout=request.POST.get("layout", ""),
                                     text=text, filename=upload.name)  # fmt: skip
        messages.success(request, summary)
    except ValidationError as error:
        _errors(request, error)
    return _home(request)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def merge(request):
    actors = Actor.objects.filter(organisation=request.organisation)
    try:
        kept = actors.filter(pk=int(request.POST.get("garde", 0))).first()
        duplicate = actors.filter(pk=int(request.POST.get("doublon", 0))).first()
    except ValueError:
        kept = duplicate = None
    try:
        if not kept or not duplicate:
            raise ValidationError("Choisissez deux acteurs de l'organisation.")
        services.do_merge_actors(kept, duplicate, actor=request.user)
        messages.success(request, f"« {duplicate.name} » fusionné dans « {kept.name} » ; ses sources sont gardées.")
    except ValidationError as error:
        _errors(request, error)
    return _home(request)


@organisation_view(*perms.CAN_VIEW)
def export_schemes(request):
    return tabular.csv_text_response("dispositifs-aide.csv", exports.schemes_text(request.organisation))


@organisation_view(*perms.CAN_VIEW)
def export_scdl(request):
    return tabular.csv_text_response("subventions-fil-scdl.csv", exports.scdl_text(request.organisation))


@organisation_view(*perms.CAN_VIEW)
def fund_home(request):
    pools = Pool.objects.filter(organisation=request.organisation).prefetch_related("contributions", "calls")
    return render(request, "territoire/fund.html", {
        "organisation": request.organisation,
        "pools": [{"pool": p, "remaining": fund.remaining(p)} for p in pools],
        "can_edit": request.roles & perms.CAN_EDIT, "pool_form": forms.PoolForm(auto_id="fonds_%s"),
        "contribution_form": forms.ContributionForm(auto_id="apport_%s"),
        "call_form": forms.CallForm(auto_id="appel_%s", objectives=views_fund.objectives_of(request.organisation)),
    })  # fmt: skip


def _call(request, appel_id) -> Call:
    return get_object_or_404(Call, pk=appel_id, organisation=request.organisation)


@organisation_view(*perms.CAN_VIEW)
def call_detail(request, appel_id):
    call = _call(request, appel_id)
    applications = call.applications.select_related("carrier").prefetch_related("scores")
    rows = []
    for application in applications:
        decision = Decision.objects.filter(application=application).select_related("fiche").first()
        amount = application.requested
        rows.append({"application": application, "score": fund.weighted_score(application), "decision": decision,
                     "matched": rules.grant_limit(call.pool, application.contributions()),
                     "routes": rules.labelled_routes(from_carrier=application.from_carrier, amount=amount,
                                            on=call.closes_on)})  # fmt: skip
    return render(request, "territoire/call.html", {
        "organisation": request.organisation,
        "call": call, "rows": rows, "forums": call.forums.prefetch_related("pitches__application"),
        "committee": call.committee.prefetch_related("conflicts"), "themes": [label(t) for t in call.themes],
        "route_choices": LegalRoute.choices, "can_edit": request.roles & perms.CAN_EDIT,
        "application_form": forms.ApplicationForm(), "forum_form": forms.ForumForm(),
        "member_form": forms.MemberForm(carriers=views_fund.carriers_of(call)), "milestone_form": forms.MilestoneForm(),
    })  # fmt: skip


def _application(request, candidature_id) -> Application:
    return get_object_or_404(Application.objects.select_related("call", "carrier"), pk=candidature_id,
                             call__organisation=request.organisation)  # fmt: skip


def _to_call(request, application):
    return redirect("territoire:call", slug=request.organisation.slug, appel_id=application.call_id)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def score(request, candidature_id):
    application = _application(request, candidature_id)
    member = CommitteeMember.objects.filter(call=application.call, pk=request.POST.get("membre") or 0).first()
    try:
        if member is None:
            raise ValidationError("Choisissez un membre du comité.")
        values = {c["code"]: int(request.POST.get(c["code"], "")) for c in application.call.criteria}
        fund.do_score(application, actor=request.user, member=member, values=values)
        messages.success(request, f"Notes de {member.name} enregistrées.")
    except ValueError:
        messages.error(request, "Notez chaque critère publié de 0 à 5.")
    except ValidationError as error:
        _errors(request, error)
    return _to_call(request, application)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def decide(request, candidature_id):
    application = _application(request, candidature_id)
    selected = request.POST.get("retenue") == "oui"
    try:
        amount = Decimal(request.POST.get("montant") or "0") if selected else Decimal(0)
        decision = fund.do_decide(application, actor=request.user, selected=selected,
                                  reasons=request.POST.get("motifs", ""), amount=amount,
                                  route=request.POST.get("voie", ""))  # fmt: skip
        messages.success(request, "Décision enregistrée." + (" Une fiche visa a été préparée en brouillon."
                                                               if decision.fiche_id else ""))  # fmt: skip
    except InvalidOperation:
        messages.error(request, "Le montant attribué n'est pas un nombre.")
    except ValidationError as error:
        _errors(request, error)
    return _to_call(request, application)


def public_fund(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    pools = Pool.objects.filter(organisation=organisation, is_public=True).prefetch_related("calls", "contributions")
    if not pools:
        raise Http404("Aucun fonds public")
    decisions = Decision.objects.filter(application__call__pool__in=pools, selected=True).select_related(
        "application__carrier", "application__call"
    )
    return render(request, "territoire/public_fund.html", {"organisation": organisation, "pools": pools,
                                                          "decisions": decisions, "public": True})  # fmt: skip
