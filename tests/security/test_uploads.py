"""Hostile uploads (issue 15): archives that would exhaust a worker are refused before any parsing, with a
French message naming the file, and without a large allocation."""

import gzip
import io
import re
import resource
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core import uploads
from pilote.core.uploads import Budget, UploadRefused, UploadRules, check_upload


MB = 1024 * 1024


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def max_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def test_many_small_members_are_refused_on_their_total_inflated_size():
    # 40 members of 1 Mo each: every one within the member cap, the archive over its 16 Mo total.
    archive = zip_bytes({f"part{i}.xml": b"0" * MB for i in range(40)})
    rules = UploadRules(
        extensions=(".zip",),
        max_bytes=MB,
        max_uncompressed_bytes=16 * MB,
        max_member_bytes=2 * MB,
        verify_inflated_size=True,
    )
    with pytest.raises(UploadRefused) as error:
        check_upload(SimpleUploadedFile("lots.zip", archive), rules)
    assert "« lots.zip » est refusé : une fois décompressé, il dépasserait 16 Mo." in error.value.messages[0]


def test_bounded_reading_stops_past_the_member_cap_whatever_the_archive_declares():
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes({"content.xml": b"<a>" + b" " * (20 * MB) + b"</a>"})))
    budget = Budget("bombe.ods", total_bytes=100 * MB, part_bytes=4 * MB)
    before = max_rss_mb()
    with pytest.raises(UploadRefused) as error:
        uploads.read_member(archive, "content.xml", budget)
    assert error.value.messages[0] == (
        "« bombe.ods » est refusé : une fois décompressé, l'élément « content.xml » dépasserait 4 Mo."
    )
    assert budget.used <= 4 * MB + uploads.CHUNK  # stopped one chunk past the cap
    assert max_rss_mb() - before < 40


def test_the_total_is_shared_by_the_parts_of_one_archive():
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes({f"m{i}.json": b"1" * (3 * MB) for i in range(5)})))
    budget = Budget("decp.zip", total_bytes=10 * MB, part_bytes=5 * MB)
    out = io.BytesIO()

    def copy_all():
        for member in archive.infolist():
            with archive.open(member) as source:
                uploads.copy_bounded(source, out, budget, member.filename)

    with pytest.raises(
        UploadRefused, match=re.escape("« decp.zip » est refusé : une fois décompressé, il dépasserait 10 Mo")
    ):
        copy_all()
    assert len(out.getvalue()) <= 10 * MB


def test_gzip_is_read_within_its_budget_even_when_its_trailer_lies():
    data = gzip.compress(b"[" + b"0," * (4 * MB) + b"0]")
    lying = data[:-4] + (100).to_bytes(4, "little")  # declares 100 bytes
    rules = UploadRules(extensions=(".gz",), max_bytes=MB, max_uncompressed_bytes=2 * MB, verify_inflated_size=True)
    with pytest.raises(
        UploadRefused, match=re.escape("« decp.json.gz » est refusé : une fois décompressé, il dépasserait 2 Mo")
    ):
        check_upload(SimpleUploadedFile("decp.json.gz", lying), rules)
    with uploads.open_gzip(io.BytesIO(gzip.compress(b"[1, 2]")), Budget("ok.gz", total_bytes=MB)) as stream:
        assert stream.read() == b"[1, 2]"


# --- census spreadsheets: refused before python-calamine allocates, read in a limited child ------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
T_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def xlsx_of(sheet_xml: str, shared: bytes | None = None) -> bytes:
    members = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": (
            f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Besoins" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml.encode(),
    }
    if shared is not None:
        members["xl/sharedStrings.xml"] = shared
    return zip_bytes(members)


