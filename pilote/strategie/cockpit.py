"""Assembles the cockpit of a strategy: each indicator's target and result per year (contract indicators computed
from the data, manual ones with their source), each lever's progress, the versions with their diffs. Nothing here
writes anything."""

from django.utils import timezone

from pilote.strategie import figures, links, queries, rules
from pilote.strategie.models import IndicatorKind, Strategy


def indicator_rows(strategy: Strategy) -> list[dict]:
    objective = strategy.objective
    last_year = min(objective.horizon, timezone.localdate().year)
    out = []
    for indicator in objective.indicators.prefetch_related("targets", "results"):
        targets = {t.year: t.value for t in indicator.targets.all()}
        manual = {r.year: r for r in indicator.results.all()}
        years = []
        for year in range(indicator.baseline_year, objective.horizon + 1):
            if indicator.kind == IndicatorKind.CONTRAT and year <= last_year:
                result = figures.contract_result(strategy.organisation, indicator, year)
                result["computed"] = True
            elif year in manual:
                result = {"value": manual[year].value, "note": f"source : {manual[year].source}", "computed": False}
            else:
                result = {"value": None, "note": "", "computed": False}
            years.append({"year": year, "target": targets.get(year), "result": result})
        out.append({"indicator": indicator, "years": years})
    return out


def lever_rows(strategy: Strategy) -> tuple[list[dict], float | None]:
    axes, weighted = [], []
    for axis in strategy.axes.prefetch_related("levers__instruments__links"):
        levers = []
        for lever in axis.levers.all():
            instruments = []
            for instrument in lever.instruments.all():
                contracts = [c for c in (links.contract_of(link) for link in instrument.links.all()) if c]
                instruments.append(
                    {
                        "instrument": instrument,
                        "contracts": contracts,
                        "annual_amount": instrument.annual_amount,
                        "status": instrument.status,
                        "contract_found": bool(contracts),
                    }
                )
            progress = rules.lever_progress(instruments)
            weighted.append((lever.weight, progress))
            levers.append({"lever": lever, "instruments": instruments, "progress": progress})
        axes.append({"axis": axis, "levers": levers})
    return axes, rules.strategy_progress(weighted)


def cockpit(strategy: Strategy) -> dict:
    axes, progress = lever_rows(strategy)
    return {
        "strategy": strategy,
        "objective": strategy.objective,
        "indicators": indicator_rows(strategy),
        "axes": axes,
        "progress": progress,
        "versions": queries.versions_with_diffs(strategy),
        "pending": queries.pending_changes(strategy),
    }
