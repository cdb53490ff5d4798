"""The cockpit as users see it: pages, drill-down, exports, targets, report, public view, bad input."""

import csv
import io
import json
import zipfile

import pytest

from pilote.analytics.models import ReportComment, SpaserTarget
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def member(commune_a):
    def make(role):
        return MembershipFactory(organisation=commune_a, role=role).user

    return make


def test_cockpit_shows_indicators_with_coverage_and_tables(client, fixture_store, commune_a, member):
    client.force_login(member(Role.ELU))
    page = client.get("/o/commune-a/cockpit/").content.decode()
    assert "Commune A (1 SIRET acheteur)" in page
    assert 'data-indicateur="nb_contrats">4<' in page
    assert "1 montant exclu (anomalies)" in page
    # single bid 1 of 3 contracts: below the minimum base, no percentage and no colour
    assert 'data-indicateur="taux_offre_unique">échantillon insuffisant<' in page
    assert "Non calculé (échantillon insuffisant)" in page
    assert "Rouge (&gt; 20 %)" not in page
    assert "Rouge (> 20 %)" not in page
    assert "1 contrat sur 3 renseignés" in page
    assert "Voirie communale" in page  # art. 35 list
    assert "Nettoyage des bâtiments" in page  # above EU threshold without social consideration
    assert 'id="spec-graphique-annees"' in page
    assert "Par année de notification" in page


