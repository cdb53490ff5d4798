"""Photo files for the tests, real and hostile, made in memory."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo


def jpeg_bytes(width=64, height=48, *, exif=True) -> bytes:
    """A real JPEG carrying what a phone writes: maker, model, GPS position, orientation."""
    image = Image.new("RGB", (width, height), (200, 60, 30))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "Fabricant secret"  # Make
        tags[0x0110] = "Modèle secret"  # Model
        tags[0x0112] = 6  # Orientation: turn 90° to be upright
        tags[0x8825] = {1: "N", 2: (49.0, 11.0, 0.0), 3: "W", 4: (0.0, 21.0, 0.0)}  # GPS IFD
        image.save(out, "JPEG", exif=tags.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(width=40, height=30, *, text=True) -> bytes:
    image = Image.new("RGBA", (width, height), (10, 120, 200, 255))
    info = PngInfo()
    if text:
        info.add_text("Author", "Auteur secret")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header declaring `width` × `height` pixels, with almost no data: a few hundred bytes that a
    decoder would turn into width × height × 3 bytes of memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def upload(name: str, data: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
