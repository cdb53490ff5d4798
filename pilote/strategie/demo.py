"""Demo content of the strategy app for Région Normandie (fictional figures, labelled as such): an objective on the
lycées' school meals, a finished modeller session with three scenarios, the strategy adopted from the voted one
(then revised once), whose cockpit computes a contract indicator from the DECP data, and a citizen jury drawn from a
published seed with its opinion on the revision. Idempotent; written through the services like any other change."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.core.models import Organisation, User
from pilote.strategie import juries, services, sessions
from pilote.strategie.models import Objective, ParticipantRole


TITLE = "Repas des lycées : 50 % de produits durables et de qualité en 2030"
FICTION = "(démonstration, chiffres fictifs)"


def _indicators(objective, actor):
    egalim = services.do_add_indicator(
        objective,
        actor=actor,
        label="Part de produits durables et de qualité servis (Egalim)",
        kind="manuel",
        source=f"Bilans annuels des cantines des lycées {FICTION}",
        unit="%",
        baseline_year=2024,
        baseline_value=28,
        targets={2027: 40, 2030: 50},
    )
    services.do_record_result(egalim, actor=actor, year=2025, value=31, source=f"Bilan 2025 des cantines {FICTION}")
    environment = services.do_add_indicator(
        objective,
        actor=actor,
        label="Contrats de la Région avec une considération environnementale",
        kind="contrat",
        contract_code="part_consideration_environnementale",
        unit="%",
        baseline_year=2024,
        baseline_value=30,
        targets={2027: 50, 2030: 80},
    )
    # A volume, not a share: shown whatever the number of contracts (a share on so few would be hidden).
    services.do_add_indicator(
        objective,
        actor=actor,
        label="Contrats de la Région publiés dans les données essentielles",
        kind="contrat",
        contract_code="nb_contrats",
        unit="contrats",
        baseline_year=2024,
        baseline_value=1,
        targets={2027: 10, 2030: 20},
    )
    return egalim, environment


def _item(label, kind, amount, effects, **extra):
    fields = {
        "kind": kind,
        "label": label,
        "nature": "fournitures",
        "annual_amount": Decimal(amount),
        "start_year": 2026,
        "end_year": 2029,
        "carrier": "Direction des lycées",
        "effects": effects,
        "assumption": f"Hypothèse de la table {FICTION}",
    }
    return fields | extra


def _scenarios(session, mediator, egalim, environment):
    e, v = egalim.key, environment.key
    plans = {
        "Tout marché": [
            (
                "Achats",
                "Allotir par filière",
                _item("Marché de denrées locales allotées", "marche", 350_000, {e: 12, v: 10}),
            ),
            (
                "Compétences",
                "Former les équipes",
                _item("Formation des cuisiniers", "marche", 40_000, {e: 4}, nature="services"),
            ),
        ],
        "Mixte filières": [
            (
                "Achats",
                "Allotir par filière",
                _item("Marché de denrées locales allotées", "marche", 250_000, {e: 9, v: 8}),
            ),
            (
                "Filières",
                "Soutenir la transformation",
                _item(
                    "Subvention à la légumerie associative",
                    "subvention",
                    60_000,
                    {e: 5},
                    beneficiary_initiative=True,
                    carrier="Association Légumes d'ici (fictive)",
                ),
            ),
            (
                "Innovation",
                "Emballages réutilisables",
                _item("Achat innovant de bacs réutilisables", "achat_innovant", 30_000, {v: 5}, end_year=2028),
            ),
        ],
        "Plateforme publique": [
            (
                "Logistique",
                "Plateforme d'approvisionnement",
                _item("Participation à la SPL de logistique alimentaire", "spl", 200_000, {e: 8}, nature="services"),
            ),
            (
                "Innovation",
                "Recherche",
                _item("Contrat de R&D sur les menus végétariens", "rd", 80_000, {e: 2, v: 3}, nature="services"),
            ),
        ],
    }
    made = {}
    for title, items in plans.items():
        scenario = sessions.do_create_scenario(session, participant=mediator, title=title)
        for axis, lever, fields in items:
            sessions.do_add_item(scenario, participant=mediator, axis=axis, lever=lever, **fields)
        made[title] = scenario
    return made


def _session(region, appui, buyer, elu, objective, egalim, environment):
    session = sessions.do_open_session(
        region,
        actor=appui,
        objective=objective,
        title="Atelier stratégique des repas des lycées",
        envelope=Decimal(600_000),
        constraints_text="Pas de hausse du prix du repas pour les familles ; continuité du service.",
    )
    mediator = session.participants.get(user=appui)
    people = [
        sessions.do_join_session(session, user=buyer, name="Bruno Acheteur", role=ParticipantRole.ACHETEUR)[0],
        sessions.do_join_session(session, user=elu, name="Denis Élu", role=ParticipantRole.ELU, table="Table 2")[0],
        sessions.do_join_session(session, name="Citoyenne invitée", role=ParticipantRole.CITOYEN, table="Table 2")[0],
        sessions.do_join_session(session, name="Acheteuse d'une métropole", role=ParticipantRole.ACHETEUR_EXTERIEUR)[
            0
        ],
    ]
    scenarios = _scenarios(session, mediator, egalim, environment)
    sessions.do_close_round(session, participant=mediator)
    for participant, title in zip(
        people, ["Mixte filières", "Mixte filières", "Plateforme publique", "Tout marché"], strict=True
    ):
        sessions.do_vote(session, participant=participant, scenario=scenarios[title])
    sessions.do_decide(session, participant=mediator, text="Retenu par vote, deux voix contre une et une.")
    return scenarios["Mixte filières"]


def _jury(region, appui, strategy):
    jury = juries.do_create_jury(
        region,
        actor=appui,
        title="Jury citoyen de la restauration des lycées",
        mandate="Avis sur la stratégie des repas des lycées et sur chacune de ses révisions.",
        strategy=strategy,
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2027, 12, 31),
        size=6,
        purpose="Tirer au sort le jury citoyen, le réunir et publier ses avis.",
        retention_until=dt.date(2028, 6, 30),
        quotas=[("genre", "femme", 3, 3), ("genre", "homme", 3, 3)],
    )
    for number in range(1, 15):
        genre = "femme" if number % 2 else "homme"
        juries.do_add_volunteer(
            jury, actor=appui, consent=True, strata={"genre": genre}, name=f"Volontaire fictif n° {number}"
        )
    seed = "Normandie-jury-repas-2026"
    juries.do_publish_seed(jury, actor=appui, seed=seed)
    return juries.do_draw_jury(jury, actor=appui, seed=seed)


@transaction.atomic
def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    appui = User.objects.filter(email="appui@demo.pilote.test").first()
    buyer = User.objects.filter(email="acheteur@demo.pilote.test").first()
    elu = User.objects.filter(email="elu@demo.pilote.test").first()
    if not (region and appui and buyer and elu) or Objective.objects.filter(organisation=region, title=TITLE).exists():
        return []
    objective = services.do_create_objective(
        region, actor=appui, title=TITLE, territory="Lycées publics de Normandie", horizon=2030,
        text="Servir dans les cantines des lycées 50 % de produits durables et de qualité, dont 20 % bio, en 2030.",
    )  # fmt: skip
    egalim, environment = _indicators(objective, appui)
    chosen = _session(region, appui, buyer, elu, objective, egalim, environment)
    strategy = services.do_adopt_scenario(
        chosen, actor=appui, title="Stratégie des repas des lycées 2026-2030", rationale="Scénario voté en séance."
    )
    services.do_set_strategy_public(strategy, actor=appui, is_public=True)
    services.do_add_instrument(
        strategy,
        actor=buyer,
        axis="Compétences",
        lever="Former les équipes",
        **_item("Formation des cuisiniers au fait maison", "marche", 30_000, {egalim.key: 3}, nature="services"),
    )
    services.do_revise_strategy(
        strategy, actor=appui, rationale="Ajout de la formation des équipes demandée par les chefs de cuisine."
    )
    jury = _jury(region, appui, strategy)
    juries.do_record_opinion(
        jury,
        actor=appui,
        version=strategy.versions.first(),
        verdict="reserves",
        reasons="La formation est utile ; le jury demande un suivi du prix du repas.",
        minority="Deux membres préféreraient la plateforme publique.",
    )
    return ["objectif, séance, stratégie et jury citoyen des repas des lycées (Région Normandie)"]
