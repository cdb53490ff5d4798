"""The one upload check and the private storage (pilote.core.uploads)."""

import gzip
import io
import os
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core import uploads
from pilote.core.uploads import UploadRefused, UploadRules, check_bytes, check_upload


DOCS = UploadRules(extensions=(".pdf", ".xlsx", ".csv", ".gz", ".zip"), max_bytes=1024 * 1024)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(upload, rules=DOCS) -> str:
    with pytest.raises(UploadRefused) as error:
        check_upload(upload, rules)
    return error.value.messages[0]


def test_a_good_file_is_described():
    checked = check_upload(SimpleUploadedFile("Devis n°3.PDF", b"%PDF-1.7 ..."), DOCS)
    assert (checked.name, checked.extension, checked.content_type, checked.size) == (
        "Devis n_3.PDF",
        ".pdf",
        "application/pdf",
        12,
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("outil.exe", b"MZ", "« outil.exe » n'est pas un type de fichier accepté (formats acceptés : pdf, xlsx"),
        ("vide.pdf", b"", "« vide.pdf » est vide."),
        ("faux.pdf", b"<html>", "« faux.pdf » ne correspond pas à son extension .pdf."),
        ("binaire.csv", b"a;b\x00\x01", "« binaire.csv » n'est pas un fichier texte."),
        ("abime.xlsx", b"PK\x03\x04garbage", "« abime.xlsx » est une archive abîmée"),
        ("../../etc/passwd.pdf", b"x", "« passwd.pdf » ne correspond pas"),
    ],
)
def test_refusals_name_the_file(name, data, message):
    assert refusal(SimpleUploadedFile(name, data)).startswith(message)


def test_size_bound_read_at_check_time(settings):
    rules = UploadRules(extensions=(".pdf",), max_bytes=lambda: settings.PILOTE_MAX_UPLOAD_BYTES)
    settings.PILOTE_MAX_UPLOAD_BYTES = 10
    message = refusal(SimpleUploadedFile("gros.pdf", b"%PDF" + b"x" * 20), rules)
    assert message == "« gros.pdf » est trop volumineux : il dépasse la taille maximale de 10 octets."
    settings.PILOTE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    assert check_upload(SimpleUploadedFile("gros.pdf", b"%PDF" + b"x" * 20), rules).size == 24
    big = UploadRules(extensions=(".pdf",), max_bytes=10 * 1024 * 1024)
    assert "taille maximale de 10 Mo" in refusal(SimpleUploadedFile("g.pdf", b"%PDF" + b"x" * 11 * 1024 * 1024), big)


def test_zip_bomb_is_refused_from_the_central_directory():
    bomb = zip_bytes({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"0" * (3 * 1024 * 1024)})
    assert len(bomb) < 20_000  # compresses about 1000:1
    rules = UploadRules(extensions=(".xlsx",), max_bytes=1024 * 1024, max_member_bytes=2 * 1024 * 1024)
    message = refusal(SimpleUploadedFile("besoins.xlsx", bomb), rules)
    assert "« besoins.xlsx » est refusé : une fois décompressé, l'élément « xl/worksheets/sheet1.xml »" in message
    rules = UploadRules(extensions=(".xlsx",), max_bytes=1024 * 1024, max_uncompressed_bytes=2 * 1024 * 1024)
    assert "une fois décompressé, il dépasserait 2 Mo" in refusal(SimpleUploadedFile("besoins.xlsx", bomb), rules)
    # The same archive within bounds is accepted, and the file is left at its start for the reader.
    upload = SimpleUploadedFile("besoins.xlsx", bomb)
    check_upload(upload, UploadRules(extensions=(".xlsx",), max_bytes=1024 * 1024))
    assert upload.read(4) == b"PK\x03\x04"


def test_zip_check_does_not_trust_the_name():
    # Any extension whose content is a zip (here a census file checked by content only) is bounded too.
    bomb = zip_bytes({"a.csv": b"0" * (3 * 1024 * 1024)})
    rules = UploadRules(extensions=None, max_bytes=1024 * 1024, max_uncompressed_bytes=1024 * 1024)
    with pytest.raises(UploadRefused, match="une fois décompressé"):
        check_bytes(bomb, "besoins.csv", rules)


def test_a_member_larger_than_declared_is_caught_when_asked():
    size = 1_000_003
    honest = zip_bytes({"xl/worksheets/sheet1.xml": b"0" * size})
    lying = honest.replace(struct.pack("<I", size), struct.pack("<I", 1000))
    rules = UploadRules(extensions=(".xlsx",), max_bytes=1024 * 1024)
    checked = UploadRules(extensions=(".xlsx",), max_bytes=1024 * 1024, verify_inflated_size=True)
    assert check_upload(SimpleUploadedFile("a.xlsx", lying), rules).size == len(lying)  # declared sizes only
    message = refusal(SimpleUploadedFile("a.xlsx", lying), checked)
    assert "plus grand une fois décompressé que ce que l'archive déclare" in message
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
    for data in (honest, stored.getvalue()):
        assert check_upload(SimpleUploadedFile("a.xlsx", data), checked).extension == ".xlsx"


