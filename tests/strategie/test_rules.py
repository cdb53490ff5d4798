from decimal import Decimal

import pytest

from pilote.strategie import legal, rules
from pilote.strategie.legal import InstrumentKind


D = Decimal


def check(**kw):
    base = {
        "kind": InstrumentKind.MARCHE,
        "total": D(100_000),
        "nature": "fournitures",
        "buyer_kind": "commune",
        "on": __import__("datetime").date(2026, 6, 1),
        "beneficiary_initiative": False,
        "ordered_by_organisation": True,
    }
    return legal.check_instrument(**(base | kw))


def test_subsidy_for_a_service_the_organisation_orders_is_refused():
    result = check(kind=InstrumentKind.SUBVENTION, beneficiary_initiative=True, ordered_by_organisation=True)
    assert not result.ok
    assert "marché public" in result.errors[0]


def test_subsidy_needs_the_beneficiary_initiative_and_an_agreement_above_23k():
    refused = check(kind=InstrumentKind.SUBVENTION, ordered_by_organisation=False)
    assert any("initiative du bénéficiaire" in e for e in refused.errors)
    fine = check(kind=InstrumentKind.SUBVENTION, beneficiary_initiative=True, ordered_by_organisation=False)
    assert fine.ok
    assert "convention est obligatoire" in fine.notes[0]
    small = check(
        kind=InstrumentKind.SUBVENTION, total=D(23_000), beneficiary_initiative=True, ordered_by_organisation=False
    )
    assert small.ok
    assert small.notes == []


@pytest.mark.parametrize(("total", "ok"), [(D(99_999), True), (D(100_000), False), (D(250_000), False)])
def test_innovative_purchase_is_limited_to_its_dated_threshold(total, ok):
    assert check(kind=InstrumentKind.ACHAT_INNOVANT, total=total).ok is ok


def test_innovative_purchase_threshold_is_dated():
    with pytest.raises(legal.seuils.UnknownThreshold):
        legal.threshold("achat_innovant", __import__("datetime").date(2017, 1, 1))


def test_public_contract_route_follows_the_thresholds_of_the_day():
    import datetime as dt

    assert "sans publicité" in check(total=D(30_000)).notes[0]
    assert "procédure adaptée" in check(total=D(100_000)).notes[0]
    assert "procédure formalisée" in check(total=D(300_000)).notes[0]
    # 2025: the no-procedure threshold was still 40 000 €
    assert "procédure adaptée" in check(total=D(50_000), on=dt.date(2025, 6, 1)).notes[0]
    assert "sans publicité" in check(total=D(50_000), on=dt.date(2026, 6, 1)).notes[0]


def test_target_before_or_at_the_baseline_is_refused():
    problems = rules.target_problems(2024, 2030, {2023: 10, 2024: 12, 2027: 30, 2031: 40})
    assert len(problems) == 3
    assert problems[0].startswith("Cible 2023")
    assert "horizon" in problems[2]
    assert rules.target_problems(2024, 2030, {2025: 1, 2030: 2}) == []


def test_score_projects_effects_caps_shares_and_flags_the_envelope():
    spec = rules.IndicatorSpec("i1", "Local", "%", baseline=20, target=50)
    items = [{"annual_amount": D(80_000), "effects": {"i1": 20}}, {"annual_amount": D(40_000), "effects": {"i1": 100}}]
    result = rules.score([spec], items, D(100_000))
    assert result["indicators"][0]["value"] == 100
    assert result["indicators"][0]["progress"] == 1
    assert result["over_envelope"] is True
    half = rules.score([spec], items[:1], D(100_000))
    assert half["indicators"][0]["progress"] == pytest.approx(20 / 30)
    assert rules.envelope_problem(D(100_000), D(120_000)).startswith("Le scénario coûterait 120 000 €")


def test_diff_names_added_removed_and_changed_instruments():
    def tree(amount, extra=False):
        instruments = [{"label": "Marché bio", "kind_label": "Marché public", "annual_amount": amount}]
        if extra:
            instruments.append({"label": "Subvention légumerie", "kind_label": "Subvention", "annual_amount": 20000})
        return {
            "axes": [{"title": "Achats", "levers": [{"title": "Allotir", "weight": 1, "instruments": instruments}]}]
        }

    changes = rules.diff(tree(50000), tree(60000, extra=True))
    assert [c["change"] for c in changes] == ["modifié", "ajouté"]
    assert changes[0]["details"] == ["coût annuel : 50000 → 60000"]
    assert rules.diff(tree(1, extra=True), tree(1)) == [
        {"change": "retiré", "path": "Achats › Allotir › Subvention légumerie", "details": []}
    ]
    assert rules.diff(tree(1), tree(1)) == []


def test_lever_progress_is_weighted_by_cost_and_counts_a_found_contract_as_done():
    instruments = [
        {"annual_amount": 30, "status": "realise"},
        {"annual_amount": 10, "status": "prevu"},
        {"annual_amount": 60, "status": "prevu", "contract_found": True},
    ]
    assert rules.lever_progress(instruments) == pytest.approx(0.9)
    assert rules.lever_progress([]) is None
    assert rules.strategy_progress([(1, 1.0), (3, 0.0), (2, None)]) == pytest.approx(0.25)
