from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.strategie import queries, services, sessions
from pilote.strategie.models import Indicator, Instrument, Objective, ScenarioItem, Strategy, Target
from tests.strategie import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def test_objective_with_indicators_and_targets(org_a, buyer):
    _objective, local, social = helpers.objective(org_a, buyer)
    assert list(local.targets.values_list("year", "value")) == [(2027, 35), (2030, 50)]
    assert social.source.startswith("Données essentielles")
    assert AuditEvent.objects.filter(verb="strategie.indicateur_ajoute").count() == 2


def test_target_before_the_baseline_saves_nothing(org_a, buyer):
    objective, *_ = helpers.objective(org_a, buyer)
    with pytest.raises(ValidationError) as error:
        services.do_add_indicator(
            objective,
            actor=buyer,
            label="Heures d'insertion",
            kind="manuel",
            source="Facilitateur",
            unit="heures",
            baseline_year=2024,
            baseline_value=1000,
            targets={2026: 2000, 2023: 500},
        )
    assert "Cible 2023" in str(error.value)
    assert not Indicator.objects.filter(label="Heures d'insertion").exists()
    assert Target.objects.count() == 3


def test_manual_indicator_needs_a_source_and_contract_indicator_a_known_code(org_a, buyer):
    objective, *_ = helpers.objective(org_a, buyer)
    base = {"unit": "%", "baseline_year": 2024, "baseline_value": 1, "targets": {2030: 2}}
    with pytest.raises(ValidationError, match="source"):
        services.do_add_indicator(objective, actor=buyer, label="x", kind="manuel", source=" ", **base)
    with pytest.raises(ValidationError, match="calculé depuis les contrats"):
        services.do_add_indicator(objective, actor=buyer, label="y", kind="contrat", contract_code="inconnu", **base)


def test_subsidy_for_an_ordered_service_is_refused_in_a_scenario(org_a, buyer):
    _session, mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer)
    with pytest.raises(ValidationError) as error:
        sessions.do_add_item(
            scenario,
            participant=mediator,
            axis="Soutien",
            lever="Légumerie",
            **helpers.item_fields(kind="subvention", beneficiary_initiative=True, ordered_by_organisation=True),
        )
    assert "marché public" in str(error.value)
    assert scenario.items.count() == 1


def test_innovative_purchase_above_its_threshold_is_refused(org_a, buyer):
    _session, mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer)
    fields = helpers.item_fields(kind="achat_innovant", annual_amount=Decimal(30_000), start_year=2026, end_year=2029)
    with pytest.raises(ValidationError, match=r"R\. 2122-9-1"):
        sessions.do_add_item(scenario, participant=mediator, axis="Innovation", lever="Emballages", **fields)
    fields["end_year"] = 2028  # 90 000 € over three years: allowed
    item = sessions.do_add_item(scenario, participant=mediator, axis="Innovation", lever="Emballages", **fields)
    assert "Sous le seuil" in item.legal_notes[0]


def test_scenario_over_the_envelope_is_refused(org_a, buyer):
    _session, mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer, envelope=80_000)
    with pytest.raises(ValidationError, match="au-delà de l'enveloppe de 80 000 €"):
        sessions.do_add_item(
            scenario, participant=mediator, axis="A", lever="B", **helpers.item_fields(annual_amount=Decimal(40_000))
        )
    assert ScenarioItem.objects.filter(scenario=scenario).count() == 1


def test_scores_come_from_the_declared_effects(org_a, buyer):
    session, _mediator, _scenario, (local, social) = helpers.session_with_scenario(org_a, buyer)
    [row] = queries.scenario_scores(session)
    values = {r["spec"].key: r["value"] for r in row["score"]["indicators"]}
    assert values == {local.key: 32, social.key: 15}
    assert row["score"]["annual_cost"] == 50_000


def test_adopt_revise_and_diff(org_a, buyer):
    strategy, _ = helpers.finished_strategy(org_a, buyer)
    assert strategy.versions.count() == 1
    assert Instrument.objects.filter(lever__axis__strategy=strategy).count() == 1
    with pytest.raises(ValidationError, match="Rien n'a changé"):
        services.do_revise_strategy(strategy, actor=buyer, rationale="Sans changement")
    services.do_add_instrument(
        strategy,
        actor=buyer,
        axis="Soutien",
        lever="Légumerie",
        **helpers.item_fields(
            kind="subvention",
            label="Subvention à la légumerie associative",
            annual_amount=Decimal(30_000),
            beneficiary_initiative=True,
            ordered_by_organisation=False,
        ),
    )
    version = services.do_revise_strategy(strategy, actor=buyer, rationale="Soutenir la transformation locale")
    assert version.number == 2
    [latest, first] = queries.versions_with_diffs(strategy)
    assert [c["path"] for c in latest["changes"]] == [
        "Soutien",
        "Soutien › Légumerie",
        "Soutien › Légumerie › Subvention à la légumerie associative",
    ]
    assert first["changes"] == []


def test_only_the_chosen_scenario_of_a_finished_session_is_adopted(org_a, buyer):
    _session, _mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer)
    with pytest.raises(ValidationError, match="séance terminée"):
        services.do_adopt_scenario(scenario, actor=buyer, title="x", rationale="y")
    assert not Strategy.objects.exists()


def test_manual_result_and_links(org_a, buyer):
    strategy, (local, social) = helpers.finished_strategy(org_a, buyer)
    services.do_record_result(local, actor=buyer, year=2025, value=24, source="Bilan 2025")
    with pytest.raises(ValidationError, match="calculé depuis les données"):
        services.do_record_result(social, actor=buyer, year=2025, value=1, source="x")
    instrument = Instrument.objects.get(lever__axis__strategy=strategy)
    link = services.do_link_instrument(instrument, actor=buyer, kind="contrat", ref="2025-UID-1")
    assert link.label == "Contrat 2025-UID-1"
    with pytest.raises(ValidationError, match="Aucune fiche visa"):
        services.do_link_instrument(instrument, actor=buyer, kind="fiche", ref="999")
    with pytest.raises(ValidationError, match="Type de lien inconnu"):
        services.do_link_instrument(instrument, actor=buyer, kind="nimporte", ref="1")


def test_objective_belongs_to_the_session_organisation(org_a, org_b, buyer):
    objective, *_ = helpers.objective(org_a, buyer)
    with pytest.raises(ValidationError):
        sessions.do_open_session(org_b, actor=buyer, objective=objective, title="x", envelope=Decimal(1))
    assert Objective.objects.count() == 1
