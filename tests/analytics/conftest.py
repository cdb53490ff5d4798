"""Cockpit fixtures: two communes (A with SIRET S1, B with S2) and the hand-computed store."""

import pytest

from tests.analytics.store import S1, S2, write_fixture_store
from tests.core.factories import OrganisationFactory


@pytest.fixture
def fixture_store(settings):
    return write_fixture_store(settings.PILOTE_DATA_DIR)


@pytest.fixture
def commune_a(db):
    return OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])


@pytest.fixture
def commune_b(db):
    return OrganisationFactory(name="Commune B", slug="commune-b", sirets=[S2])
