"""Spreadsheet import through the pages: check first, nothing imported while there are errors unless the user
explicitly imports the valid rows only; all or nothing."""

import re
from html import unescape

import pytest

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.recensement.exports import example_file
from pilote.recensement.models import Need, NeedSource
from tests.recensement.files import xlsx


pytestmark = pytest.mark.django_db


def upload(client, org, campaign, data, name="besoins.xlsx", service=""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/o/{org.slug}/recensement/{campaign.pk}/import/",
        {"file": SimpleUploadedFile(name, data), "service": service},
    )


def token_of(response) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode())[1]


def test_example_with_errors_nothing_imported_until_fixed(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.AGENT])
    review = upload(client, org_a, campaign, example_file())
    page = review.content.decode()
    assert "4 lignes en erreur" in page
    assert "Ligne 9, colonne « Date souhaitée » : date impossible (31/02/2027)." in page
    assert not Need.objects.exists()
    # Importing "everything" while rows are wrong is refused and imports nothing.
    response = client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "tout"}
    )
    assert response.status_code == 302
    assert not Need.objects.exists()
    # The user explicitly imports the valid rows only.
    client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "valides"}
    )
    assert Need.objects.count() == 6
    assert set(Need.objects.values_list("source", flat=True)) == {NeedSource.IMPORT}
    supplies = Need.objects.get(objet="Fournitures scolaires")
    assert supplies.code_cpv
    assert supplies.cpv_suggere
    event = AuditEvent.objects.get(verb="recensement.import")
    assert event.payload["importees"] == 6
    assert event.payload["lignes_ecartees"] == [8, 9, 10, 11]
    # The same token cannot be used twice.
    client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "valides"}
    )
    assert Need.objects.count() == 6


def test_fixed_file_imports_only_what_is_new(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.AGENT])
    rows = [
        ["Éducation", "Restauration scolaire", "55523100", "180 000", "01/09/2027", "École A"],
        ["Solidarités", "Portage de repas", "55521100", "45 k€", "01/09/2027", "Résidence"],
    ]
    review = upload(client, org_a, campaign, xlsx(rows))
    assert "Le fichier est correct : 2 besoins prêts à importer." in review.content.decode()
    client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "tout"}
    )
    assert Need.objects.count() == 2
    # Uploading the same file again: every row is already declared.
    again = upload(client, org_a, campaign, xlsx(rows)).content.decode()
    assert "déjà déclaré dans la campagne" in again
    assert Need.objects.count() == 2


def test_refused_file_shows_the_reason(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.AGENT])
    response = upload(client, org_a, campaign, b"%PDF-1.4 hello", name="besoins.xlsx")
    assert "pas un tableur" in response.content.decode()
    response = upload(client, org_a, campaign, xlsx([["Repas"]], header=["Objet", "Quantité"]))
    assert "Colonne(s) obligatoire(s) absente(s)" in response.content.decode()


def test_spreadsheet_bomb_is_refused_before_parsing(client, org_a, members_a, campaign, monkeypatch):
    import io
    import zipfile

    from pilote.recensement import spreadsheet

    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(spreadsheet, "parse", never)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (101 * 1024 * 1024))
    client.force_login(members_a[Role.AGENT])
    page = upload(client, org_a, campaign, buffer.getvalue(), name="bombe.xlsx").content.decode()
    assert "« bombe.xlsx » est refusé : une fois décompressé" in unescape(page)


def test_default_service_from_the_form(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.AGENT])
    service = campaign.services.get(name="Bâtiments")
    review = upload(client, org_a, campaign, xlsx([["Ravalement", "250000"]], header=["Objet", "Montant"]),
                    service=service.pk)  # fmt: skip
    client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "tout"}
    )
    assert Need.objects.get().service == service


def test_staged_file_belongs_to_its_uploader(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.AGENT])
    review = upload(client, org_a, campaign, xlsx([["Éducation", "Repas", "55523100", "1000", "", ""]]))
    client.force_login(members_a[Role.ACHETEUR])
    client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/import/confirmer/", {"token": token_of(review), "mode": "tout"}
    )
    assert not Need.objects.exists()


def test_template_and_example_downloads(client, org_a, members_a):
    client.force_login(members_a[Role.ELU])
    for name in ("modele.xlsx", "exemple.xlsx"):
        response = client.get(f"/o/{org_a.slug}/recensement/{name}")
        assert response.status_code == 200
        assert response.content.startswith(b"PK")


def test_abandoned_uploads_are_forgotten_after_a_day(org_a, members_a, campaign):
    import os
    import time

    from pilote.recensement import staging

    user = members_a[Role.AGENT]
    old = staging.stage_upload(b"old", campaign=campaign, user=user, filename="a.csv", default_service="")
    for suffix in (".bin", ".json"):
        path = staging._imports_dir() / f"{old}{suffix}"
        os.utime(path, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    new = staging.stage_upload(b"new", campaign=campaign, user=user, filename="b.csv", default_service="")
    assert staging.load_staged(old, campaign=campaign, user=user) is None
    assert staging.load_staged(new, campaign=campaign, user=user)[0] == b"new"
