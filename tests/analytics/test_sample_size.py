"""Every share with its base and a Wilson 95 % interval; below the minimum base (indicators.MIN_BASE) it reads
"échantillon insuffisant" on every surface (cockpit, public view, report and its PDF, exports, API), and no
colour code nor target progress is computed from it. The fixture store has a handful of contracts: every share
is insufficient there; tests lower MIN_BASE to see the same page with the value shown."""

import csv
import io
import math

import pytest
from django.core.cache import cache

from pilote.analytics import charts
from pilote.analytics.services import do_set_target
from pilote.contracts import buyers, indicators
from pilote.contracts.indicators import MIN_BASE, Valeur, wilson
from pilote.core.enums import Role
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_wilson_interval_by_hand():
    # 2 out of 55: p = 0.0364; Wilson with z = 1.96 gives about 1.0 %-12.3 %
    low, high = wilson(2, 55)
    z = 1.959963984540054
    p, n = 2 / 55, 55
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert low == pytest.approx(0.0100, abs=1e-3)
    assert high == pytest.approx(0.1232, abs=1e-3)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0
    assert wilson(1, 1)[0] == pytest.approx(0.2065, abs=1e-3)  # "100 %" from one contract: 21 %-100 %
    assert wilson(0, 0) is None


def test_valeur_is_insufficient_below_the_minimum_base():
    assert MIN_BASE == 30
    small = Valeur(2 / 3, 3, 55, "part", numerateur=2)
    assert small.insuffisant
    assert small.affichable is None
    assert small.base == 3
    enough = Valeur(2 / 55, 55, 60, "part", numerateur=2)
    assert not enough.insuffisant
    assert enough.affichable == pytest.approx(2 / 55)
    assert enough.intervalle == pytest.approx(wilson(2, 55))
    # amounts, counts and means are never "insufficient"; a share of amounts has no interval
    assert not Valeur(1000.0, 2, 2, "euros").insuffisant
    assert not Valeur(3, 3, 3, "nombre").insuffisant
    assert Valeur(0.5, 40, 40, "part").intervalle is None
    # nothing known (base 0): insufficient too — no colour, no target progress, "oui" in exports
    assert Valeur(None, 0, 4, "part", numerateur=0).insuffisant
    assert Valeur(None, 0, 4, "part", numerateur=0).as_json()["insuffisant"] is True
    assert indicators.insuffisant(0)
    assert not indicators.insuffisant(MIN_BASE)
    data = small.as_json()
    assert data["base"] == 3
    assert data["insuffisant"] is True
    assert data["base_minimum"] == MIN_BASE
    assert data["intervalle"] == pytest.approx(list(wilson(2, 3)))


def test_cockpit_colour_and_targets_only_from_a_sufficient_base(client, fixture_store, commune_a, appui, monkeypatch):
    do_set_target(organisation=commune_a, annee=2024, indicateur="part_consideration_sociale", cible=40, actor=appui)
    client.force_login(appui)
    page = client.get("/o/commune-a/cockpit/").content.decode()
    assert "Non calculé (échantillon insuffisant)" in page
    assert page.count("non calculée (échantillon insuffisant") >= 2  # the PNAD row(s) and the SPASER target
    assert "intervalle de confiance à 95 %" in page
    monkeypatch.setattr(indicators, "MIN_BASE", 1)
    page = client.get("/o/commune-a/cockpit/").content.decode()
    assert "Rouge (&gt; 20 %)" in page or "Rouge (> 20 %)" in page  # single bid 1 of 3
    assert 'data-indicateur="taux_offre_unique">33,3' in page
    assert ">échantillon insuffisant<" not in page
    assert "non calculée" not in page


def test_public_view_applies_the_same_rule(client, fixture_store, commune_a):
    commune_a.is_public = True
    commune_a.save()
    page = client.get("/public/commune-a/cockpit/").content.decode()
    assert 'data-indicateur="taux_offre_unique">échantillon insuffisant<' in page
    assert "1 contrat sur 3 renseignés" in page
    assert "Rouge (" not in page


def test_report_and_its_pdf_say_insufficient(client, fixture_store, commune_a, appui, monkeypatch):
    do_set_target(organisation=commune_a, annee=2024, indicateur="part_consideration_sociale", cible=40, actor=appui)
    client.force_login(appui)
    report = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    assert "échantillon insuffisant" in report
    assert "non calculée (échantillon insuffisant : 1 contrat sur 2 renseignés)" in report
    assert "100,0\u202f%" not in report.split("Objectifs")[1].split("Évolution")[0]

    printed = {}

    class FakeHTML:
        def __init__(self, string, base_url):
            printed["html"] = string

        def write_pdf(self):
            return b"%PDF-fake"

    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    assert client.get("/o/commune-a/cockpit/rapport/?annee=2024&format=pdf").content == b"%PDF-fake"
    assert "non calculée (échantillon insuffisant" in printed["html"]