def ods_of(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def two_far_cells(row: int, col: str) -> bytes:
    return xlsx_of(
        f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Objet</t></is></c></row>'
        f'<row r="{row}"><c r="{col}{row}"><v>1</v></c></row></sheetData></worksheet>'
    )


def repeated_ods(rows: int, cols: int) -> bytes:
    return ods_of(
        f'<office:document-content {T_NS}><office:body><office:spreadsheet><table:table table:name="B">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Objet</text:p></table:table-cell>'
        f'</table:table-row><table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>".encode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # 1.5 KB: python-calamine allocated the rectangle A1:XFD1048576 (550 GB) and aborted the worker.
        (two_far_cells(1048576, "XFD"), "la feuille a des valeurs jusqu'à la ligne 1048576"),
        # 1.5 KB: 99,000 × 1,000 cells, 3.8 GB and 9 s inside the request.
        (two_far_cells(99000, "ALL"), "la feuille a des valeurs jusqu'à la ligne 99000"),
        # under 1 KB: repeated cells, 16 billion cells asked of calamine; then 99 million (6 GB).
        (repeated_ods(1_000_000, 16_000), "La feuille a des valeurs jusqu'à la colonne WQJ"),
        (repeated_ods(99_000, 1_000), "La feuille a des valeurs jusqu'à la colonne ALL"),
        (repeated_ods(99_000, 5), "la feuille a des valeurs jusqu'à la ligne 99001"),
    ],
)
def test_sheets_whose_cells_reach_too_far_are_refused_before_calamine(data, message):
    from pilote.recensement import spreadsheet

    assert len(data) < 2000
    start, before = time.monotonic(), max_rss_mb()
    with pytest.raises(spreadsheet.FileRefused) as error:
        spreadsheet.read_table(data)
    assert message in str(error.value)
    # Refused by the scan (its message), before python-calamine allocated anything: fast, and the parent small.
    assert time.monotonic() - start < 10
    assert max_rss_mb() - before < 40


@pytest.fixture
def census(org_a, members_a):
    import datetime as dt

    from pilote.core.enums import Role
    from pilote.recensement import services
    from pilote.recensement.exports import EXAMPLE_SERVICES

    return services.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=EXAMPLE_SERVICES,
    )


@pytest.fixture
def agent_client(client, members_a):
    from pilote.core.enums import Role

    client.force_login(members_a[Role.AGENT])
    return client


def post_census(client, org, census, data, name):
    from html import unescape

    response = client.post(
        f"/o/{org.slug}/recensement/{census.pk}/import/", {"file": SimpleUploadedFile(name, data), "service": ""}
    )
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.django_db
def test_census_xlsx_with_a_huge_shared_strings_part_is_refused_naming_the_file(agent_client, org_a, census):
    count = 2_000_000  # 34 Mo of shared strings, 100 Ko compressed: 60 Mo per part were accepted before
    shared = f'<sst {NS} count="{count}">'.encode() + b"<si><t>x</t></si>" * count + b"</sst>"
    data = xlsx_of(
        f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>', shared
    )
    assert len(data) < 200_000
    page = post_census(agent_client, org_a, census, data, "besoins.xlsx")
    assert (
        "« besoins.xlsx » est refusé : une fois décompressé, l'élément « xl/sharedStrings.xml » dépasserait 25 Mo"
        in page
    )


@pytest.mark.django_db
def test_census_ods_with_a_huge_content_part_is_refused_naming_the_file(agent_client, org_a, census):
    content = f"<office:document-content {T_NS}>".encode() + b" " * (40 * MB) + b"</office:document-content>"
    page = post_census(agent_client, org_a, census, ods_of(content), "besoins.ods")
    assert "« besoins.ods » est refusé : une fois décompressé, l'élément « content.xml » dépasserait 25 Mo" in page


@pytest.mark.django_db
def test_census_zip_bomb_and_many_member_archive_are_refused(agent_client, org_a, census):
    bomb = zip_bytes({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"0" * (200 * MB)})
    assert len(bomb) < 300_000
    page = post_census(agent_client, org_a, census, bomb, "bombe.xlsx")
    assert "« bombe.xlsx » est refusé : une fois décompressé" in page
    many = zip_bytes({"xl/workbook.xml": b"<w/>"} | {f"xl/media/p{i}.xml": b"0" * (5 * MB) for i in range(12)})
    page = post_census(agent_client, org_a, census, many, "plusieurs.xlsx")
    assert "« plusieurs.xlsx » est refusé : une fois décompressé, il dépasserait 50 Mo." in page


@pytest.mark.django_db
def test_census_pages_still_read_a_real_spreadsheet(agent_client, org_a, census):
    from tests.recensement.files import xlsx

    page = post_census(
        agent_client, org_a, census, xlsx([["Éducation", "Repas", "55523100", "1000", "", ""]]), "b.xlsx"
    )
    assert 'name="token"' in page


