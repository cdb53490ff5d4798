"""Shared fixtures: fast password hashing, isolated data directory, organisations with one member per role."""

import pytest

from pilote.core.enums import Role
from pilote.decp.demo import DATA_DIR
from pilote.decp.importer import run_import
from tests.core.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, not Django's default in-memory database.

    With an in-memory database, pytest-django hands the test thread's one connection to the live server, whose
    request threads then share it: two requests of one page at the same time (a page and its HTMX fragment)
    interleave their transactions on that connection, corrupt its atomic-block state, and every later browser
    test fails ("You can't execute queries until the end of the 'atomic' block"; CI run of stop 23). With a
    file, each thread opens its own connection and SQLite's WAL and busy timeout serialise the writers, as in
    production. Each xdist worker has its own base temporary directory, hence its own file."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / "test-db.sqlite3")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PILOTE_BACKGROUND_NICE = 0  # an import run in the test process must not slow its later tests
    settings.PILOTE_DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # one in-memory cache per test process (the shared file cache of production would mix parallel test runs)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Organisation A", slug="org-a")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Organisation B", slug="org-b")


@pytest.fixture
def members_a(org_a):
    """One person per role in organisation A, keyed by role."""
    return {role: MembershipFactory(organisation=org_a, role=role).user for role in Role}


@pytest.fixture
def members_b(org_b):
    return {role: MembershipFactory(organisation=org_b, role=role).user for role in Role}


@pytest.fixture
def user(db):
    return UserFactory()


# The real demo files: the 2019 JSON formats and the 2024 tabular extract.
REAL_FILES = [
    "marches-publics.info.json.gz",
    "data.gouv.fr_aife.json.gz",
    "decp_2024H2_travaux_cpv4521_filtered.csv.gz",
]


@pytest.fixture(scope="session")
def real_import(tmp_path_factory, django_db_blocker):
    """REAL_FILES imported once with the real pipeline (which prepares the cockpit file and the search index
    inside the generation); returns the data directory. Tests copy it or read it without writing."""
    data_dir = tmp_path_factory.mktemp("real-files") / "data"
    with django_db_blocker.unblock():
        run_import([str(DATA_DIR / name) for name in REAL_FILES], data_dir=data_dir)
    return data_dir