def test_exports_carry_base_interval_and_flag(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    response = client.get("/o/commune-a/cockpit/export/?tableau=indicateurs&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = next(r for r in rows if "Code" in r)
    by_code = {r[header.index("Code")]: dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1 :]}
    single = by_code["taux_offre_unique"]
    flag = f"Échantillon insuffisant (moins de {MIN_BASE} contrats)"
    assert single[flag] == "oui"
    assert single["Base de la part (contrats)"] == "3"
    assert single["Contrats comptés"] == "1"
    low, high = wilson(1, 3)
    # Shares as French spreadsheets read them: « 6,1 % ».
    percent = lambda text: float(text.removesuffix(" %").replace(",", ".")) / 100  # noqa: E731
    assert percent(single["Intervalle à 95 % : borne basse"]) == pytest.approx(low, abs=0.0005)
    assert percent(single["Intervalle à 95 % : borne haute"]) == pytest.approx(high, abs=0.0005)
    assert by_code["montant_total"][flag] == "non"
    years = client.get("/o/commune-a/cockpit/export/?tableau=annees&format=json").json()["lignes"]
    assert all(r["part_soc_insuffisant_texte"] == "oui" for r in years if r["n_soc_renseigne"])


def test_api_gives_base_interval_and_flag(client, fixture_store):
    ind = client.get("/api/v1/indicateurs?annee=2024").json()["indicateurs"]
    single = ind["taux_offre_unique"]
    assert single["base"] == 3
    assert single["numerateur"] == 2
    assert single["insuffisant"] is True
    assert single["intervalle"] == pytest.approx(list(wilson(2, 3)))
    assert single["valeur"] == pytest.approx(2 / 3)  # the raw value stays available, flagged
    assert ind["nb_contrats"]["insuffisant"] is False
    assert ind["nb_contrats"]["intervalle"] is None
    # no contract with a known company category in the fixture: base 0, insufficient
    assert ind["part_pme"]["base"] == 0
    assert ind["part_pme"]["insuffisant"] is True


def test_a_share_over_no_contract_is_insufficient_in_exports(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    rows = client.get("/o/commune-a/cockpit/export/?tableau=indicateurs&format=json").json()["lignes"]
    pme = next(r for r in rows if r["code"] == "part_pme")
    assert pme["base"] == 0
    assert pme["insuffisant"] == "oui"
    years = client.get("/o/commune-a/cockpit/export/?tableau=annees&format=json").json()["lignes"]
    assert any(r["n_offres_renseigne"] == 0 for r in years)
    assert all(r["taux_offre_unique_insuffisant_texte"] == "oui" for r in years if r["n_offres_renseigne"] == 0)


def test_chart_leaves_out_insufficient_years_and_says_why():
    rows = [
        {
            "valeur": "2023",
            "part_soc": 0.5,
            "part_soc_insuffisant": True,
            "part_env": 0.2,
            "part_env_insuffisant": False,
        },
        {
            "valeur": "2024",
            "part_soc": 0.4,
            "part_soc_insuffisant": False,
            "part_env": None,
            "part_env_insuffisant": False,
        },
    ]
    spec = charts.trend_shares(rows)
    assert {(v["annee"], v["part"]) for v in spec["data"]["values"]} == {("2023", 0.2), ("2024", 0.4)}
    assert "échantillon insuffisant" in spec["title"]["subtitle"]
    assert "2023" in spec["title"]["subtitle"]


@pytest.mark.parametrize("role", list(Role))
def test_method_page_for_every_role(client, commune_a, role):
    client.force_login(MembershipFactory(organisation=commune_a, role=role).user)
    page = client.get("/o/commune-a/cockpit/methode/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Sous <strong>{MIN_BASE} contrats renseignés</strong>" in text
    assert "Date inconnue" in text
    assert "montant_symbolique" in text  # the rules come from the definitions themselves
    # peers and SPASER targets are explained too, the peers' minimum read from its definition
    assert f"au moins <strong>{buyers.MIN_CONTRACTS} contrats</strong> dans la vue" in text
    assert "Objectifs du SPASER" in text


def test_public_method_page_only_when_published(client, commune_a):
    assert client.get("/public/commune-a/cockpit/methode/").status_code == 404
    commune_a.is_public = True
    commune_a.save()
    assert "échantillon insuffisant" in client.get("/public/commune-a/cockpit/methode/").content.decode()
    assert "/public/commune-a/cockpit/methode/" in client.get("/public/commune-a/cockpit/").content.decode()


def test_synthetic_demo_contracts_are_said_on_every_cockpit(settings, client, commune_a):
    """A store holding synthetic demo contracts says how many on the cockpit (they count in the national figures
    and in those of the buyers they are given to); a store without any says nothing."""
    from tests.analytics.store import CONTRATS, MODIFICATIONS, TITULAIRES, contrat, write_store

    client.force_login(MembershipFactory(organisation=commune_a, role=Role.ELU).user)
    write_store(settings.PILOTE_DATA_DIR, CONTRATS, TITULAIRES, MODIFICATIONS, gen_id="sans-synth")
    assert "data-synthetiques" not in client.get("/o/commune-a/cockpit/?perimetre=national").content.decode()
    invented = contrat("syn1", acheteur_id="21590350100017", source="synthetique", montant=50000.0)
    write_store(settings.PILOTE_DATA_DIR, [*CONTRATS, invented], TITULAIRES, MODIFICATIONS, gen_id="avec-synth")
    page = client.get("/o/commune-a/cockpit/?perimetre=national").content.decode()
    assert 'data-synthetiques="1"' in page
    assert f"1 des {len(CONTRATS) + 1} contrats de l'entrepôt sont synthétiques" in page
