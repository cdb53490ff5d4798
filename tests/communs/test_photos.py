"""Photos of the catalogue: re-encoded without metadata, stored privately, served to those who may see the
resource; hostile files (not an image, a decompression bomb, too big) refused with a French message and
nothing kept."""

import io
import resource as rusage
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from pilote.communs import catalogue, photos
from pilote.communs.models import ResourcePhoto
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from tests.communs import helpers
from tests.communs.photo_files import jpeg_bytes, png_bomb, png_bytes, upload


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(org_a, members_a):
    return members_a[Role.APPUI]


@pytest.fixture
def washer(org_a, actor):
    return helpers.tool(org_a, actor)


def _stored_files() -> list[Path]:
    root = Path(photos.storage().location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _add(washer, actor, name="lance.jpg", data=None, alt="Nettoyeur haute pression sur son chariot"):
    return catalogue.do_add_photo(
        washer, upload=upload(name, jpeg_bytes() if data is None else data), alt_text=alt, actor=actor
    )


def test_a_jpeg_is_kept_upright_without_its_metadata(washer, actor):
    photo = _add(washer, actor, data=jpeg_bytes(64, 48))
    data = photos.storage().open(photo.storage_name).read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (48, 64)  # the orientation tag (6) applied before it was dropped
    assert (photo.width, photo.height) == (48, 64)
    assert not image.getexif()
    assert b"Fabricant secret" not in data
    assert b"Exif" not in data
    assert photo.content_type == "image/jpeg"
    assert photo.storage_name.startswith(f"{washer.pk}/")
    assert photo.storage_name.endswith(".jpg")
    assert AuditEvent.objects.filter(verb="communs.photo_ajoutee").count() == 1


def test_a_png_loses_its_text_chunks_and_a_big_photo_is_reduced(washer, actor):
    photo = _add(washer, actor, name="plan.png", data=png_bytes())
    data = photos.storage().open(photo.storage_name).read()
    assert b"Auteur secret" not in data
    assert Image.open(io.BytesIO(data)).format == "PNG"
    big = _add(washer, actor, data=jpeg_bytes(3000, 1500, exif=False))
    assert (big.width, big.height) == (2000, 1000)


def test_several_photos_each_with_its_alt_text(washer, actor):
    _add(washer, actor, alt="Vue de face")
    _add(washer, actor, alt="La lance et ses buses")
    assert list(washer.photos.values_list("alt_text", flat=True)) == ["Vue de face", "La lance et ses buses"]


@pytest.mark.parametrize(
    ("alt", "message"),
    [
        ("   ", "texte alternatif, obligatoire pour l'accessibilité"),
        ("IMG_2041.JPG", "pas le nom du fichier"),
        ("x" * 251, "250 caractères au plus"),
    ],
)
def test_the_alt_text_is_required_and_describes_the_photo(washer, actor, alt, message):
    with pytest.raises(ValidationError) as error:
        _add(washer, actor, alt=alt)
    assert message in str(error.value)
    assert not ResourcePhoto.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # A web page renamed .jpg: its first bytes are not a JPEG's.
        (
            "photo.jpg",
            b"<html><script>alert(1)</script></html>",
            "« photo.jpg » ne correspond pas à son extension .jpg.",
        ),
        # A JPEG signature followed by junk: Pillow cannot read it.
        (
            "abime.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00junk" * 200,
            "« abime.jpg » est refusé : ce n'est pas une image lisible",
        ),
        # A PNG under a .jpg name.
        ("faux.jpg", png_bytes(), "« faux.jpg » ne correspond pas à son extension .jpg."),
        # Not a photo format at all.
        ("script.svg", b"<svg onload='alert(1)'/>", "« script.svg » n'est pas un type de fichier accepté"),
        # Decompression bombs: 8000 × 6000 (over our 40 Mpx) and 60000 × 60000 (over Pillow's own limit).
        ("bombe.png", png_bomb(8000, 6000), "l'image déclare 8000 × 6000 pixels, au-delà de 40 millions"),
        ("bombe2.png", png_bomb(60000, 60000), "« bombe2.png » est refusé"),
        ("vide.png", b"", "« vide.png » est vide."),
    ],
)
def test_hostile_files_are_refused_in_french_and_nothing_is_kept(washer, actor, name, data, message):
    with pytest.raises(ValidationError) as error:
        _add(washer, actor, name=name, data=data)
    assert message in " ".join(error.value.messages)
    assert not ResourcePhoto.objects.exists()
    assert _stored_files() == []


def test_a_decompression_bomb_is_refused_without_decoding_it(washer, actor):
    before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss // 1024
    with pytest.raises(ValidationError):
        _add(washer, actor, name="bombe.png", data=png_bomb(30000, 30000))  # 2.7 Go once decoded
    assert rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss // 1024 - before < 50


