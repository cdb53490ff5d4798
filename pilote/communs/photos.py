"""Photos of the catalogue's resources: the checks of an upload and the re-encoding that strips its metadata.

A photo goes through pilote.core.uploads first (extension, size cap, first bytes against the extension), then
Pillow: the header is read alone and the image refused when it declares more pixels than MAX_PIXELS (a
decompression bomb is a small file that inflates to gigabytes: nothing is decoded before this check); the
image is then decoded (a truncated or fake image is refused), turned upright from its EXIF orientation, reduced
to MAX_SIDE pixels and saved again in its own format without any metadata (EXIF position, camera, author, ICC
profile, PNG text chunks). Only the re-encoded bytes are kept, in the private storage area « communs »."""

import io
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

from pilote.core import uploads


MAX_BYTES = 8 * uploads.MB
MAX_PIXELS = 40_000_000  # a 40 Mpx photo is already more than any phone takes
MAX_SIDE = 2000  # what is kept: enough for a catalogue page
MAX_PER_RESOURCE = 12
RULES = uploads.UploadRules(extensions=(".jpg", ".jpeg", ".png"), max_bytes=MAX_BYTES)
# Pillow format → (content type, extension) of what is stored.
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
AREA = "communs"


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def storage() -> uploads.PrivateStorage:
    return uploads.private_storage(AREA)


def clean_alt_text(text: str) -> str:
    """The text alternative read aloud to people who cannot see the photo: required, and not a file name."""
    alt = " ".join((text or "").split())
    if not alt:
        raise ValidationError(
            {"alt_text": "Décrivez la photo en quelques mots (texte alternatif, obligatoire pour l'accessibilité)."}
        )
    if len(alt) > 250:
        raise ValidationError({"alt_text": "Le texte alternatif tient en 250 caractères au plus."})
    if re.fullmatch(r"[\w\-. ]+\.(jpe?g|png|gif|webp|heic)", alt, flags=re.IGNORECASE):
        raise ValidationError(
            {"alt_text": "Le texte alternatif décrit ce que montre la photo, pas le nom du fichier."}
        )
    return alt


def _refuse(name: str, reason: str, code: str):
    return uploads.UploadRefused(f"« {name} » est refusé : {reason}", code=code)


def clean_photo(upload) -> CleanPhoto:
    """The photo re-encoded without metadata, or an UploadRefused whose French message names the file."""
    checked = uploads.check_upload(upload, RULES)
    name = checked.name
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
            if image.format not in FORMATS:
                raise _refuse(name, "ce n'est pas une photo JPEG ou PNG.", "photo_format")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(
                    name,
                    f"l'image déclare {width} × {height} pixels, au-delà de {MAX_PIXELS // 1_000_000} millions "
                    "(une image piégée qui saturerait le serveur une fois décodée).",
                    "photo_pixels",
                )
            image.load()
            clean = _reencode(image)
    except uploads.UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, "l'image est démesurée une fois décodée (image piégée).", "photo_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise _refuse(name, "ce n'est pas une image lisible (fichier abîmé ou d'un autre type).", "photo") from error
    finally:
        upload.seek(0)
    return clean


def _reencode(image: Image.Image) -> CleanPhoto:
    kind = image.format
    content_type, extension = FORMATS[kind]
    image = ImageOps.exif_transpose(image)  # upright, since the orientation tag goes with the metadata
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    return CleanPhoto(out.getvalue(), content_type, extension, image.width, image.height)