def test_filter_change_via_htmx_returns_the_content_only(client, fixture_store, commune_a, member):
    client.force_login(member(Role.AGENT))
    response = client.get("/o/commune-a/cockpit/?annee=2024", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "notifiés en 2024" in body
    assert 'data-indicateur="nb_contrats">2<' in body


def test_invalid_filter_is_explained_and_ignored(client, fixture_store, commune_a, member):
    client.force_login(member(Role.AGENT))
    body = client.get("/o/commune-a/cockpit/?annee=abc&cpv=<script>&montant_min=9&montant_max=1").content.decode()
    assert "Saisissez un nombre entier." in body
    assert "Le code CPV s&#x27;écrit avec 2 à 8 chiffres" in body
    assert "&lt;script&gt;" in body  # the bad value is shown back escaped, never executed
    assert "Le montant maximum doit être supérieur ou égal au minimum." in body
    # Only the valid filters apply: montant ≥ 9 € leaves out c3 (1 €).
    assert 'data-indicateur="nb_contrats">3<' in body


def test_no_store_yet_says_so(client, commune_a, member):
    client.force_login(member(Role.AGENT))
    assert "Aucune donnée DECP n'a encore été importée" in client.get("/o/commune-a/cockpit/").content.decode()


def test_drill_down_lists_the_contracts_behind_a_figure(client, fixture_store, commune_a, member):
    client.force_login(member(Role.AGENT))
    body = client.get("/o/commune-a/cockpit/contrats/?detail=offre_unique").content.decode()
    assert "1 contrat." in body
    assert "Rénovation de la mairie" in body
    assert "Voirie communale" not in body
    body = client.get("/o/commune-a/cockpit/contrats/?detail=inconnu&page=x").content.decode()
    assert "4 contrats." in body


def test_exports_csv_xlsx_json(client, fixture_store, commune_a, member):
    client.force_login(member(Role.ELU))
    response = client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=csv&annee=2024")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Identifiant"
    assert sorted(r[0] for r in rows[1:]) == ["c1", "c2"]
    response = client.get("/o/commune-a/cockpit/export/?tableau=indicateurs&format=xlsx")
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Offre unique" in strings
    assert "Contrats renseignés" in strings
    data = json.loads(client.get("/o/commune-a/cockpit/export/?tableau=titulaires&format=json").content)
    assert data["lignes"][0]["titulaire_id"] == "22222222222222"
    assert client.get("/o/commune-a/cockpit/export/?tableau=annees&format=html").status_code == 200
    assert client.get("/o/commune-a/cockpit/export/?tableau=secret&format=csv").status_code == 400


def test_support_service_sets_a_target_and_sees_progress(client, fixture_store, commune_a, member):
    appui = member(Role.APPUI)
    client.force_login(appui)
    response = client.post(
        "/o/commune-a/cockpit/objectifs/",
        {
            "action": "objectif",
            "objectif-annee": "2024",
            "objectif-indicateur": "part_consideration_sociale",
            "objectif-cible": "40",
        },
    )
    assert response.status_code == 302
    target = SpaserTarget.objects.get(organisation=commune_a)
    assert AuditEvent.objects.filter(verb="analytics.target_set", organisation=commune_a).exists()
    # 2024: c1 has a social clause, c2 declares none → 1 contract out of 2: an insufficient sample, so the
    # target's progress is not computed (the fixture is small on purpose).
    page = client.get("/o/commune-a/cockpit/").content.decode()
    assert "Part des contrats avec une considération sociale" in page
    assert "non calculée (échantillon insuffisant : 1 contrat sur 2 renseignés)" in page
    assert "50,0\u202f%" not in page
    bad = client.post(
        "/o/commune-a/cockpit/objectifs/",
        {
            "action": "objectif",
            "objectif-annee": "2024",
            "objectif-indicateur": "part_consideration_sociale",
            "objectif-cible": "140",
        },
    )
    assert "inférieure ou égale à 100" in bad.content.decode()
    target.refresh_from_db()
    assert target.cible == 40
    client.post("/o/commune-a/cockpit/objectifs/", {"action": "supprimer", "target_id": target.pk})
    assert not SpaserTarget.objects.exists()
    # the access indicators can be SPASER targets too
    client.post(
        "/o/commune-a/cockpit/objectifs/",
        {"action": "objectif", "objectif-annee": "2024", "objectif-indicateur": "part_pme", "objectif-cible": "30"},
    )
    assert SpaserTarget.objects.get(organisation=commune_a).indicateur == "part_pme"
    assert "Part des contrats attribués à une PME" in client.get("/o/commune-a/cockpit/").content.decode()


def test_only_support_and_admin_edit_targets(client, commune_a, member):
    client.force_login(member(Role.ACHETEUR))
    response = client.post(
        "/o/commune-a/cockpit/objectifs/",
        {
            "action": "objectif",
            "objectif-annee": "2024",
            "objectif-indicateur": "part_innovant",
            "objectif-cible": "5",
        },
    )
    assert response.status_code == 403
    assert not SpaserTarget.objects.exists()


def test_annual_report_html_and_pdf_with_comment(client, fixture_store, commune_a, member):
    appui = member(Role.APPUI)
    client.force_login(appui)
    client.post(
        "/o/commune-a/cockpit/objectifs/",
        {"action": "commentaire", "commentaire-annee": "2024", "commentaire-texte": "Année de lancement du SPASER."},
    )
    assert ReportComment.objects.get().texte == "Année de lancement du SPASER."
    page = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    assert "Rapport annuel de l'achat public responsable 2024" in page
    assert "Année de lancement du SPASER." in page
    pdf = client.get("/o/commune-a/cockpit/rapport/?annee=2024&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("annee", ["abc", "1990"])
def test_annual_report_refuses_an_invalid_year_in_french(client, fixture_store, commune_a, member, annee):
    """The audit found « Rapport annuel … None » over every year's figures for ?annee=abc or 1990."""
    client.force_login(member(Role.APPUI))
    for suffix in ("", "&format=pdf"):
        response = client.get(f"/o/commune-a/cockpit/rapport/?annee={annee}{suffix}")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "Année non valide" in page
        assert "None" not in page
        assert "Indicateurs clés" not in page


def test_public_cockpit_only_when_published(client, fixture_store, commune_a):
    assert client.get("/public/commune-a/cockpit/").status_code == 404
    commune_a.is_public = True
    commune_a.save()
    page = client.get("/public/commune-a/cockpit/?perimetre=national").content.decode()
    assert "Vue publique, en lecture seule" in page
    # Always the organisation's own contracts, never peers, targets or private links.
    assert 'data-indicateur="nb_contrats">4<' in page
    assert "Objectifs du SPASER" not in page
    assert "/cockpit/export/" not in page


def test_peers_national_column_is_loaded_after_the_page(client, fixture_store, commune_a, member):
    """The page shows the peers at once; the national reference (a scan of every contract) follows."""
    client.force_login(member(Role.ELU))
    page = client.get("/o/commune-a/cockpit/?annee=").content.decode()
    assert 'hx-get="/o/commune-a/cockpit/pairs/?' in page
    assert "en cours de calcul" in page
    part = client.get("/o/commune-a/cockpit/pairs/").content.decode()
    assert "en cours de calcul" not in part
    assert "hx-get" not in part
    assert "Comparaison avec les pairs" in part
    # France entière: 3 of the 4 contracts with a filled social field have a social consideration → 75 %
    assert "75,0" in part
