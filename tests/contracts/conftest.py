"""The real demo files (2019 JSON formats and the 2024 tabular extract) imported once with the real pipeline,
which prepares the cockpit file and the search index inside the generation."""

import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from pilote.contracts import db
from pilote.contracts.search import index
from pilote.decp.demo import DATA_DIR
from pilote.decp.importer import run_import


FILES = ["marches-publics.info.json.gz", "data.gouv.fr_aife.json.gz", "decp_2024H2_travaux_cpv4521_filtered.csv.gz"]
BUSY_BUYER = "75920075100130"  # the buyer with the most contracts in these files


@pytest.fixture(scope="session")
def real_import(tmp_path_factory, django_db_blocker):
    data_dir = tmp_path_factory.mktemp("contracts") / "data"
    with django_db_blocker.unblock():
        run_import([str(DATA_DIR / name) for name in FILES], data_dir=data_dir)
    return data_dir


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