def test_a_child_past_its_memory_limit_dies_alone():
    from pilote.core import sandbox

    before = max_rss_mb()
    with pytest.raises(sandbox.ChildFailed) as error:
        sandbox.run_module("tests.security.hog", str(2 * 1024**3).encode(), memory_bytes=512 * MB, cpu_seconds=10)
    assert str(error.value) == "sa lecture demanderait trop de mémoire"
    assert not error.value.refused
    assert sandbox.run_module("tests.security.hog", b"1000", memory_bytes=512 * MB) == 1000
    assert max_rss_mb() - before < 50


def test_the_reader_bounds_agree_with_the_census_limits():
    from pilote.recensement import cells, spreadsheet

    assert cells.MAX_ROWS == spreadsheet.MAX_ROWS + spreadsheet.HEADER_SCAN_ROWS


# --- other uploads: the SIRENE extract, documents of lessons learnt -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"siret,nom\n12345678901234," + b"a" * 200_000 + b"\n",  # a field past the csv module's limit
        b'siret,nom\n"12345678901234,x\n' + b"a" * 300_000,  # a quote never closed
    ],
)
def test_a_sirene_extract_that_is_not_csv_answers_a_french_message_not_a_500(
    client, org_a, members_a, raw, monkeypatch
):
    from html import unescape

    from pilote.core.enums import Role
    from pilote.explorer import views

    monkeypatch.setattr(views, "INLINE_BYTES", 10**9)  # read in the request (big files: test_sirene_task.py)
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/explorer/sirene/", {"fichier": SimpleUploadedFile("sirene.csv", raw)})
    assert response.status_code == 200
    assert "le fichier n'est pas un CSV lisible" in unescape(response.content.decode())


@pytest.mark.django_db
def test_a_lesson_document_that_inflates_more_than_it_declares_is_refused(org_a):
    import struct

    from django.core.exceptions import ValidationError

    from tests.annuaire import factories

    size = 150 * MB
    honest = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b" " * size})
    lying = honest.replace(struct.pack("<I", size), struct.pack("<I", 1000))  # declares 1000 bytes
    with pytest.raises(ValidationError, match="une fois décompressé"):
        factories.lesson(org_a, documents=[SimpleUploadedFile("compte-rendu.odt", lying)])


# --- retention: temporary files do not stay forever -----------------------------------------------------------


@pytest.mark.django_db
def test_unconfirmed_census_files_are_purged_by_the_command_after_the_retention(census, members_a, settings):
    import os
    import time

    from django.core.management import call_command

    from pilote.core.enums import Role
    from pilote.recensement import staging

    settings.PILOTE_FILE_RETENTION_HOURS = 2
    user = members_a[Role.AGENT]
    old = staging.stage_upload(b"old", campaign=census, user=user, filename="a.csv", default_service="")
    recent = staging.stage_upload(b"new", campaign=census, user=user, filename="b.csv", default_service="")
    folder = uploads.private_root() / "recensement"
    three_hours_ago = time.time() - 3 * 3600
    for suffix in (".bin", ".json"):
        os.utime(folder / f"{old}{suffix}", (three_hours_ago, three_hours_ago))
    out = io.StringIO()
    call_command("purge_files", stdout=out)
    assert "2 fichier(s) temporaire(s) de plus de 2 h supprimé(s)." in out.getvalue()
    assert staging.load_staged(old, campaign=census, user=user) is None
    assert staging.load_staged(recent, campaign=census, user=user)[0] == b"new"
    # Permanent areas (fiche attachments, lesson documents) are never purged.
    keep = uploads.private_root() / "fiches" / "old.pdf"
    keep.parent.mkdir(parents=True, exist_ok=True)
    keep.write_bytes(b"%PDF")
    os.utime(keep, (three_hours_ago, three_hours_ago))
    call_command("purge_files", stdout=io.StringIO())
    assert keep.exists()


# --- big census spreadsheets are read by a background task, the page showing its state --------------------------


