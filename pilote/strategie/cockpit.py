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


def _references(axes) -> dict[int, list[str]]:
    """Each instrument's contract references (uid or the DECP id of a fiche), read once for the whole tree."""
    return {
        instrument.pk: list(dict.fromkeys(c for c in (links.contract_of(k) for k in instrument.links.all()) if c))
        for axis in axes
        for lever in axis.levers.all()
        for instrument in lever.instruments.all()
    }


def _spending(rows, references: list[str], planned) -> dict | None:
    """The instrument's spending from its linked contracts (None without data or without links)."""
    if rows is None or not references:
        return None
    found = {r["contrat_uid"]: r for ref in references for r in figures.contracts_of_reference(rows, ref)}
    return rules.spending(list(found.values()), planned) | {
        "missing": sum(1 for ref in references if not figures.contracts_of_reference(rows, ref))
    }


def lever_rows(strategy: Strategy) -> tuple[list[dict], float | None]:
    tree = list(strategy.axes.prefetch_related("levers__instruments__links"))
    references = _references(tree)
    wanted = [ref for refs in references.values() for ref in refs]
    rows = figures.linked_contracts(strategy.organisation, wanted) if wanted else []
    axes, weighted = [], []
    for axis in tree:
        levers = []
        for lever in axis.levers.all():
            instruments = []
            for instrument in lever.instruments.all():
                contracts = references[instrument.pk]
                instruments.append(
                    {
                        "instrument": instrument,
                        "contracts": contracts,
                        "annual_amount": instrument.annual_amount,
                        "status": instrument.status,
                        "contract_found": bool(contracts),
                        "spending": _spending(rows, contracts, instrument.total),
                        "no_data": rows is None and bool(contracts),
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
