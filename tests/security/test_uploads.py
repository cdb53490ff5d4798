"""Hostile uploads (issue 15): archives that would exhaust a worker are refused before any parsing, with a
French message naming the file, and without a large allocation."""

import gzip
import io
import resource
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
    with pytest.raises(UploadRefused, match="« decp.zip » est refusé : une fois décompressé, il dépasserait 10 Mo"):
        for member in archive.infolist():
            with archive.open(member) as source:
                uploads.copy_bounded(source, out, budget, member.filename)
    assert len(out.getvalue()) <= 10 * MB


def test_gzip_is_read_within_its_budget_even_when_its_trailer_lies():
    data = gzip.compress(b"[" + b"0," * (4 * MB) + b"0]")
    lying = data[:-4] + (100).to_bytes(4, "little")  # declares 100 bytes
    rules = UploadRules(extensions=(".gz",), max_bytes=MB, max_uncompressed_bytes=2 * MB, verify_inflated_size=True)
    with pytest.raises(UploadRefused, match="« decp.json.gz » est refusé : une fois décompressé, il dépasserait 2 Mo"):
        check_upload(SimpleUploadedFile("decp.json.gz", lying), rules)
    with uploads.open_gzip(io.BytesIO(gzip.compress(b"[1, 2]")), Budget("ok.gz", total_bytes=MB)) as stream:
        assert stream.read() == b"[1, 2]"
