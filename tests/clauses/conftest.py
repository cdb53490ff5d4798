"""National segments, guides and clauses are loaded by data migrations; a transactional test elsewhere (browser
tests) flushes them, so make sure they are present whatever ran before (idempotent)."""

import pytest

from pilote.clauses.models import Clause, Segment, SegmentGuide
from pilote.clauses.national_guides import load_national_content
from pilote.clauses.reference import ensure_national_segments


@pytest.fixture(autouse=True)
def _national_content(db):
    ensure_national_segments()
    load_national_content(Segment, Clause, SegmentGuide)
