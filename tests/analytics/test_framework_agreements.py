"""Accords-cadres and their marchés subséquents are never summed twice: the sums count the accord-cadre, the
subsequent contracts' amounts are left out and shown beside (docs/indicateurs.md, "Accords-cadres")."""

import pytest
from django.core.cache import cache

from pilote.contracts import cube, db as duck, figures, queries
from pilote.contracts.filters import parse_filters
from pilote.core.enums import Role
from tests.analytics.store import CONTRATS, MODIFICATIONS, S1, TITULAIRES, D, contrat, write_store
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def framework_store(settings):
    cache.clear()
    duck.database.reset()
    day = D(2024, 8, 1)
    extra = [
        contrat(
            "ac1",
            acheteur_id=S1,
            objet="Accord-cadre fournitures",
            montant=300000.0,
            date_notification=day,
            techniques=["Accord-cadre"],
            modalites_execution=["Marchés subséquents"],
        ),
        contrat(
            "ms1",
            acheteur_id=S1,
            objet="Subséquent 2022",
            montant=40000.0,
            date_notification=day,
            id_accord_cadre="ac1",
        ),
        contrat(
            "ms2",
            acheteur_id=S1,
            objet="Subséquent 2019",
            montant=60000.0,
            date_notification=day,
            modalites_execution=["Marchés subséquents"],
        ),
    ]
    yield write_store(settings.PILOTE_DATA_DIR, [*CONTRATS, *extra], TITULAIRES, MODIFICATIONS, gen_id="test-ac")
    duck.database.reset()


def test_subsequent_amounts_are_left_out_and_shown_beside(client, framework_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.AGENT).user)
    response = client.get("/o/commune-a/cockpit/?annee=2024")
    values = response.context["data"]["overview"]["values"]
    total = values["montant_total"]
    assert total.n_subsequents == 2
    assert total.subsequents == pytest.approx(100000.0)
    # 2024 for commune A: c1 (100 000) + c2 (300 000) + the accord-cadre (300 000); its subsequent contracts do not
    assert total.valeur == pytest.approx(700000.0)
    assert values["nb_contrats"].valeur == 5  # they all are contracts
    page = response.content.decode()
    assert 'data-subsequents="2"' in page
    assert "déjà comptés dans le montant de leur accord-cadre" in page
    listed = client.get("/o/commune-a/cockpit/contrats/?detail=marche_subsequent").content.decode()
    assert "Subséquent 2022" in listed
    assert "Subséquent 2019" in listed
    assert "Accord-cadre fournitures" not in listed
    ind = client.get("/api/v1/indicateurs?annee=2024").json()["indicateurs"]["montant_total"]
    assert ind["montant_marches_subsequents"] == pytest.approx(100000.0)


def test_cube_matches_the_contracts_with_subsequent_contracts(framework_store):
    figures.ensure_cockpit_tables()
    filters, _form = parse_filters({"perimetre": "national"})
    from_contracts = duck.fetch_one(*queries.overview_sql(filters))
    assert duck.fetch_one(*cube.overview_sql(filters)) == pytest.approx(from_contracts)
    assert from_contracts["n_montant_subsequent"] == 2
