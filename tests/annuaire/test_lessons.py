"""Lessons learnt: writing them with documents (type and size limits, nothing half-saved), reading and
downloading with rights, search, and what other apps use (lessons_for_segment, the template include)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from pilote.annuaire import queries, uploads
from pilote.annuaire.models import Lesson, LessonDocument
from pilote.core.enums import Role
from tests.annuaire import factories


pytestmark = pytest.mark.django_db


def _form(segment, **extra):
    data = {
        "title": "Groupement de commandes pour l'électricité",
        "segment": segment.pk,
        "context": "Trois communes voisines.",
        "actions": "Convention de groupement.",
        "results": "Prix inférieurs de 12 %.",
        "contract_uids": "21590328700013_2024-017\n",
    }
    return data | extra


def test_buyer_writes_a_lesson_with_a_document_and_a_colleague_downloads_it(client, org_a, members_a):
    energie = factories.segment("energie")
    client.force_login(members_a[Role.ACHETEUR])
    document = factories.pdf("bilan groupement.pdf")
    response = client.post(f"/o/{org_a.slug}/annuaire/retours/nouveau/", _form(energie, documents=[document]))
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert lesson.contracts == ["21590328700013_2024-017"]
    stored = lesson.documents.get()
    assert uploads.path_of(stored.stored_name).read_bytes().startswith(b"%PDF")
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/").content.decode()
    assert f'href="/o/{org_a.slug}/explorer/contrats/21590328700013_2024-017/"' in page
    download = client.get(f"/o/{org_a.slug}/annuaire/documents/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "bilan groupement.pdf" in download["Content-Disposition"]


def test_refused_document_saves_nothing(client, org_a, members_a):
    energie = factories.segment("energie")
    client.force_login(members_a[Role.ACHETEUR])
    fake = SimpleUploadedFile("note.pdf", b"MZ\x90\x00 pas un PDF", content_type="application/pdf")
    response = client.post(f"/o/{org_a.slug}/annuaire/retours/nouveau/", _form(energie, documents=[fake]))
    assert response.status_code == 200
    assert "ne correspond pas à son extension .pdf" in response.content.decode()
    assert not Lesson.objects.exists()
    assert not LessonDocument.objects.exists()
    assert not uploads.documents_dir().exists() or not any(uploads.documents_dir().iterdir())


def test_executable_and_oversized_files_are_refused(org_a, settings):
    with pytest.raises(ValidationError, match="pas un type de fichier accepté"):
        factories.lesson(org_a, documents=[SimpleUploadedFile("outil.exe", b"MZ")])
    big = factories.pdf("gros.pdf", size=uploads.MAX_BYTES)
    with pytest.raises(ValidationError, match="dépasse la taille maximale de 10 Mo"):
        factories.lesson(org_a, documents=[big])
    assert not Lesson.objects.exists()


def test_documents_of_unshared_lessons_of_another_organisation_are_not_found(client, org_a, org_b, members_a):
    lesson = factories.lesson(org_b, documents=[factories.pdf()])
    client.force_login(members_a[Role.ADMIN])
    document = lesson.documents.get()
    assert client.get(f"/o/{org_a.slug}/annuaire/documents/{document.pk}/").status_code == 404
    assert client.get(f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/").status_code == 404


def test_search_lessons_without_accents(client, org_a, members_a):
    factories.lesson(org_a, title="Sourçage des véhicules électriques", segment=factories.segment("vehicules"))
    factories.lesson(org_a, title="Marché de nettoyage", segment=factories.segment("nettoyage"))
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/annuaire/retours/", {"q": "VEHICULES electriques"}).content.decode()
    assert "Sourçage des véhicules électriques" in page
    assert "Marché de nettoyage" not in page


def test_lessons_for_segment_by_instance_or_text_and_sharing(org_a, org_b):
    energie = factories.segment("energie")
    own = factories.lesson(org_a, segment=energie)
    factories.lesson(org_a, segment=factories.segment("nettoyage"))
    shared = factories.lesson(org_b, segment=energie, shared_with_partners=True)
    factories.lesson(org_b, segment=energie)  # not shared
    assert set(queries.lessons_for_segment(org_a, energie)) == {own, shared}
    assert set(queries.lessons_for_segment(org_a, "ENERGIE et fluides")) == {own, shared}


def test_lessons_include_for_other_apps(org_a, members_a):
    energie = factories.segment("energie")
    lesson = factories.lesson(org_a, segment=energie, title="Achat d'électricité verte")
    request = RequestFactory().get("/")
    request.organisation = org_a
    html = render_to_string(
        "annuaire/_lessons_for_segment.html",
        {"lessons": queries.lessons_for_segment(org_a, energie), "request": request},
    )
    assert "Achat d&#x27;électricité verte" in html
    assert f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/" in html
    empty = render_to_string("annuaire/_lessons_for_segment.html", {"lessons": [], "request": request})
    assert "Aucun retour d'expérience sur ce segment" in empty


def test_segments_page_links_to_the_segment_lessons(client, org_a, members_a):
    energie = factories.segment("energie")
    factories.lesson(org_a, segment=energie)
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/annuaire/segments/").content.decode()
    assert f"/o/{org_a.slug}/annuaire/retours/?segment={energie.pk}" in page
