"""The real demo files imported once (tests/conftest.py `real_import`), copied into each test's data directory."""

import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from pilote.contracts import db
from pilote.contracts.search import index


BUSY_BUYER = "75920075100130"  # the buyer with the most contracts in the real demo files


@pytest.fixture
def real_store(real_import, settings):
    """A copy of the imported store in this test's data directory, opened afresh."""
    shutil.copytree(real_import / "decp", Path(settings.PILOTE_DATA_DIR) / "decp")
    db.database.reset()
    index._LOADED.clear()
    cache.clear()
    yield settings.PILOTE_DATA_DIR
    db.database.reset()
    index._LOADED.clear()
