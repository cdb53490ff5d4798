"""Every share of the cockpit's tables says its numerator, its base and its Wilson 95 % interval (breakdown tables,
the report's trend table, the breakdown exports), amount shares follow the minimum-base rule, and counts agree
in number (docs/indicateurs.md, « Base et intervalle, échantillon insuffisant »)."""

import re

import pytest
from django.core.cache import cache

from pilote.contracts import indicators
from pilote.contracts.indicators import wilson
from pilote.ui import formats


pytestmark = pytest.mark.django_db
NBSP = "\u202f"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


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


def _squash(text):
    return " ".join(text.split())


def test_concentration_shares_follow_the_minimum_base(client, fixture_store, commune_a, appui, monkeypatch):
    client.force_login(appui)
    page = _squash(client.get("/o/commune-a/cockpit/").content.decode())
    market = page.split('id="titre-concentration"')[1].split('id="titre-evolution"')[0]
    assert "part des 5 premiers (en montant) : échantillon insuffisant" in market
    assert "contrats au titulaire identifié, moins de 30 : part non affichée" in market
    assert f"{NBSP}%" not in market.split("Concentration par division CPV")[0].split("part des 5 premiers")[1]
    assert f"100,0{NBSP}%" not in market
    assert "(sur 1 contrat)" in market  # each division of commune A has one contract
    monkeypatch.setattr(indicators, "MIN_BASE", 1)
    cache.clear()
    page = _squash(client.get("/o/commune-a/cockpit/").content.decode())
    market = page.split('id="titre-concentration"')[1].split('id="titre-evolution"')[0]
    assert "part des 5 premiers (en montant) : 100,0" in market


def test_concentration_exports_carry_base_and_flag(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    rows = client.get("/o/commune-a/cockpit/export/?tableau=concentration&format=json").json()["lignes"]
    assert rows
    assert all(r["insuffisant_texte"] == "oui" and r["base"] == r["n"] for r in rows)
    top = client.get("/o/commune-a/cockpit/export/?tableau=titulaires&format=json").json()["lignes"]
    assert top
    assert all(r["insuffisant_texte"] == "oui" and r["base"] >= 1 for r in top)


def test_public_view_concentration_and_quality_bases(client, fixture_store, commune_a):
    commune_a.is_public = True
    commune_a.save()
    page = _squash(client.get("/public/commune-a/cockpit/").content.decode())
    assert "part des 5 premiers (en montant) : échantillon insuffisant" in page
    hors_absence = page.split("data-signalement-hors-absence")[1].split("</p>")[0]
    assert "contrat" in hors_absence
    assert "renseigné" in hors_absence


def test_peers_table_gives_the_base_of_each_share(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    part = _squash(client.get("/o/commune-a/cockpit/pairs/").content.decode())
    single = part.split("Offre unique</th>")[1].split("</tr>")[0]
    # offers known for c1, c2 and c4 of commune A
    assert "échantillon insuffisant" in single
    assert "(sur 3 contrats renseignés)" in single
    assert "(3 renseignés)" not in part
    # the national reference with its own base (every buyer's contracts with the field)
    national = single.rsplit('<td class="num">', 1)[1]
    assert re.search(r"\(sur \d+ renseignés?\)", national), national


def test_amounts_say_initial_and_contract_export_gives_the_final_amount(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    lines = client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=json").json()["lignes"]
    by_id = {line["id"]: line for line in lines}
    assert by_id["c1"]["montant"] == 100000.0
    assert by_id["c1"]["montant_final"] == 120000.0  # the last modification's amount (tests/analytics/store.py)
    assert by_id["c2"]["montant_final"] is None  # no modification changed it
    csv_text = client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=csv").content.decode("utf-8-sig")
    assert "Montant initial (€ HT, à la notification);Montant final (€ HT, après modifications)" in csv_text
    report = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    assert "Montant total initial (HT)" in report
    assert "Montant initial (HT)</th>" in report


def test_counts_agree_in_number(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    report = _squash(client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode())
    assert "contrat(s)" not in report
    assert "notifié(s)" not in report
    page = _squash(client.get("/o/commune-a/cockpit/").content.decode())
    # c1 is the only contract whose modification states an amount
    assert "(sur 1 contrat dont une modification donne un montant)" in page
    assert " 1 contrats" not in page
    assert "(1 renseignés)" not in page
