"""Every write of objectives and strategies (`do_*`): atomic, validated, one audit row each. Sessions' writes are
in sessions.py, juries' in juries.py. Bad input raises a French ValidationError naming the field; nothing is saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.contracts.indicators import CATALOGUE
from pilote.core.services import record_event
from pilote.strategie import legal, links, rules
from pilote.strategie.audit import StrategieVerb
from pilote.strategie.models import (
    Axis,
    Comment,
    Indicator,
    IndicatorKind,
    Instrument,
    InstrumentLink,
    InstrumentStatus,
    Lever,
    ManualResult,
    ModellerSession,
    Objective,
    Strategy,
    StrategyVersion,
    Target,
)
from pilote.strategie.queries import snapshot_of


CONTRACT_CODES = {code: label for code, label, *_rest in CATALOGUE}
INSTRUMENT_FIELDS = (
    "kind",
    "label",
    "nature",
    "annual_amount",
    "start_year",
    "end_year",
    "carrier",
    "beneficiary_initiative",
    "ordered_by_organisation",
    "effects",
    "assumption",
)


def _save(obj, exclude=None):
    obj.full_clean(exclude=exclude)
    obj.save()
    return obj


# --- instruments: the legal route, checked as entered ---------------------------------------------------------


def checked_instrument(obj, organisation) -> None:
    """Validate an instrument (of a strategy or a scenario) and store its legal notes; ValidationError naming the
    field when the years are inverted or the kind contradicts its legal route."""
    if obj.start_year and obj.end_year and obj.end_year < obj.start_year:
        raise ValidationError({"end_year": "La dernière année précède la première."})
    check = legal.check_instrument(
        kind=obj.kind,
        total=obj.total,
        nature=obj.nature,
        buyer_kind=organisation.kind,
        on=timezone.localdate(),
        beneficiary_initiative=obj.beneficiary_initiative,
        ordered_by_organisation=obj.ordered_by_organisation,
    )
    if check.errors:
        raise ValidationError({"kind": check.errors})
    obj.legal_notes = check.notes


# --- objectives -----------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_objective(organisation, *, actor, title, territory, horizon, text="") -> Objective:
    objective = _save(
        Objective(
            organisation=organisation, title=title, text=text, territory=territory, horizon=horizon, created_by=actor
        )
    )
    record_event(actor=actor, organisation=organisation, verb=StrategieVerb.OBJECTIF_CREE, target=objective)
    return objective


@transaction.atomic
def do_add_indicator(objective, *, actor, targets: dict[int, float], **fields) -> Indicator:
    indicator = Indicator(objective=objective, **fields)
    if indicator.kind == IndicatorKind.CONTRAT:
        if indicator.contract_code not in CONTRACT_CODES:
            raise ValidationError({"contract_code": "Choisissez un indicateur calculé depuis les contrats."})
        indicator.source = indicator.source or "Données essentielles de la commande publique (DECP)"
    elif not indicator.source.strip():
        raise ValidationError({"source": "Un indicateur saisi à la main indique sa source."})
    if indicator.baseline_year and indicator.baseline_year > objective.horizon:
        raise ValidationError({"baseline_year": "L'année de référence dépasse l'horizon de l'objectif."})
    problems = rules.target_problems(indicator.baseline_year, objective.horizon, targets)
    if problems:
        raise ValidationError({"targets": problems})
    if not targets:
        raise ValidationError({"targets": "Fixez au moins une cible (année et valeur)."})
    _save(indicator)
    for year, value in sorted(targets.items()):
        _save(Target(indicator=indicator, year=year, value=value))
    record_event(
        actor=actor,
        organisation=objective.organisation,
        verb=StrategieVerb.INDICATEUR_AJOUTE,
        target=indicator,
        payload={"cibles": {str(y): v for y, v in targets.items()}},
    )
    return indicator


@transaction.atomic
def do_record_result(indicator, *, actor, year, value, source) -> ManualResult:
    if indicator.kind != IndicatorKind.MANUEL:
        raise ValidationError("Cet indicateur est calculé depuis les données des contrats : rien à saisir.")
    if not str(source).strip():
        raise ValidationError({"source": "Indiquez la source du résultat."})
    if year < indicator.baseline_year:
        raise ValidationError({"year": f"L'année précède l'année de référence ({indicator.baseline_year})."})
    result, _created = ManualResult.objects.update_or_create(
        indicator=indicator, year=year, defaults={"value": value, "source": source, "entered_by": actor}
    )
    record_event(
        actor=actor,
        organisation=indicator.objective.organisation,
        verb=StrategieVerb.RESULTAT_SAISI,
        target=indicator,
        payload={"annee": year, "valeur": value, "source": source},
    )
    return result


# --- strategies -----------------------------------------------------------------------------------------------


def _tree_from_items(strategy, items) -> None:
    for item in items:
        axis, _ = Axis.objects.get_or_create(strategy=strategy, title=item.axis)
        lever, _ = Lever.objects.get_or_create(axis=axis, title=item.lever)
        Instrument.objects.create(lever=lever, **{f: getattr(item, f) for f in (*INSTRUMENT_FIELDS, "legal_notes")})


@transaction.atomic
def do_adopt_scenario(scenario, *, actor, title, rationale) -> Strategy:
    """The scenario chosen by a finished session becomes a strategy (version 1)."""
    session = ModellerSession.objects.get(pk=scenario.session_id)
    if session.is_open or session.chosen_scenario_id != scenario.pk:
        raise ValidationError("Seul le scénario retenu par une séance terminée peut être adopté.")
    if Strategy.objects.filter(source_scenario=scenario).exists():
        raise ValidationError("Ce scénario a déjà été adopté.")
    if not str(rationale).strip():
        raise ValidationError({"rationale": "Indiquez le motif de l'adoption."})
    strategy = _save(
        Strategy(organisation=session.organisation, objective=session.objective, title=title, source_scenario=scenario)
    )
    _tree_from_items(strategy, scenario.items.all())
    StrategyVersion.objects.create(
        strategy=strategy, number=1, rationale=rationale, snapshot=snapshot_of(strategy), created_by=actor
    )
    record_event(
        actor=actor, organisation=strategy.organisation, verb=StrategieVerb.STRATEGIE_ADOPTEE, target=strategy
    )
    return strategy


@transaction.atomic
def do_add_instrument(strategy, *, actor, axis: str, lever: str, **fields) -> Instrument:
    """A change to the working tree of the strategy, published with the next revision."""
    if not str(axis).strip() or not str(lever).strip():
        raise ValidationError({"lever": "Indiquez l'axe et le levier de l'instrument."})
    instrument = Instrument(**fields)
    instrument.full_clean(exclude=["lever"])
    checked_instrument(instrument, strategy.organisation)
    axis_obj, _ = Axis.objects.get_or_create(strategy=strategy, title=axis.strip())
    instrument.lever, _ = Lever.objects.get_or_create(axis=axis_obj, title=lever.strip())
    instrument.save()
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_MODIFIEE,
        target=strategy,
        payload={"ajout": instrument.label, "montant_annuel": str(instrument.annual_amount)},
    )
    return instrument


@transaction.atomic
def do_remove_instrument(instrument, *, actor) -> None:
    strategy = instrument.lever.axis.strategy
    lever = instrument.lever
    label = instrument.label
    instrument.delete()
    if not lever.instruments.exists():
        axis = lever.axis
        lever.delete()
        if not axis.levers.exists():
            axis.delete()
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_MODIFIEE,
        target=strategy,
        payload={"retrait": label},
    )


@transaction.atomic
def do_set_instrument_status(instrument, *, actor, status) -> Instrument:
    if status not in InstrumentStatus.values:
        raise ValidationError({"status": "Avancement inconnu."})
    instrument.status = status
    instrument.save(update_fields=["status"])
    strategy = instrument.lever.axis.strategy
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_MODIFIEE,
        target=strategy,
        payload={"instrument": instrument.label, "avancement": status},
    )
    return instrument


@transaction.atomic
def do_set_lever_weight(lever, *, actor, weight) -> Lever:
    """The mediator's weight of a lever in the strategy's progress (0 leaves it out)."""
    if weight is None or weight < 0:
        raise ValidationError({"weight": "Le poids doit être un nombre positif ou nul."})
    lever.weight = weight
    lever.save(update_fields=["weight"])
    strategy = lever.axis.strategy
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_MODIFIEE,
        target=strategy,
        payload={"levier": lever.title, "poids": weight},
    )
    return lever


@transaction.atomic
def do_link_instrument(instrument, *, actor, kind, ref) -> InstrumentLink:
    strategy = instrument.lever.axis.strategy
    label = links.kind(kind).resolve(strategy.organisation, ref)
    if InstrumentLink.objects.filter(instrument=instrument, kind=kind, ref=str(ref).strip()).exists():
        raise ValidationError({"ref": "Ce lien existe déjà."})
    link = _save(InstrumentLink(instrument=instrument, kind=kind, ref=str(ref).strip(), label=label))
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_MODIFIEE,
        target=strategy,
        payload={"instrument": instrument.label, "lien": f"{kind}:{link.ref}"},
    )
    return link


@transaction.atomic
def do_revise_strategy(strategy, *, actor, rationale) -> StrategyVersion:
    """Publish the working tree as a new version with its rationale; refused when nothing changed."""
    if not str(rationale).strip():
        raise ValidationError({"rationale": "Indiquez le motif de la révision."})
    last = strategy.versions.select_for_update().order_by("-number").first()
    snapshot = snapshot_of(strategy)
    if last is not None and not rules.diff(last.snapshot, snapshot):
        raise ValidationError("Rien n'a changé depuis la dernière version : modifiez un instrument avant de réviser.")
    version = _save(
        StrategyVersion(
            strategy=strategy,
            number=(last.number if last else 0) + 1,
            rationale=rationale,
            snapshot=snapshot,
            created_by=actor,
        )
    )
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_REVISEE,
        target=strategy,
        payload={"version": version.number, "motif": rationale},
    )
    return version


@transaction.atomic
def do_set_strategy_public(strategy, *, actor, is_public: bool) -> Strategy:
    strategy.is_public = bool(is_public)
    strategy.save(update_fields=["is_public"])
    record_event(
        actor=actor,
        organisation=strategy.organisation,
        verb=StrategieVerb.STRATEGIE_PUBLIQUE,
        target=strategy,
        payload={"publique": strategy.is_public},
    )
    return strategy


@transaction.atomic
def do_comment(strategy, *, actor, stance, text) -> Comment:
    if not str(text).strip():
        raise ValidationError({"text": "Écrivez votre commentaire."})
    comment = _save(
        Comment(strategy=strategy, version=strategy.versions.first(), author=actor, stance=stance, text=text)
    )
    record_event(actor=actor, organisation=strategy.organisation, verb=StrategieVerb.COMMENTAIRE, target=strategy)
    return comment
