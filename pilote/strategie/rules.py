"""Pure rules of the strategy: targets, scenario scores, the envelope, the diff between two versions, the progress
of a lever. No database, no request: the services and views call them with plain values."""

from dataclasses import dataclass
from decimal import Decimal


# --- targets ------------------------------------------------------------------------------------------------


def target_problems(baseline_year: int, horizon: int, targets: dict[int, object]) -> list[str]:
    """French messages for targets that cannot be: a target year before the baseline or after the horizon."""
    problems = []
    for year in sorted(targets):
        if year <= baseline_year:
            problems.append(
                f"Cible {year} : l'année doit suivre l'année de référence ({baseline_year}) ; "
                "une cible ne peut pas précéder la situation de départ."
            )
        elif year > horizon:
            problems.append(f"Cible {year} : l'année dépasse l'horizon de l'objectif ({horizon}).")
    return problems


def target_for(targets: dict[int, float], year: int) -> float | None:
    """The target of `year`, else the latest target before it (a target holds until the next one)."""
    years = [y for y in targets if y <= year]
    return targets[max(years)] if years else None


# --- scenarios ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    label: str
    unit: str
    baseline: float
    target: float | None  # the target at the horizon
    higher_is_better: bool = True


def projected(spec: IndicatorSpec, effects: list[float]) -> float:
    """Baseline plus the declared effects; a share (unit %) stays between 0 and 100."""
    value = spec.baseline + sum(effects)
    if spec.unit == "%":
        value = min(100.0, max(0.0, value))
    return value


def progress(spec: IndicatorSpec, value: float) -> float | None:
    """How far `value` goes from the baseline towards the target (0 = baseline, 1 = target reached), capped."""
    if spec.target is None or spec.target == spec.baseline:
        return None
    share = (value - spec.baseline) / (spec.target - spec.baseline)
    return max(0.0, min(1.0, share))


def score(specs: list[IndicatorSpec], items: list[dict], envelope: Decimal | None) -> dict:
    """A scenario's score: each indicator projected from the items' declared effects (`effects`: {key: value}),
    the annual cost against the envelope, and the items whose legal check failed."""
    rows = []
    for spec in specs:
        value = projected(spec, [float(item["effects"].get(spec.key, 0) or 0) for item in items])
        rows.append({"spec": spec, "value": value, "progress": progress(spec, value)})
    cost = sum((Decimal(item["annual_amount"]) for item in items), Decimal(0))
    known = [row["progress"] for row in rows if row["progress"] is not None]
    return {
        "indicators": rows,
        "annual_cost": cost,
        "envelope": envelope,
        "over_envelope": envelope is not None and cost > envelope,
        "mean_progress": sum(known) / len(known) if known else None,
        "legal_errors": sum(len(item.get("legal_errors", [])) for item in items),
    }


def envelope_problem(envelope: Decimal | None, cost: Decimal) -> str | None:
    if envelope is not None and cost > envelope:
        return (
            f"Le scénario coûterait {cost:,.0f} € par an, au-delà de l'enveloppe de {envelope:,.0f} € : "
            "réduisez un montant ou retirez un instrument."
        ).replace(",", " ")
    return None


# --- versions -----------------------------------------------------------------------------------------------

DIFF_FIELDS = {
    "kind_label": "type",
    "annual_amount": "coût annuel",
    "start_year": "début",
    "end_year": "fin",
    "carrier": "porteur",
    "weight": "poids",
}


def _flatten(snapshot: dict) -> dict[str, dict]:
    """{"Axe › Levier › Instrument": fields} of a version's tree (levers too, for their weight)."""
    out = {}
    for axis in snapshot.get("axes", []):
        out[axis["title"]] = {}
        for lever in axis.get("levers", []):
            lever_path = f"{axis['title']} › {lever['title']}"
            out[lever_path] = {"weight": lever.get("weight")}
            for instrument in lever.get("instruments", []):
                fields = {k: instrument.get(k) for k in DIFF_FIELDS if k != "weight"}
                out[f"{lever_path} › {instrument['label']}"] = fields
    return out


def diff(before: dict, after: dict) -> list[dict]:
    """What changed between two snapshots: {"change": ajouté|retiré|modifié, "path", "details": [...]}, in the
    order of the tree."""
    old, new = _flatten(before), _flatten(after)
    changes = []
    for path, fields in new.items():
        if path not in old:
            changes.append({"change": "ajouté", "path": path, "details": []})
            continue
        details = [
            f"{DIFF_FIELDS[key]} : {old[path].get(key)} → {value}"
            for key, value in fields.items()
            if old[path].get(key) != value
        ]
        if details:
            changes.append({"change": "modifié", "path": path, "details": details})
    changes += [{"change": "retiré", "path": path, "details": []} for path in old if path not in new]
    return changes


# --- lever progress -----------------------------------------------------------------------------------------

STATUS_PROGRESS = {"prevu": 0.0, "engage": 0.5, "realise": 1.0}


def lever_progress(instruments: list[dict]) -> float | None:
    """Progress of a lever: its instruments' progress (planned 0, engaged ½, done or with its contract in the
    data 1) weighted by their annual cost (equal weights when every cost is zero)."""
    if not instruments:
        return None
    weights = [float(i["annual_amount"]) for i in instruments]
    if not any(weights):
        weights = [1.0] * len(instruments)
    done = [1.0 if i.get("contract_found") else STATUS_PROGRESS.get(i["status"], 0.0) for i in instruments]
    return sum(w * d for w, d in zip(weights, done, strict=True)) / sum(weights)


def strategy_progress(levers: list[tuple[float, float | None]]) -> float | None:
    """Progress of the strategy: (weight, progress) of each lever, weighted by the mediator's weights."""
    known = [(w, p) for w, p in levers if p is not None and w > 0]
    total = sum(w for w, _ in known)
    return sum(w * p for w, p in known) / total if total else None


# --- spending from the contract data ------------------------------------------------------------------------


def spending(contracts: list[dict], planned) -> dict:
    """What an instrument's linked contracts say (rows of pilote.contracts.strategy_reads): their initial and
    final amounts (final = the last amount a modification states, else the initial one), the share with a social
    or environmental consideration, the average offers received, and the final spending against the planned cost
    (`planned`: the instrument's cost over its years). Unknown parts are None, never 0."""
    initial = [Decimal(str(c["montant"])) for c in contracts if c.get("montant") is not None]
    finals = [
        Decimal(str(c["montant_final"] if c.get("montant_final") is not None else c["montant"]))
        for c in contracts
        if c.get("montant_final") is not None or c.get("montant") is not None
    ]
    offers = [c["offres_recues"] for c in contracts if c.get("offres_recues")]
    count = len(contracts)
    final = sum(finals) if finals else None
    planned = Decimal(str(planned)) if planned else None
    return {
        "count": count,
        "initial": sum(initial) if initial else None,
        "final": final,
        "modified": any(c.get("montant_final") is not None for c in contracts),
        "social_share": round(100 * sum(1 for c in contracts if c.get("soc")) / count, 1) if count else None,
        "environmental_share": round(100 * sum(1 for c in contracts if c.get("env")) / count, 1) if count else None,
        "average_offers": round(sum(offers) / len(offers), 1) if offers else None,
        "planned": planned,
        "consumed": round(float(final / planned) * 100, 1) if final is not None and planned else None,
    }