def test_too_many_members():
    archive = zip_bytes({f"f{i}.txt": b"x" for i in range(30)})
    rules = UploadRules(extensions=(".zip",), max_bytes=1024 * 1024, max_members=20)
    assert "contient trop d'éléments (30, 20 au plus)" in refusal(SimpleUploadedFile("a.zip", archive), rules)


def test_gzip_trailer_bounds_the_uncompressed_size():
    data = gzip.compress(b"[" + b"0," * (1024 * 1024) + b"0]")
    rules = UploadRules(extensions=(".gz",), max_bytes=1024 * 1024, max_uncompressed_bytes=1024 * 1024)
    assert "une fois décompressé, il dépasserait 1 Mo" in refusal(SimpleUploadedFile("decp.json.gz", data), rules)
    assert check_upload(SimpleUploadedFile("decp.json.gz", gzip.compress(b"[]")), rules).extension == ".gz"
    lying = gzip.compress(b"[]")[:-4] + struct.pack("<I", 2**31)
    assert "dépasserait" in refusal(SimpleUploadedFile("decp.json.gz", lying), rules)
    assert "abîmée" in refusal(SimpleUploadedFile("decp.json.gz", b"\x1f\x8b\x08"), rules)


def test_safe_names():
    assert uploads.safe_name("..\\..\\a b/c<d>.pdf") == "c_d_.pdf"
    assert uploads.safe_name("") == "fichier"
    assert uploads.safe_name("...") == "fichier"
    name = uploads.new_name("Rapport.PDF", folder="12")
    assert name.startswith("12/")
    assert name.endswith(".pdf")
    assert len(name) == 3 + 32 + 4
    assert uploads.new_name("sans extension").count(".") == 0


def test_private_storage_is_outside_media_and_has_no_url(settings):
    storage = uploads.private_storage("fiches")
    name = storage.save("3/abc.pdf", SimpleUploadedFile("x.pdf", b"%PDF-1"))
    path = settings.PILOTE_DATA_DIR / "private" / "fiches" / "3" / "abc.pdf"
    assert name == "3/abc.pdf"
    assert path.read_bytes() == b"%PDF-1"
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ValueError):
        storage.url(name)
    assert storage.save("3/abc.pdf", SimpleUploadedFile("x.pdf", b"%PDF-2")) != name  # never overwrites
    storage.delete(name)
    storage.delete(name)  # already gone: no error
    assert not path.exists()
    with pytest.raises(Exception, match="outside"):
        storage.path("../annuaire/x.pdf")


def test_a_failed_write_leaves_nothing(settings):
    class Broken:
        def chunks(self):
            yield b"%PDF-1.4 first part"
            raise OSError("disque plein")

    storage = uploads.private_storage("annuaire")
    with pytest.raises(OSError, match="disque plein"):
        storage._save("doc.pdf", Broken())
    folder = settings.PILOTE_DATA_DIR / "private" / "annuaire"
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("area", "legacy", "name"),
    [
        ("fiches", "fiches", "7/0123456789abcdef0123456789abcdef.pdf"),
        ("annuaire", "annuaire/documents", "0123456789abcdef0123456789abcdef.pdf"),
        ("recensement", "recensement/imports", "0123456789abcdef0123456789abcdef.bin"),
    ],
)
def test_files_stored_before_are_moved_on_first_read(settings, area, legacy, name):
    old = settings.PILOTE_DATA_DIR / legacy / name
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF ancien")
    storage = uploads.private_storage(area)
    assert storage.exists(name)
    with storage.open(name, "rb") as fh:
        assert fh.read() == b"%PDF ancien"
    assert not old.exists()
    assert (settings.PILOTE_DATA_DIR / "private" / area / name).exists()
    assert not os.path.exists(settings.PILOTE_DATA_DIR / "private" / area / "missing.pdf")
    assert not storage.exists("missing.pdf")


@pytest.mark.django_db
def test_former_fiche_attachment_still_downloads(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from pilote.core.enums import Role
    from pilote.fiches.models import FicheAttachment
    from tests.core.factories import MembershipFactory
    from tests.fiches.factories import make_fiche

    membership = MembershipFactory(role=Role.AGENT)
    fiche = make_fiche(membership.organisation, author=membership.user)
    client.force_login(membership.user)
    client.post(
        f"/o/{membership.organisation.slug}/fiches/{fiche.pk}/pieces/", {"file": Upload("devis.pdf", b"%PDF-1.4 d")}
    )
    attachment = FicheAttachment.objects.get()
    # Put the file where it was stored before the private area existed.
    new = settings.PILOTE_DATA_DIR / "private" / "fiches" / attachment.storage_name
    old = settings.PILOTE_DATA_DIR / "fiches" / attachment.storage_name
    old.parent.mkdir(parents=True)
    new.rename(old)
    download = client.get(f"/o/{membership.organisation.slug}/fiches/{fiche.pk}/pieces/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 d"
    assert new.exists()
    assert not old.exists()