def test_a_huge_file_is_refused_on_its_size(washer, actor):
    data = jpeg_bytes(exif=False) + b"\x00" * (photos.MAX_BYTES + 1)
    with pytest.raises(ValidationError) as error:
        _add(washer, actor, name="enorme.jpg", data=data)
    assert "« enorme.jpg » est trop volumineux : il dépasse la taille maximale de 8 Mo." in error.value.messages
    assert _stored_files() == []


def test_the_number_of_photos_is_bounded(washer, actor, monkeypatch):
    monkeypatch.setattr(photos, "MAX_PER_RESOURCE", 1)
    _add(washer, actor)
    with pytest.raises(ValidationError, match="déjà 1 photos"):
        _add(washer, actor)


def test_only_managers_of_the_organisation_add_or_delete(washer, members_a, members_b, actor):
    for outsider in (members_a[Role.AGENT], members_b[Role.ADMIN]):
        with pytest.raises(PermissionDenied):
            _add(washer, outsider)
    photo = _add(washer, actor)
    with pytest.raises(PermissionDenied):
        catalogue.do_delete_photo(photo, actor=members_a[Role.ELU])


def test_delete_removes_row_and_file(washer, actor, django_capture_on_commit_callbacks):
    photo = _add(washer, actor)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.do_delete_photo(photo, actor=actor)
    assert not ResourcePhoto.objects.exists()
    assert _stored_files() == []


# --- through the pages ------------------------------------------------------------------------------------


def _url(name, org, **kwargs):
    return reverse(f"communs:{name}", kwargs={"slug": org.slug, **kwargs})


def test_upload_through_the_page_then_shown_with_its_alt_text(client, org_a, members_a, washer):
    client.force_login(members_a[Role.ACHETEUR])
    response = client.post(
        _url("photo_add", org_a, ressource_id=washer.pk),
        {"photo": upload("lance.jpg", jpeg_bytes()), "alt_text": "Nettoyeur, lance repliée"},
    )
    assert response.status_code == 302
    photo = ResourcePhoto.objects.get()
    page = client.get(_url("resource", org_a, ressource_id=washer.pk)).content.decode()
    assert f'src="{_url("photo", org_a, photo_id=photo.pk)}" alt="Nettoyeur, lance repliée"' in page
    served = client.get(_url("photo", org_a, photo_id=photo.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == photos.storage().open(photo.storage_name).read()


def test_a_hostile_upload_through_the_page_shows_the_french_message(client, org_a, members_a, washer):
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        _url("photo_add", org_a, ressource_id=washer.pk),
        {"photo": upload("photo.jpg", b"MZ\x90\x00 executable"), "alt_text": "Une photo"},
        follow=True,
    )
    assert "« photo.jpg » ne correspond pas à son extension .jpg." in response.content.decode()
    assert not ResourcePhoto.objects.exists()


def test_an_upload_without_alt_text_is_refused_through_the_page(client, org_a, members_a, washer):
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        _url("photo_add", org_a, ressource_id=washer.pk), {"photo": upload("a.jpg", jpeg_bytes())}, follow=True
    )
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ResourcePhoto.objects.exists()


def test_photos_are_served_only_inside_the_organisation(client, org_a, org_b, members_a, members_b, washer, actor):
    photo = _add(washer, actor)
    client.force_login(members_b[Role.ADMIN])
    assert client.get(_url("photo", org_b, photo_id=photo.pk)).status_code == 404
    assert client.get(_url("photo", org_a, photo_id=photo.pk)).status_code == 404  # not a member of A
    client.logout()
    assert client.get(_url("photo", org_a, photo_id=photo.pk)).status_code == 302  # to the login page


def test_public_photos_only_for_a_published_organisation_and_a_public_resource(client, org_a, washer, actor):
    photo = _add(washer, actor)
    url = reverse("communs:public_photo", kwargs={"slug": org_a.slug, "photo_id": photo.pk})
    assert client.get(url).status_code == 404  # organisation not published
    org_a.is_public = True
    org_a.save()
    assert client.get(url).status_code == 404  # resource not on the public page
    catalogue.do_update_resource(washer, actor=actor, is_public=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    page = client.get(reverse("communs:public_catalogue", kwargs={"slug": org_a.slug})).content.decode()
    assert f'src="{url}" alt="Nettoyeur haute pression sur son chariot"' in page


def test_agent_cannot_upload(client, org_a, members_a, washer):
    client.force_login(members_a[Role.AGENT])
    response = client.post(
        _url("photo_add", org_a, ressource_id=washer.pk), {"photo": upload("a.jpg", jpeg_bytes()), "alt_text": "x"}
    )
    assert response.status_code == 403
    assert not ResourcePhoto.objects.exists()
