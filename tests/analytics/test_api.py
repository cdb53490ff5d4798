"""The open API: same filters as the pages, each indicator with its coverage; private data needs an account."""

import pytest
from django.core.cache import cache

from pilote.analytics.services import do_set_target
from pilote.core.enums import Role
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_national_figures_without_account(client, fixture_store):
    data = client.get("/api/v1/indicateurs?annee=2024").json()
    ind = data["indicateurs"]
    for code in (
        "nb_contrats",
        "montant_total",
        "part_consideration_sociale",
        "part_consideration_environnementale",
        "taux_offre_unique",
        "nb_offres_moyen",
    ):
        assert set(ind[code]) >= {"valeur", "couverture"}
    # 2024: c1, c2 (S1) and c5 (S2).
    assert ind["nb_contrats"]["valeur"] == 3
    assert ind["taux_offre_unique"]["valeur"] == pytest.approx(2 / 3)
    assert data["filtres"] == {"perimetre": "national", "annee": "2024"}


def test_organisation_scope_only_when_published_or_member(client, fixture_store, commune_a):
    assert client.get("/api/v1/indicateurs?organisation=commune-a").status_code == 404
    commune_a.is_public = True
    commune_a.save()
    data = client.get("/api/v1/indicateurs?organisation=commune-a&perimetre=national").json()
    assert data["indicateurs"]["nb_contrats"]["valeur"] == 4


def test_bad_filter_is_a_clear_400(client, fixture_store):
    response = client.get("/api/v1/indicateurs?cpv=abc")
    assert response.status_code == 400
    assert "CPV" in response.json()["detail"]


def test_targets_need_a_member(client, commune_a):
    appui = MembershipFactory(organisation=commune_a, role=Role.APPUI).user
    do_set_target(organisation=commune_a, annee=2025, indicateur="part_consideration_sociale", cible=30, actor=appui)
    commune_a.is_public = True
    commune_a.save()
    assert client.get("/api/v1/indicateurs/objectifs?organisation=commune-a").status_code == 401
    client.force_login(appui)
    data = client.get("/api/v1/indicateurs/objectifs?organisation=commune-a").json()
    assert data["objectifs"][0]["cible"] == pytest.approx(0.30)


def test_anonymous_calls_are_rate_limited(client, fixture_store, monkeypatch):
    from pilote.api import api

    quota = next(t for t in api.throttle if t.scope == "anon")  # the anonymous quota (pilote.core.throttling)
    monkeypatch.setattr(quota, "num_requests", 3)
    responses = [client.get("/api/v1/indicateurs") for _ in range(4)]
    assert responses[-2].status_code == 200
    assert responses[-1].status_code == 429
    assert responses[-1].json()["detail"] == "Trop de requêtes : réessayez dans une minute ou connectez-vous."


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/indicateurs" in paths
    assert "/api/v1/indicateurs/objectifs" in paths


def test_errors_are_french_and_name_the_field(client, fixture_store):
    """The audit found pydantic's English (« Input should be a valid integer… ») and ninja's « Not Found »."""
    invalid = client.get("/api/v1/indicateurs?annee=abc")
    assert invalid.status_code == 422
    assert invalid.json()["detail"] == "annee : saisissez un nombre entier."
    assert invalid.json()["erreurs"] == [{"champ": "annee", "message": "saisissez un nombre entier"}]
    unknown = client.get("/api/v1/indicateurs?organisation=nope")
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("organisation : organisation introuvable")
    bad_token = client.get("/api/v1/indicateurs", headers={"Authorization": "Bearer plt_faux"})
    assert bad_token.status_code == 401
    assert bad_token.json()["detail"].startswith("Authorization : ")


def test_every_validation_error_type_reads_french():
    from pilote.api import api_error_text

    assert api_error_text({"loc": ("query", "par_page"), "type": "less_than_equal", "ctx": {"le": 100}}) == (
        "par_page",
        "doit être inférieur ou égal à 100",
    )
    assert api_error_text({"loc": ("query", "x"), "type": "jamais_vu", "msg": "Input should be"}) == (
        "x",
        "valeur non valide",
    )
