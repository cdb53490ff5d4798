"""Fixtures borrowed from other test packages: the explorer's imported store (contracts API, search) and the
browser of tests/e2e (the Content-Security-Policy as a browser enforces it)."""

from tests.e2e.conftest import browser, login, page  # noqa: F401
from tests.explorer.conftest import imported_store, store  # noqa: F401
