"""Explorer pages as a member sees them: search, export, contract, buyer, supplier, préparer un achat, SIRENE."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from pilote.contracts.models import SireneName
from pilote.contracts.search import index as explorer_index
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from tests.explorer.conftest import BUYER_ROUEN, SUPPLIER_REPAS, SUPPLIER_ROUTES, uid_of


pytestmark = pytest.mark.django_db


@pytest.fixture(params=["entier", "segmente"])
def store(request, settings, imported_store, segmented_imported_store):
    """Every page against an index built whole and against a segmented one (the second import's contracts in a
    delta segment): the same answers."""
    source = imported_store if request.param == "entier" else segmented_imported_store
    shutil.copytree(source / "decp", Path(settings.PILOTE_DATA_DIR) / "decp")
    explorer_index._LOADED.clear()
    if request.param == "segmente":
        assert explorer_index.load().delta is not None
    yield settings.PILOTE_DATA_DIR
    explorer_index._LOADED.clear()


@pytest.fixture
def agent(client, members_a):
    client.force_login(members_a[Role.AGENT])
    return client


def url(name, org, **kwargs):
    return reverse(f"explorer:{name}", kwargs={"slug": org.slug, **kwargs})


def test_pages_say_when_nothing_was_imported(agent, org_a):
    for name, kwargs in [("search", {}), ("need", {}), ("buyer", {"siret": BUYER_ROUEN}), ("contract", {"uid": "x"})]:
        response = agent.get(url(name, org_a, **kwargs))
        assert response.status_code == 200
        assert "Aucune donnée DECP" in response.content.decode()


def test_search_page_lists_matches_with_links(agent, org_a, store):
    response = agent.get(url("search", org_a), {"q": "restauration scolaire"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Restauration Scolaire" in html
    assert "restaurations scolaires des écoles" in html
    assert reverse("explorer:buyer", kwargs={"slug": org_a.slug, "siret": BUYER_ROUEN}) in html
    assert "Exporter en CSV" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": ""}, "12</strong> contrats"),
        ({"q": "de la les"}, "mots trop courants"),
        ({"q": "<script>alert(1)</script>"}, "Aucun contrat ne correspond"),
        ({"q": "voirie", "page": "9999"}, "n&#x27;existe pas"),
        ({"q": "voirie", "page": "abc"}, "Numéro de page invalide"),
        ({"q": "voirie", "montant_min": "beaucoup"}, "Saisissez un nombre"),
    ],
)
def test_bad_input_gets_a_clear_answer(agent, org_a, store, params, expected):
    response = agent.get(url("search", org_a), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "<script>alert(1)</script>" not in html


def test_export_csv_has_the_matching_contracts(agent, org_a, store):
    response = agent.get(url("export", org_a), {"q": "voirie", "tri": "montant_desc"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("identifiant Pilote;date de notification")
    assert len(lines) == 3
    assert "Travaux de voirie" in lines[1]


def test_contract_page_shows_fields_raw_values_flags_history_and_similar(agent, org_a, ix):
    uid = uid_of(ix, "R1")
    html = agent.get(url("contract", org_a, uid=uid)).content.decode()
    assert "Objet du marché" in html
    assert "Restauration Scolaire" in html
    assert "Historique des modifications" in html
    assert "132" in html
    assert SUPPLIER_REPAS in html
    assert "decp-test-explorer" in html  # source of the publication
    assert "Contrats semblables" in html
    assert "restaurations scolaires des écoles" in html  # a similar contract
    # A symbolic amount is explained in French on its own contract page.
    html5 = agent.get(url("contract", org_a, uid=uid_of(ix, "R5"))).content.decode()
    assert "valeur symbolique" in html5


def test_unknown_contract_is_a_clear_page(agent, org_a, store):
    response = agent.get(url("contract", org_a, uid="m|123|nope|?"))
    assert response.status_code == 200
    assert "Contrat introuvable" in response.content.decode()


def test_buyer_and_supplier_pages(agent, org_a, store):
    html = agent.get(url("buyer", org_a, siret=BUYER_ROUEN)).content.decode()
    assert "Contrats par année" in html
    assert "Nettoyage des locaux administratifs" in html
    assert "annuaire-entreprises.data.gouv.fr/etablissement/" + BUYER_ROUEN in html
    html = agent.get(url("supplier", org_a, siret=SUPPLIER_ROUTES)).content.decode()
    assert "Principaux acheteurs" in html
    assert "Travaux de voirie" in html


@pytest.mark.parametrize("siret", ["12345678901234", "not a siret!", "0"])
def test_unknown_or_invalid_siret_is_a_clear_page(agent, org_a, store, siret):
    response = agent.get(url("buyer", org_a, siret=siret))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun contrat passé par cet acheteur" in html or "Identifiant invalide" in html


def test_need_page_gives_similar_contracts_price_and_suppliers(agent, org_a, store):
    response = agent.get(
        url("need", org_a),
        {"objet": "restauration scolaire", "montant": "100000", "duree_mois": "36", "departement": "76"},
    )
    html = response.content.decode()
    assert "55523100" in html  # suggested CPV
    assert "Restauration Scolaire" in html
    assert "Prix de référence" in html
    assert "exclu" in html
    assert SUPPLIER_REPAS in html  # won 3 comparable contracts (2 in the département)


def test_need_form_rejects_an_object_without_meaningful_words(agent, org_a, store):
    html = agent.get(url("need", org_a), {"objet": "de la"}).content.decode()
    assert "mots porteurs de sens" in html


def test_sirene_import_names_suppliers(client, org_a, members_a, store):
    client.force_login(members_a[Role.ACHETEUR])
    csv = f"siret;denominationUniteLegale\n{SUPPLIER_ROUTES};ROUTES DU NORD\n123;incomplet\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url("sirene", org_a), {"fichier": SimpleUploadedFile("sirene.csv", csv)}, follow=True)
    assert "1 établissements, 1 lignes ignorées" in response.content.decode()
    assert AuditEvent.objects.filter(organisation=org_a, verb="explorer.sirene_import").exists()
    html = client.get(url("supplier", org_a, siret=SUPPLIER_ROUTES)).content.decode()
    assert "ROUTES DU NORD" in html


def test_sirene_import_refuses_an_unusable_file_and_saves_nothing(client, org_a, members_a):
    client.force_login(members_a[Role.ACHETEUR])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url("sirene", org_a), {"fichier": SimpleUploadedFile("x.csv", b"nom;ville\nA;B\n")})
    assert "Colonne « siret » introuvable" in response.content.decode()
    assert not SireneName.objects.exists()


def test_agent_cannot_import_sirene(agent, org_a):
    assert agent.get(url("sirene", org_a)).status_code == 403
