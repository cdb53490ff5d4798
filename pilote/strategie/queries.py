"""Reads of the strategy app that touch only its own models: a strategy's snapshot, the indicators' specs of an
objective, the scores of a session's scenarios."""

from pilote.strategie import rules
from pilote.strategie.models import Indicator, ModellerSession, Scenario, Strategy


def snapshot_of(strategy: Strategy) -> dict:
    """The strategy's tree as plain values (what a version stores and what diffs compare)."""
    axes = []
    for axis in strategy.axes.prefetch_related("levers__instruments"):
        levers = []
        for lever in axis.levers.all():
            instruments = [
                {
                    "label": i.label,
                    "kind": i.kind,
                    "kind_label": i.get_kind_display(),
                    "annual_amount": int(i.annual_amount),
                    "start_year": i.start_year,
                    "end_year": i.end_year,
                    "carrier": i.carrier,
                }
                for i in lever.instruments.all()
            ]
            levers.append({"title": lever.title, "weight": lever.weight, "instruments": instruments})
        axes.append({"title": axis.title, "levers": levers})
    return {"axes": axes}


def specs(objective) -> list[rules.IndicatorSpec]:
    """Each indicator of the objective with its baseline and its target at the horizon."""
    out = []
    for indicator in Indicator.objects.filter(objective=objective).prefetch_related("targets"):
        targets = {t.year: t.value for t in indicator.targets.all()}
        out.append(
            rules.IndicatorSpec(
                key=indicator.key,
                label=indicator.label,
                unit=indicator.unit,
                baseline=indicator.baseline_value,
                target=rules.target_for(targets, objective.horizon),
                higher_is_better=indicator.higher_is_better,
            )
        )
    return out


def _item_values(item) -> dict:
    return {"annual_amount": item.annual_amount, "effects": item.effects or {}}


def scenario_scores(session: ModellerSession) -> list[dict]:
    """Every scenario of the session with its live score (side-by-side comparison)."""
    indicator_specs = specs(session.objective)
    out = []
    for scenario in Scenario.objects.filter(session=session).prefetch_related("items"):
        items = list(scenario.items.all())
        out.append(
            {
                "scenario": scenario,
                "items": items,
                "score": rules.score(indicator_specs, [_item_values(i) for i in items], session.envelope),
                "votes": scenario.vote_set.count(),
            }
        )
    return out


def versions_with_diffs(strategy: Strategy) -> list[dict]:
    """Versions, newest first, each with the diff from the one before it."""
    versions = list(strategy.versions.prefetch_related("opinions__jury"))
    out = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = rules.diff(previous.snapshot, version.snapshot) if previous else []
        out.append({"version": version, "changes": changes})
    return out


def pending_changes(strategy: Strategy) -> list[dict]:
    """What the working tree changes since the last published version (to be published by a revision)."""
    last = strategy.versions.first()
    return rules.diff(last.snapshot if last else {}, snapshot_of(strategy))
