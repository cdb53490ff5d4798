"""Fixtures borrowed from the explorer's tests: its imported store (contracts API, search, schemathesis).
The Content-Security-Policy in a browser is tested with the other browser tests (tests/e2e/test_csp.py): one
Playwright per test session."""

from tests.explorer.conftest import imported_store, store  # noqa: F401
