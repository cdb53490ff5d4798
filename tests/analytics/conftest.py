"""Cockpit fixtures: two communes (A with SIRET S1, B with S2) and the hand-computed store."""

import pytest
from django.core.cache import cache

from pilote.contracts import db as duck, national, per_buyer
from pilote.core.enums import Role
from tests.analytics.store import S1, S2, write_fixture_store
from tests.core.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def fixture_store(settings):
    return write_fixture_store(settings.PILOTE_DATA_DIR)


@pytest.fixture
def commune_a(db):
    return OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])


@pytest.fixture
def commune_b(db):
    return OrganisationFactory(name="Commune B", slug="commune-b", sirets=[S2])


@pytest.fixture
def prepared(real_import, settings):
    """The real demo files' generation, read cold: its prepared national and per-buyer tables written by the
    import's preparer, inside the generation."""
    settings.PILOTE_DATA_DIR = real_import
    duck.database.reset()
    cache.clear()
    assert duck.has_relation(national.SUPPLIERS)
    assert duck.has_relation(per_buyer.CUBE)


@pytest.fixture
def appui(commune_a):
    """A member of the support service (« appui ») of commune A."""
    return MembershipFactory(organisation=commune_a, role=Role.APPUI).user
