"""The support service imports a DECP file from the web page and reads the report."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core.enums import Role
from pilote.core.models import BuyerEntity
from pilote.decp.models import ImportRun
from tests.decp_web.conftest import MEGALIS_BUYER, REAL_2022


def upload(client, org, name, content, capture):
    """Post the file; the import task runs when the transaction commits; then read the run's page."""
    with capture(execute=True):
        response = client.post(
            f"/o/{org.slug}/donnees/", {"fichier": SimpleUploadedFile(name, content), "source": "test"}
        )
    assert response.status_code == 302, unescape(response.content.decode())
    return client.get(response["Location"])


@pytest.mark.django_db
def test_appui_imports_a_real_2022_file_and_reads_the_report(
    client, org_a, members_a, django_capture_on_commit_callbacks
):
    client.force_login(members_a[Role.APPUI])
    BuyerEntity.objects.create(organisation=org_a, siret=MEGALIS_BUYER)
    response = upload(client, org_a, "megalis.json", REAL_2022.read_bytes(), django_capture_on_commit_callbacks)
    page = unescape(response.content.decode())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.SUCCEEDED, run.message
    assert run.report["read"] == 5
    assert run.report["rejected"] == 0  # every record is a contract of A's buyer
    assert run.report["read"] == run.report["stored"] + run.report["duplicates"] + run.report["rejected"]
    assert "Statut : terminé" in page
    assert "Enregistrements lus" in page
    # The cleaning rules applied are listed with their French label.
    assert "Règles de nettoyage appliquées" in page
    # The audit trail says who asked for it.
    from pilote.core.models import AuditEvent

    assert AuditEvent.objects.get(verb="decp.import_demande").actor == members_a[Role.APPUI]


@pytest.mark.django_db
def test_rejected_records_are_downloadable_with_their_reason(
    client, org_a, members_a, django_capture_on_commit_callbacks
):
    client.force_login(members_a[Role.ADMIN])
    BuyerEntity.objects.create(organisation=org_a, siret="21690123100011")  # the record's buyer is A's
    content = b'{"marches": {"marche": [{"id": "A1", "acheteur": {"id": "21690123100011"}, "objet": "Travaux", "montant": 50000}, 42]}}'
    upload(client, org_a, "mixte.json", content, django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert run.report["rejected"] == 1
    csv_text = client.get(f"/o/{org_a.slug}/donnees/imports/{run.pk}/rejets.csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0] == "fichier;tableau;position;motif;message;extrait"
    assert len(lines) == 2
    assert "mixte.json" in lines[1]


@pytest.mark.django_db
def test_broken_file_fails_clearly_and_leaves_store_untouched(
    client, org_a, members_a, django_capture_on_commit_callbacks, settings
):
    from pilote.decp import store

    client.force_login(members_a[Role.APPUI])
    upload(client, org_a, "megalis.json", REAL_2022.read_bytes(), django_capture_on_commit_callbacks)
    before = store.current_generation_id()
    response = upload(
        client,
        org_a,
        "tronque.json",
        b'{"marches": {"marche": [{"id": "A1", "objet": "Trav',
        django_capture_on_commit_callbacks,
    )
    run = ImportRun.objects.latest("created_at")
    assert run.status == ImportRun.Status.FAILED
    assert "tronque.json" in run.message
    assert "Les données en service n'ont pas changé." in unescape(response.content.decode())
    assert store.current_generation_id() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Déposez un fichier ou indiquez une adresse"),
        ({"url": "ftp://exemple.fr/decp.json"}, "Seules les adresses http(s) sont acceptées."),
        ({"url": "https://exemple.fr/a.json", "fichier": SimpleUploadedFile("a.json", b"{}")}, "l'un des deux"),
    ],
)
def test_bad_form_input_is_explained_and_nothing_starts(client, org_a, members_a, data, message):
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/donnees/", data)
    assert message in unescape(response.content.decode())
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_wrong_file_type_and_oversized_file_are_refused(client, org_a, members_a, settings):
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/donnees/", {"fichier": SimpleUploadedFile("virus.exe", b"MZ")})
    assert "n'est pas un type de fichier accepté" in unescape(response.content.decode())
    settings.PILOTE_MAX_UPLOAD_BYTES = 10
    response = client.post(f"/o/{org_a.slug}/donnees/", {"fichier": SimpleUploadedFile("gros.json", b"x" * 11)})
    assert "dépasse la taille maximale" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_runs_of_another_organisation_are_not_visible(client, org_a, org_b, members_a, members_b):
    run = ImportRun.objects.create(source="secret.json", actor=members_b[Role.APPUI])
    client.force_login(members_a[Role.APPUI])
    assert client.get(f"/o/{org_a.slug}/donnees/imports/{run.pk}/").status_code == 404
    assert "secret.json" not in client.get(f"/o/{org_a.slug}/donnees/").content.decode()


@pytest.mark.django_db
def test_the_report_page_names_the_contracts_left_without_a_row(client, org_a, members_a):
    """A contract identity split off a duplicate has no stored row (steps/identify.rowless): the run's page says
    how many and which, escaped like any text of a file."""
    report = {"statut": "ok", "read": 1, "stored": 0, "duplicates": 1, "rejected": 0, "generation": "g",
              "contrats_sans_ligne": ["m|21350238800019|2024-0001|?", "m|1|<b>x</b>|?"]}  # fmt: skip
    run = ImportRun.objects.create(
        source="b.json", actor=members_a[Role.APPUI], organisation=org_a, status=ImportRun.Status.SUCCEEDED,
        report=report,
    )  # fmt: skip
    client.force_login(members_a[Role.APPUI])
    page = client.get(f"/o/{org_a.slug}/donnees/imports/{run.pk}/").content.decode()
    assert "2 contrats" in page
    assert "sans ligne enregistrée" in page
    assert "m|21350238800019|2024-0001|?" in page
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
