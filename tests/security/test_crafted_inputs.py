"""Crafted inputs answer 400 (or a French form error), never 500: absurd page numbers and ids in the query
string (bounded where they are parsed, pilote.core.params), a SIRENE upload of random bytes; and an
attachment is served with the type checked at upload, not the one the browser claimed."""

import os

import pytest
from django.core.exceptions import BadRequest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from pilote.core.enums import Role
from pilote.core.params import object_id, page_number
from pilote.fiches.services import do_add_attachment
from tests.analytics.store import S1, write_fixture_store
from tests.core.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"


@pytest.fixture
def commune(client):
    organisation = OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])
    user = UserFactory()
    MembershipFactory(organisation=organisation, user=user, role=Role.ADMIN)
    client.force_login(user)
    client.raise_request_exception = False
    return organisation


def test_query_numbers_are_bounded_where_parsed():
    assert page_number(QueryDict("")) == 1
    assert page_number(QueryDict("page=abc")) == 1
    assert page_number(QueryDict("page=-3")) == 1
    assert page_number(QueryDict("page=7")) == 7
    assert object_id(QueryDict("segment=٣"), "segment") is None  # a non-ASCII digit is not an id
    assert object_id(QueryDict("segment=12"), "segment") == 12
    for query in (f"page={HUGE}", "page=100001"):
        with pytest.raises(BadRequest):
            page_number(QueryDict(query))
    with pytest.raises(BadRequest):
        object_id(QueryDict(f"segment={HUGE}"), "segment")


def test_absurd_page_of_the_cockpit_contracts_answers_400(client, commune, settings):
    write_fixture_store(settings.PILOTE_DATA_DIR)
    response = client.get(f"/o/commune-a/cockpit/contrats/?page={HUGE}")
    assert response.status_code == 400
    assert client.get("/o/commune-a/cockpit/contrats/?page=2").status_code == 200


def test_absurd_segment_of_the_fiche_list_answers_400(client, commune):
    assert client.get(f"/o/commune-a/fiches/?segment={HUGE}").status_code == 400
    assert client.get("/o/commune-a/fiches/?segment=12").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/o/commune-a/cockpit/?segment={HUGE}",
        f"/o/commune-a/cockpit/?page={HUGE}",
        f"/o/commune-a/journal/?page={HUGE}",
        f"/o/commune-a/fiches/?page={HUGE}",
        f"/api/v1/contrats?page={HUGE}",
        f"/api/v1/indicateurs?organisation=commune-a&segment={HUGE}",
    ],
)
def test_other_absurd_numbers_never_answer_500(client, commune, settings, url):
    write_fixture_store(settings.PILOTE_DATA_DIR)
    assert client.get(url).status_code < 500


@pytest.mark.parametrize("name", ["extrait.csv", "extrait.xlsx", "extrait.parquet", "extrait.zip", "extrait.gz"])
def test_sirene_upload_of_random_bytes_is_refused_in_french(client, commune, name):
    response = client.post("/o/commune-a/explorer/sirene/", {"fichier": SimpleUploadedFile(name, os.urandom(8000))})
    assert response.status_code in (200, 400)
    assert 'id="id_fichier-erreurs"' in response.content.decode()


def test_attachment_is_served_with_the_checked_type_not_the_browsers(client, commune):
    fiche = make_fiche(commune)
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4\n" + b"x" * 100, content_type="text/html")
    attachment = do_add_attachment(fiche, actor=fiche.author, uploaded_file=upload)
    assert attachment.content_type == "application/pdf"
    response = client.get(f"/o/commune-a/fiches/{fiche.pk}/pieces/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/indicateurs/objectifs?organisation=%00", "/api/v1/contrats?q=a%00b", "/connexion/?next=%00"]
)
def test_a_nul_character_in_a_query_answers_400_on_every_database(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()
