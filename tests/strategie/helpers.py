"""Builders of the strategy tests: an objective with two indicators, a session with scenarios, a jury."""

import datetime as dt
from decimal import Decimal

from pilote.core.enums import Role
from pilote.strategie import juries, services, sessions
from pilote.strategie.models import ParticipantRole


def objective(organisation, actor):
    obj = services.do_create_objective(
        organisation, actor=actor, title="Repas scolaires durables", territory="Commune", horizon=2030
    )
    local = services.do_add_indicator(
        obj,
        actor=actor,
        label="Part de produits locaux et durables",
        kind="manuel",
        source="Bilan Egalim de la cuisine centrale",
        unit="%",
        baseline_year=2024,
        baseline_value=20,
        targets={2027: 35, 2030: 50},
    )
    social = services.do_add_indicator(
        obj,
        actor=actor,
        label="Contrats avec considération sociale",
        kind="contrat",
        contract_code="part_consideration_sociale",
        unit="%",
        baseline_year=2024,
        baseline_value=10,
        targets={2030: 30},
    )
    return obj, local, social


def item_fields(**overrides):
    fields = {
        "kind": "marche",
        "label": "Marché de denrées bio allotié",
        "nature": "fournitures",
        "annual_amount": Decimal(50_000),
        "start_year": 2026,
        "end_year": 2029,
        "carrier": "Cuisine centrale",
        "effects": {},
        "assumption": "",
    }
    return fields | overrides


def session_with_scenario(organisation, actor, envelope=200_000):
    obj, local, social = objective(organisation, actor)
    session = sessions.do_open_session(
        organisation, actor=actor, objective=obj, title="Atelier repas", envelope=Decimal(envelope)
    )
    mediator = session.participants.get(user=actor)
    scenario = sessions.do_create_scenario(session, participant=mediator, title="Tout marché")
    sessions.do_add_item(
        scenario,
        participant=mediator,
        axis="Achats",
        lever="Allotir pour les producteurs",
        **item_fields(effects={local.key: 12, social.key: 5}),
    )
    return session, mediator, scenario, (local, social)


def finished_strategy(organisation, actor):
    session, mediator, scenario, indicators = session_with_scenario(organisation, actor)
    sessions.do_decide(session, participant=mediator, scenario=scenario, text="Choix du médiateur")
    strategy = services.do_adopt_scenario(scenario, actor=actor, title="Stratégie repas", rationale="Adoptée")
    return strategy, indicators


def jury(organisation, actor, strategy=None, size=4, quotas=(("genre", "femme", 2, 2), ("genre", "homme", 2, 2))):
    return juries.do_create_jury(
        organisation,
        actor=actor,
        title="Jury citoyen des achats",
        mandate="Avis sur la stratégie et ses révisions",
        strategy=strategy,
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2028, 12, 31),
        size=size,
        purpose="Tirer au sort le jury citoyen et le réunir",
        retention_until=dt.date(2029, 6, 30),
        quotas=list(quotas),
    )


def volunteers(jury_obj, actor, n_women=4, n_men=4):
    for i in range(n_women):
        juries.do_add_volunteer(jury_obj, actor=actor, consent=True, strata={"genre": "femme"}, name=f"Femme {i}")
    for i in range(n_men):
        juries.do_add_volunteer(jury_obj, actor=actor, consent=True, strata={"genre": "homme"}, name=f"Homme {i}")


ROLES = ParticipantRole
EDITOR = Role.ACHETEUR
