"""An amount a cleaning rule of kind "a_verifier" flagged (statistically unusual) stays in the sums; every total
says how much of it is "à vérifier" and links to those contracts. No such rule exists until the write side adds
them: a fixture rule stands for them here (with none, nothing is "à vérifier")."""

import pytest
from django.core.cache import cache

from pilote.contracts import cube, db as duck, figures, queries, semantics
from pilote.contracts.filters import parse_filters
from pilote.core.enums import Role
from pilote.decp.cleaning import rules
from tests.analytics.store import CONTRATS, MODIFICATIONS, S1, TITULAIRES, D, contrat, write_store
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db
CODE = "montant_test_inhabituel"


@pytest.fixture
def review_rule(monkeypatch):
    rule = rules.Rule(CODE, "Montant statistiquement inhabituel (test)", "a_verifier", "montant")
    monkeypatch.setitem(rules.RULES, CODE, rule)
    duck.database.reset()
    cache.clear()
    yield rule
    duck.database.reset()
    cache.clear()


@pytest.fixture
def review_store(settings, review_rule):
    extra = contrat(
        "c9",
        acheteur_id=S1,
        objet="Achat inhabituel",
        montant=900000.0,
        qualite=[CODE],
        date_notification=D(2024, 7, 1),
    )
    return write_store(settings.PILOTE_DATA_DIR, [*CONTRATS, extra], TITULAIRES, MODIFICATIONS, gen_id="test-averif")


def test_review_codes_are_the_a_verifier_rules_about_the_amount(review_rule):
    assert CODE in semantics.review_amount_codes()
    assert CODE not in semantics.unusable_amount_codes()


def test_without_such_a_rule_nothing_is_to_review():
    assert all(rules.RULES[c].kind == "a_verifier" for c in semantics.review_amount_codes())
    if not semantics.review_amount_codes():
        assert semantics.review_amount_sql("c") == "FALSE"


def test_total_keeps_the_amount_and_says_how_much_is_to_review(client, review_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.AGENT).user)
    response = client.get("/o/commune-a/cockpit/")
    total = response.context["data"]["overview"]["values"]["montant_total"]
    without = client.get("/o/commune-a/cockpit/?montant_max=800000").context["data"]["overview"]["values"]
    assert total.valeur == pytest.approx(without["montant_total"].valeur + 900000.0)  # kept in the sum
    assert total.a_verifier == pytest.approx(900000.0)
    assert total.n_a_verifier == 1
    page = response.content.decode()
    assert 'data-a-verifier="1"' in page
    assert "detail=montant_a_verifier" in page
    listed = client.get("/o/commune-a/cockpit/contrats/?detail=montant_a_verifier").content.decode()
    assert "Achat inhabituel" in listed
    assert "1 contrat." in listed
    year = response.context["data"]["par_annee"]
    assert sum(r["n_montant_a_verifier"] for r in year) == 1


def test_api_and_export_give_the_part_to_review(client, review_store, commune_a):
    ind = client.get("/api/v1/indicateurs").json()["indicateurs"]
    assert ind["montant_total"]["montant_a_verifier"] == pytest.approx(900000.0)
    assert ind["montant_total"]["n_montant_a_verifier"] == 1
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.ELU).user)
    rows = client.get("/o/commune-a/cockpit/export/?tableau=indicateurs&format=json").json()["lignes"]
    total = next(r for r in rows if r["code"] == "montant_total")
    assert total["a_verifier"] == pytest.approx(900000.0)


def test_cube_matches_the_contracts_with_a_review_rule(review_store):
    figures.ensure_cockpit_tables()
    filters, _form = parse_filters({"perimetre": "national"})
    from_contracts = duck.fetch_one(*queries.overview_sql(filters))
    from_cube = duck.fetch_one(*cube.overview_sql(filters))
    assert from_contracts["n_montant_a_verifier"] == from_cube["n_montant_a_verifier"] == 1
    assert from_contracts["montant_a_verifier"] == pytest.approx(from_cube["montant_a_verifier"])
    rows = duck.fetch_all(*queries.breakdown_sql(filters, ["annee"]))
    assert duck.fetch_all(*cube.breakdown_sql(filters, ["annee"])) == rows


def test_a_subsequent_amount_to_review_is_neither_summed_nor_counted(settings, review_rule, client, commune_a):
    """A marché subséquent's amount is left out of the sums (its accord-cadre counts it): flagged for review, it
    is not one of the « montants inhabituels, comptés dans la somme » either (the count said 4 where the amount
    held 3 of them), nor in the list behind that count; the cube agrees."""
    flagged = contrat("c9", acheteur_id=S1, objet="Achat inhabituel", montant=900000.0, qualite=[CODE],
                      date_notification=D(2024, 7, 1))  # fmt: skip
    subsequent = contrat("c10", acheteur_id=S1, objet="Commande subséquente", montant=420.0, qualite=[CODE],
                         date_notification=D(2024, 8, 1), id_accord_cadre="AC-2023-01")  # fmt: skip
    write_store(settings.PILOTE_DATA_DIR, [*CONTRATS, flagged, subsequent], TITULAIRES, MODIFICATIONS, gen_id="t-sub")
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.AGENT).user)
    total = client.get("/o/commune-a/cockpit/").context["data"]["overview"]["values"]["montant_total"]
    assert (total.a_verifier, total.n_a_verifier) == (pytest.approx(900000.0), 1)
    listed = client.get("/o/commune-a/cockpit/contrats/?detail=montant_a_verifier").content.decode()
    assert "Achat inhabituel" in listed
    assert "Commande subséquente" not in listed
    figures.ensure_cockpit_tables()
    filters, _form = parse_filters({"perimetre": "national"})
    assert duck.fetch_one(*cube.overview_sql(filters))["n_montant_a_verifier"] == 1
    assert duck.fetch_one(*queries.overview_sql(filters))["n_montant_a_verifier"] == 1
