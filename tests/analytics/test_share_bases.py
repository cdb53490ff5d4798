"""Every share of the cockpit's tables says its numerator, its base and its Wilson 95 % interval (breakdown tables,
the report's trend table, the breakdown exports), amount shares follow the minimum-base rule, and counts agree
in number (docs/indicateurs.md, « Base et intervalle, échantillon insuffisant »)."""

import pytest
from django.core.cache import cache

from pilote.contracts.indicators import wilson
from pilote.core.enums import Role
from pilote.ui import formats
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db
NBSP = "\u202f"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def appui(commune_a):
    return MembershipFactory(organisation=commune_a, role=Role.APPUI).user


def interval_text(num, base):
    low, high = wilson(num, base)
    return f"{formats.nombre(100 * low, 1)} – {formats.nombre(100 * high, 1)}{NBSP}%"


def test_breakdown_tables_give_numerator_base_and_interval(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    page = client.get("/o/commune-a/cockpit/").content.decode()
    # 2024 for commune A: c1 (clause sociale) and c2 (pas de considération sociale) → 1 of 2
    assert f"1 contrat sur 2 renseignés ; intervalle à 95 % : {interval_text(1, 2)}" in page
    assert "(2 renseignés)" not in page


def test_report_trend_table_gives_interval(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    report = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    trend = report.split("Évolution sur plusieurs années")[1].split("Obligations à vérifier")[0]
    assert f"1 contrat sur 2 renseignés ; intervalle à 95 % : {interval_text(1, 2)}" in trend


def test_breakdown_exports_have_numerator_and_interval_columns(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    years = client.get("/o/commune-a/cockpit/export/?tableau=annees&format=json").json()["lignes"]
    row = next(r for r in years if r["valeur"] == "2024")
    assert (row["n_soc"], row["n_soc_renseigne"]) == (1, 2)
    assert (row["part_soc_bas"], row["part_soc_haut"]) == pytest.approx(wilson(1, 2))
    assert (row["taux_offre_unique_bas"], row["taux_offre_unique_haut"]) == pytest.approx(wilson(1, 2))
    csv_text = client.get("/o/commune-a/cockpit/export/?tableau=procedures&format=csv").content.decode("utf-8-sig")
    assert "Part sociale : intervalle à 95 %, borne basse" in csv_text
    assert "Offre unique : intervalle à 95 %, borne haute" in csv_text
