"""Views of objectives and strategies (the cockpit of the strategy, its revisions and deliberation, its public
view). Sessions are in views_session.py, juries in views_jury.py. Thin: permission, form, service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.models import Organisation
from pilote.core.permissions import organisation_view
from pilote.strategie import cockpit, links, permissions as perms, services
from pilote.strategie.forms import (
    CommentForm,
    IndicatorForm,
    InstrumentForm,
    LinkForm,
    ObjectiveForm,
    RationaleForm,
    ResultForm,
    SessionForm,
    StatusForm,
    WeightForm,
)
from pilote.strategie.models import Indicator, Instrument, Jury, Lever, ModellerSession, Objective, Strategy
from pilote.ui.forms import submit


def _objective(request, objectif_id) -> Objective:
    return get_object_or_404(Objective, pk=objectif_id, organisation=request.organisation)


def _strategy(request, strategie_id) -> Strategy:
    return get_object_or_404(
        Strategy.objects.select_related("objective"), pk=strategie_id, organisation=request.organisation
    )


def _instrument(request, instrument_strategie_id) -> Instrument:
    return get_object_or_404(
        Instrument.objects.select_related("lever__axis__strategy"),
        pk=instrument_strategie_id,
        lever__axis__strategy__organisation=request.organisation,
    )


def _to_strategy(request, strategy):
    return redirect("strategie:strategy", slug=request.organisation.slug, strategie_id=strategy.pk)


@organisation_view(*perms.CAN_VIEW)
def home(request):
    org = request.organisation
    context = {
        "organisation": org,
        "objectives": Objective.objects.filter(organisation=org),
        "strategies": Strategy.objects.filter(organisation=org).select_related("objective"),
        "sessions": ModellerSession.objects.filter(organisation=org).select_related("objective"),
        "juries": Jury.objects.filter(organisation=org) if request.roles & perms.CAN_MANAGE_JURY else None,
        "can_edit": bool(request.roles & perms.CAN_EDIT),
        "can_manage_jury": bool(request.roles & perms.CAN_MANAGE_JURY),
    }
    return render(request, "strategie/home.html", context)


@organisation_view(*perms.CAN_EDIT)
def objective_create(request):
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST":
        created = submit(
            form, lambda data: services.do_create_objective(request.organisation, actor=request.user, **data)
        )
        if created.ok:
            return redirect("strategie:objective", slug=request.organisation.slug, objectif_id=created.result.pk)
    return render(request, "strategie/objective_form.html", {"form": form, "organisation": request.organisation})


@organisation_view(*perms.CAN_VIEW)
def objective_detail(request, objectif_id):
    objective = _objective(request, objectif_id)
    return _objective_page(request, objective, IndicatorForm(), SessionForm())


def _objective_page(request, objective, indicator_form, session_form, status=200):
    context = {
        "organisation": request.organisation,
        "objective": objective,
        "indicators": objective.indicators.prefetch_related("targets"),
        "sessions": objective.sessions.all(),
        "strategies": objective.strategies.all(),
        "indicator_form": indicator_form,
        "session_form": session_form,
        "can_edit": bool(request.roles & perms.CAN_EDIT),
    }
    return render(request, "strategie/objective.html", context, status=status)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def indicator_add(request, objectif_id):
    objective = _objective(request, objectif_id)
    form = IndicatorForm(request.POST)
    if submit(form, lambda data: services.do_add_indicator(objective, actor=request.user, **data)).ok:
        messages.success(request, "Indicateur ajouté.")
        return redirect("strategie:objective", slug=request.organisation.slug, objectif_id=objective.pk)
    return _objective_page(request, objective, form, SessionForm(), status=400)


@organisation_view(*perms.CAN_VIEW)
def strategy_detail(request, strategie_id):
    strategy = _strategy(request, strategie_id)
    return _strategy_page(request, strategy)


def _strategy_page(request, strategy, status=200, **forms):
    objective = strategy.objective
    context = cockpit.cockpit(strategy) | {
        "organisation": request.organisation,
        "can_edit": bool(request.roles & perms.CAN_EDIT),
        "can_comment": bool(request.roles & perms.CAN_COMMENT),
        "instrument_form": forms.get("instrument_form") or InstrumentForm(indicators=objective.indicators.all()),
        "rationale_form": forms.get("rationale_form") or RationaleForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "result_form": forms.get("result_form") or ResultForm(),
        "link_form": LinkForm(kinds=links.link_kinds().values()),
        "status_form": StatusForm(),
        "comments": strategy.comments.select_related("author", "version"),
        "public": False,
    }
    return render(request, "strategie/strategy.html", context, status=status)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def instrument_add(request, strategie_id):
    strategy = _strategy(request, strategie_id)
    form = InstrumentForm(request.POST, indicators=strategy.objective.indicators.all())
    if submit(
        form, lambda _data: services.do_add_instrument(strategy, actor=request.user, **form.service_fields())
    ).ok:
        messages.success(request, "Instrument ajouté : publiez une révision pour l'inscrire dans une version.")
        return _to_strategy(request, strategy)
    return _strategy_page(request, strategy, status=400, instrument_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def instrument_remove(request, instrument_strategie_id):
    instrument = _instrument(request, instrument_strategie_id)
    strategy = instrument.lever.axis.strategy
    services.do_remove_instrument(instrument, actor=request.user)
    messages.success(request, "Instrument retiré : publiez une révision pour l'inscrire dans une version.")
    return _to_strategy(request, strategy)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def instrument_status(request, instrument_strategie_id):
    instrument = _instrument(request, instrument_strategie_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.do_set_instrument_status(instrument, actor=request.user, status=form.cleaned_data["status"])
    return _to_strategy(request, instrument.lever.axis.strategy)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def lever_weight(request, levier_id):
    lever = get_object_or_404(
        Lever.objects.select_related("axis__strategy"), pk=levier_id, axis__strategy__organisation=request.organisation
    )
    form = WeightForm(request.POST)
    if form.is_valid():
        services.do_set_lever_weight(lever, actor=request.user, weight=form.cleaned_data["weight"])
    else:
        messages.error(request, "Le poids doit être un nombre positif ou nul.")
    return _to_strategy(request, lever.axis.strategy)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def instrument_link(request, instrument_strategie_id):
    instrument = _instrument(request, instrument_strategie_id)
    form = LinkForm(request.POST, kinds=links.link_kinds().values())
    if form.is_valid():
        try:
            services.do_link_instrument(instrument, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Lien ajouté.")
    else:
        messages.error(request, "Choisissez le type de lien et indiquez la référence.")
    return _to_strategy(request, instrument.lever.axis.strategy)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def strategy_revise(request, strategie_id):
    strategy = _strategy(request, strategie_id)
    form = RationaleForm(request.POST)
    version = submit(form, lambda data: services.do_revise_strategy(strategy, actor=request.user, **data))
    if version.ok:
        messages.success(request, f"Version {version.result.number} publiée.")
        return _to_strategy(request, strategy)
    return _strategy_page(request, strategy, status=400, rationale_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def strategy_publish(request, strategie_id):
    strategy = _strategy(request, strategie_id)
    services.do_set_strategy_public(strategy, actor=request.user, is_public=request.POST.get("is_public") == "1")
    messages.success(request, "Vue publique activée." if strategy.is_public else "Vue publique retirée.")
    return _to_strategy(request, strategy)


@organisation_view(*perms.CAN_COMMENT)
@require_POST
def strategy_comment(request, strategie_id):
    strategy = _strategy(request, strategie_id)
    form = CommentForm(request.POST)
    if submit(form, lambda data: services.do_comment(strategy, actor=request.user, **data)).ok:
        return _to_strategy(request, strategy)
    return _strategy_page(request, strategy, status=400, comment_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def result_add(request, indicateur_id):
    indicator = get_object_or_404(Indicator, pk=indicateur_id, objective__organisation=request.organisation)
    strategy_id = request.POST.get("strategy", "")
    strategy = get_object_or_404(
        Strategy, pk=strategy_id if strategy_id.isdigit() else 0, objective=indicator.objective
    )
    form = ResultForm(request.POST)
    if submit(form, lambda data: services.do_record_result(indicator, actor=request.user, **data)).ok:
        messages.success(request, "Résultat enregistré.")
        return _to_strategy(request, strategy)
    return _strategy_page(request, strategy, status=400, result_form=form)


def public_strategy(request, slug, strategie_id):
    """Read-only, without login, when the organisation published the strategy: no personal data (no names of
    authors, commenters or jurors)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    strategy = get_object_or_404(Strategy, pk=strategie_id, organisation=organisation)
    if not strategy.is_public:
        raise Http404("Stratégie non publiée.")
    context = cockpit.cockpit(strategy) | {"organisation": organisation, "public": True}
    return render(request, "strategie/public_strategy.html", context)