@pytest.mark.django_db
def test_a_big_census_file_is_read_in_the_background_then_checked_and_imported(
    client, org_a, members_a, census, monkeypatch, settings
):
    from html import unescape

    from django_tasks import default_task_backend

    from pilote.core.enums import Role
    from pilote.recensement import spreadsheet, tasks
    from pilote.recensement.models import Need
    from tests.recensement.files import xlsx

    monkeypatch.setattr(spreadsheet, "INLINE_BYTES", 1000)  # every real file is then « big »
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    agent = members_a[Role.AGENT]
    client.force_login(agent)
    data = xlsx(
        [["Éducation", "@Repas", "55523100", "1000", "", ""], ["Éducation", "Ménage", "90910000", "2000", "", ""]]
    )
    response = client.post(
        f"/o/{org_a.slug}/recensement/{census.pk}/import/",
        {"file": SimpleUploadedFile("gros.xlsx", data), "service": ""},
    )
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    # The request did not read the file: it enqueued its reading.
    assert [r.args for r in default_task_backend.results] == [[token]]
    pending = client.get(response["Location"])
    assert "lecture en cours" in pending.content.decode()
    assert client.get(response["Location"], headers={"HX-Request": "true"}).content.decode().count("every 1s") == 1

    assert tasks.read_staged(token) == "ready"
    assert client.get(response["Location"], headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    review = unescape(client.get(response["Location"]).content.decode())
    assert f'name="token" value="{token}"' in review
    assert "2 besoins prêts à importer" in review
    client.post(f"/o/{org_a.slug}/recensement/{census.pk}/import/confirmer/", {"token": token, "mode": "tout"})
    assert sorted(Need.objects.values_list("objet", flat=True)) == ["@Repas", "Ménage"]
    # Processed: the staged file and its cells are deleted.
    assert not list((uploads.private_root() / "recensement").glob(f"{token}*"))


@pytest.mark.django_db
def test_a_big_hostile_file_read_in_the_background_is_refused_with_its_reason(
    client, org_a, members_a, census, monkeypatch, settings
):
    from html import unescape

    from pilote.core.enums import Role
    from pilote.recensement import spreadsheet, tasks

    monkeypatch.setattr(spreadsheet, "INLINE_BYTES", 100)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(members_a[Role.AGENT])
    response = client.post(
        f"/o/{org_a.slug}/recensement/{census.pk}/import/",
        {"file": SimpleUploadedFile("piege.xlsx", two_far_cells(1048576, "XFD")), "service": ""},
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert tasks.read_staged(token) == "refused"
    page = client.get(response["Location"], follow=True)
    text = unescape(page.content.decode())
    assert "« piege.xlsx » : Fichier trop volumineux : la feuille a des valeurs jusqu'à la ligne 1048576" in text
    assert not list((uploads.private_root() / "recensement").glob(f"{token}*"))
    # Another member of the organisation cannot follow someone else's upload.
    client.force_login(members_a[Role.ACHETEUR])
    assert client.get(response["Location"]).status_code == 302


def test_a_cell_whose_own_reference_is_far_is_refused_even_in_a_row_without_number():
    from pilote.recensement import spreadsheet

    data = xlsx_of(
        f'<worksheet {NS}><sheetData><row><c r="A1" t="inlineStr"><is><t>Objet</t></is></c></row>'
        '<row><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(spreadsheet.FileRefused, match="jusqu'à la ligne 1048576"):
        spreadsheet.read_table(data)


@pytest.mark.django_db
def test_a_fiche_attachment_that_inflates_more_than_it_declares_is_refused_and_not_kept(org_a, settings, tmp_path):
    import struct

    from pilote.fiches.models import FicheAttachment
    from pilote.fiches.services import do_add_attachment
    from tests.fiches.factories import agent_of, make_fiche

    settings.PILOTE_DATA_DIR = tmp_path
    fiche = make_fiche(org_a)
    size = 150 * MB
    honest = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * size})
    lying = honest.replace(struct.pack("<I", size), struct.pack("<I", 1000))  # declares 1000 bytes
    with pytest.raises(UploadRefused, match="une fois décompressé"):
        do_add_attachment(fiche, actor=agent_of(org_a), uploaded_file=SimpleUploadedFile("cahier.docx", lying))
    assert not FicheAttachment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
