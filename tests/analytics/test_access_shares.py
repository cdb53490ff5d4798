"""SME share and local share on hand-computed fixtures: from the DECP data only, from the organisation's SIRENE
extract only, from both (the data win), and from neither (coverage 0, "non disponible"); the pages, the API,
the drill-down and the report show them with their sources.

Organisation A (SIRET S1) has c1-c4; c3's amount (1 €) is an anomaly in the base fixture (tests/analytics/store.py).
"""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pilote.contracts import figures, sirene_files as extract_file
from pilote.contracts.filters import parse_filters
from pilote.core.enums import Role
from pilote.explorer.services import do_import_sirene_extract
from tests.analytics.store import S1, S2, D, contrat, write_store
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db

T1, T2, T3, T4 = "11111111111111", "22222222222222", "33333333333333", "44444444444444"

# Data-only store: the consolidated tabular columns are present.
#   c1 S1 dép. 69, T1 PME dép. 69, 100 000 €   → PME, local
#   c2 S1 dép. 69, T2 GE  dép. 75, 300 000 €   → not PME, not local
#   c3 S1 dép. 69, T3 unknown,      50 000 €   → unknown (both)
#   c4 S1 no dép., T4 ETI dép. "1" (→ 01), 1 € flagged as an anomaly → not PME; local unknown
#   c5 S2 (another organisation)
TABULAR_CONTRATS = [
    contrat("c1", acheteur_id=S1, montant=100000.0, date_notification=D(2024, 1, 5), acheteur_departement_code="69"),
    contrat("c2", acheteur_id=S1, montant=300000.0, date_notification=D(2024, 2, 5), acheteur_departement_code="69"),
    contrat("c3", acheteur_id=S1, montant=50000.0, date_notification=D(2024, 3, 5), acheteur_departement_code="69"),
    contrat("c4", acheteur_id=S1, montant=1.0, qualite=["montant_symbolique"], date_notification=D(2024, 4, 5)),
    contrat("c5", acheteur_id=S2, montant=9.0e5, date_notification=D(2024, 5, 5), acheteur_departement_code="75"),
]
TABULAR_TITULAIRES = [
    {"contrat_uid": "c1", "rang": 0, "titulaire_id": T1, "titulaire_categorie": "PME", "titulaire_departement_code": "69"},
    {"contrat_uid": "c2", "rang": 0, "titulaire_id": T2, "titulaire_categorie": "GE", "titulaire_departement_code": "75"},
    {"contrat_uid": "c3", "rang": 0, "titulaire_id": T3},
    {"contrat_uid": "c4", "rang": 0, "titulaire_id": T4, "titulaire_categorie": "eti", "titulaire_departement_code": "1"},
    {"contrat_uid": "c5", "rang": 0, "titulaire_id": T1, "titulaire_categorie": "PME", "titulaire_departement_code": "69"},
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def tabular_store(settings):
    return write_store(settings.PILOTE_DATA_DIR, TABULAR_CONTRATS, TABULAR_TITULAIRES, tabular=True)


def _import(organisation, actor, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return do_import_sirene_extract(
            organisation=organisation, filename="sirene.csv", raw=text.encode(), actor=actor
        )


def _values(organisation):
    filters, _ = parse_filters({}, organisation)
    return figures.overview(filters, organisation)


def _check(value, expected, renseignes, total=4):
    assert value.valeur == pytest.approx(expected)
    assert (value.renseignes, value.total) == (renseignes, total)


def test_data_only(tabular_store, commune_a):
    ov = _values(commune_a)
    v = ov["values"]
    _check(v["part_pme"], 1 / 3, 3)  # c1 of c1, c2, c4
    assert v["part_pme"].couverture == pytest.approx(3 / 4)
    # Amounts: PME 100 000 over the known and trustworthy ones (c1 + c2; c4's 1 € is an anomaly).
    assert v["part_pme_montant"].valeur == pytest.approx(100000 / 400000)
    _check(v["part_locale"], 1 / 2, 2)  # c1 of c1, c2 (c4: buyer's département unknown)
    assert v["part_locale_montant"].valeur == pytest.approx(100000 / 400000)
    sources = ov["sources_acces"]
    assert (sources["pme_donnees"], sources["pme_extrait"], sources["extrait"]) == (3, 0, None)
    assert (sources["locale_donnees"], sources["locale_extrait"]) == (2, 0)


# Extract: the SIREN row gives T1's category to all its SIRETs; SIRET rows give places (commune → département).
EXTRACT = """siren;siret;categorieEntreprise;codeCommuneEtablissement;codePostalEtablissement;denominationUniteLegale
111111111;;PME;;;BATISSEURS DU RHONE
;11111111111111;;69123;;
;22222222222222;GE;75056;;PROPRETE
;33333333333333;PME;;69001;
;44444444444444;GE;01053;;
;21690123100011;;69123;;COMMUNE A
"""


def test_extract_only(fixture_store, commune_a, appui, django_capture_on_commit_callbacks):
    # The base fixture has no tabular columns: everything comes from the extract.
    # c1 T1 (PME via SIREN, 69), c2 T2 (GE, 75), c3 T1 (1 €, anomaly), c4 T1; buyer S1 in 69.
    _import(commune_a, appui, EXTRACT, django_capture_on_commit_callbacks)
    ov = _values(commune_a)
    v = ov["values"]
    _check(v["part_pme"], 3 / 4, 4)
    assert v["part_pme_montant"].valeur == pytest.approx((100000 + 50000) / (100000 + 300000 + 50000))
    _check(v["part_locale"], 3 / 4, 4)
    assert v["part_locale_montant"].valeur == pytest.approx(150000 / 450000)
    sources = ov["sources_acces"]
    assert (sources["pme_donnees"], sources["pme_extrait"]) == (0, 4)
    assert (sources["locale_donnees"], sources["locale_extrait"]) == (0, 4)
    assert sources["extrait"].filename == "sirene.csv"


def test_data_and_extract_the_data_win(tabular_store, commune_a, appui, django_capture_on_commit_callbacks):
    # c2's T2 is GE in the data (the extract says GE too); c3's T3 only in the extract (PME, postal 69001 → 69);
    # c4's T4 is ETI in the data (the extract's GE is ignored), dép. 01; its buyer's 69 comes from the extract.
    _import(commune_a, appui, EXTRACT, django_capture_on_commit_callbacks)
    ov = _values(commune_a)
    v = ov["values"]
    _check(v["part_pme"], 2 / 4, 4)  # c1, c3
    assert v["part_pme_montant"].valeur == pytest.approx(150000 / 450000)
    _check(v["part_locale"], 2 / 4, 4)  # c1, c3 local; c2 (75), c4 (01) not
    assert v["part_locale_montant"].valeur == pytest.approx(150000 / 450000)
    sources = ov["sources_acces"]
    assert (sources["pme_donnees"], sources["pme_extrait"]) == (3, 1)
    assert (sources["locale_donnees"], sources["locale_extrait"]) == (2, 2)
    # Another organisation's view does not use A's extract.
    filters, _ = parse_filters({"perimetre": "national"}, None)
    national = figures.overview(filters)["values"]
    _check(national["part_pme"], 2 / 4, 4, total=5)  # c1, c5 of c1, c2, c4, c5


def test_neither_gives_coverage_zero_and_non_disponible(client, fixture_store, commune_a, appui):
    v = _values(commune_a)["values"]
    for code in ("part_pme", "part_pme_montant", "part_locale", "part_locale_montant"):
        assert v[code].valeur is None
        assert v[code].couverture == 0
    client.force_login(appui)
    page = client.get("/o/commune-a/cockpit/").content.decode()
    assert 'data-indicateur="part_pme">non disponible<' in page
    assert 'data-indicateur="part_locale">non disponible<' in page
    assert "aucun extrait SIRENE importé" in page
    assert "/o/commune-a/explorer/sirene/" in page  # the support service may import one


def test_page_says_where_values_come_from(client, tabular_store, commune_a, appui, django_capture_on_commit_callbacks):
    extract = _import(commune_a, appui, EXTRACT, django_capture_on_commit_callbacks)
    agent = MembershipFactory(organisation=commune_a, role=Role.AGENT).user
    client.force_login(agent)
    page = client.get("/o/commune-a/cockpit/").content.decode()
    # a handful of contracts: the share is known but below the minimum base (small fixture on purpose)
    assert 'data-indicateur="part_pme">échantillon insuffisant<' in page
    assert f"extrait SIRENE importé le {timezone.localtime(extract.imported_at):%d/%m/%Y}" in page
    assert "/o/commune-a/explorer/sirene/" not in page  # an agent may not import
    report = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    assert "Attribués à une PME" in report
    assert "extrait SIRENE importé le" in report
    commune_a.is_public = True
    commune_a.save()
    client.logout()
    public = client.get("/public/commune-a/cockpit/").content.decode()
    assert 'data-indicateur="part_locale">échantillon insuffisant<' in public  # same rule on the public view
    assert "/explorer/sirene/" not in public


def test_drill_down_to_the_contracts(client, tabular_store, commune_a, appui, django_capture_on_commit_callbacks):
    _import(commune_a, appui, EXTRACT, django_capture_on_commit_callbacks)
    client.force_login(appui)
    rows, total = figures.contracts(parse_filters({}, commune_a)[0], "pme", commune_a)
    assert total == 2
    assert {r["contrat_uid"] for r in rows} == {"c1", "c3"}
    rows, total = figures.contracts(parse_filters({}, commune_a)[0], "non_locale", commune_a)
    assert {r["contrat_uid"] for r in rows} == {"c2", "c4"}
    c4 = next(r for r in rows if r["contrat_uid"] == "c4")
    assert (c4["titulaire_categorie"], c4["titulaire_departement"], c4["acheteur_departement"]) == ("ETI", "01", "69")
    body = client.get("/o/commune-a/cockpit/contrats/?detail=locale").content.decode()
    assert "2 contrats." in body
    assert "dép. 69" in body


def test_api_fields(client, tabular_store, commune_a, appui):
    client.force_login(appui)
    ind = client.get("/api/v1/indicateurs?organisation=commune-a").json()["indicateurs"]
    assert ind["part_pme"]["valeur"] == pytest.approx(1 / 3)
    assert ind["part_pme"]["couverture"] == pytest.approx(3 / 4)
    assert ind["part_locale"]["valeur"] == pytest.approx(1 / 2)
    assert ind["part_locale_montant"]["couverture"] == pytest.approx(2 / 4)


def test_missing_extract_file_is_rebuilt_from_the_database(fixture_store, commune_a, appui):
    # Without on_commit callbacks run (as after a failed write), the cockpit writes the file itself.
    extract = do_import_sirene_extract(organisation=commune_a, filename="s.csv", raw=EXTRACT.encode(), actor=appui)
    path = extract_file.extract_path(extract)
    assert not path.exists()
    assert _values(commune_a)["values"]["part_pme"].valeur == pytest.approx(3 / 4)
    assert path.exists()


def test_names_only_extract_changes_nothing(fixture_store, commune_a, appui, django_capture_on_commit_callbacks):
    _import(commune_a, appui, f"siret;nom\n{S1};COMMUNE A\n", django_capture_on_commit_callbacks)
    assert _values(commune_a)["values"]["part_pme"].valeur is None


def test_sirene_upload_through_the_page(client, fixture_store, commune_a, appui):
    client.force_login(appui)
    upload = SimpleUploadedFile("sirene.csv", EXTRACT.encode())
    body = client.post("/o/commune-a/explorer/sirene/", {"fichier": upload}, follow=True).content.decode()
    assert "6 établissements" in body
    assert "4 avec une catégorie d&#x27;entreprise, 5 avec un département" in body
