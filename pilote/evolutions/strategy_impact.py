"""A proposal's effect on the strategy the contract serves (read only): the instruments of the organisation's
strategies linked to the contract's uid, and for each the lever's annual cost and progress before and after, computed
with pilote.strategie's own progress rule. A contract's amount change is spread over the instrument's years."""

from decimal import Decimal

from pilote.strategie import links, rules
from pilote.strategie.models import InstrumentLink


def _rows(lever, changed_pk=None, annual_delta=Decimal(0)):
    rows = []
    for instrument in lever.instruments.all():
        contracts = [c for c in (links.contract_of(link) for link in instrument.links.all()) if c]
        amount = instrument.annual_amount + (annual_delta if instrument.pk == changed_pk else 0)
        rows.append({"annual_amount": max(amount, Decimal(0)), "status": instrument.status,
                     "contract_found": bool(contracts)})  # fmt: skip
    return rows


def impacts(organisation, contrat_uid: str, amount_delta) -> list[dict]:
    if not contrat_uid or amount_delta is None:
        return []
    found = (
        InstrumentLink.objects.filter(kind="contrat", ref=contrat_uid, instrument__lever__axis__strategy__organisation=organisation)
        .select_related("instrument__lever__axis__strategy")
        .order_by("pk")
    )  # fmt: skip
    out = []
    for link in found:
        instrument = link.instrument
        lever = instrument.lever
        annual_delta = (Decimal(amount_delta) / instrument.years).quantize(Decimal(1))
        before, after = _rows(lever), _rows(lever, instrument.pk, annual_delta)
        out.append({
            "strategy": lever.axis.strategy, "lever": lever, "instrument": instrument, "annual_delta": annual_delta,
            "cost_before": sum(r["annual_amount"] for r in before), "cost_after": sum(r["annual_amount"] for r in after),
            "progress_before": rules.lever_progress(before), "progress_after": rules.lever_progress(after),
        })  # fmt: skip
    return out
