"""In a browser, under the Content-Security-Policy: the cockpit draws its charts, the census form's CPV
suggestions fill the field, the API documentation draws, and the browser reports no violation (no inline
script, no eval, nothing from another site)."""

import pytest
from playwright.sync_api import expect

from pilote.core.enums import Role
from tests.analytics.store import S1, write_fixture_store
from tests.core.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.e2e.conftest import load_reference_data


@pytest.fixture
def page(browser, live_server, transactional_db):
    """The browser page of tests/e2e, but with the Content-Security-Policy enforced (no bypass_csp)."""
    load_reference_data()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def violations(page):
    seen = []
    page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return seen


def test_cockpit_charts_draw_without_csp_violation(page, login, violations, settings):
    write_fixture_store(settings.PILOTE_DATA_DIR)
    commune = OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])
    MembershipFactory(organisation=commune, user=UserFactory(email="appui@commune-a.fr"), role=Role.APPUI)
    login("appui@commune-a.fr")
    response = page.goto(page.base_url + "/o/commune-a/cockpit/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    chart = page.locator("#graphique-procedures")
    chart.locator("svg.marks").wait_for()
    expect(chart.locator("svg.marks")).to_contain_text("Procédure adaptée")
    assert violations == [], "\n".join(violations)


def test_api_docs_draw_from_vendored_files_without_csp_violation(page, violations):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page.base_url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API Pilote")
    assert all(url.startswith(page.base_url) or url.startswith("data:") for url in requested), requested
    assert violations == [], "\n".join(violations)


def test_fill_buttons_work_without_inline_handlers(page, violations):
    """The census form's CPV suggestions used an onclick= attribute; ui/js/pilote.js does it now."""
    page.goto(page.base_url + "/connexion/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<input id="id_code_cpv"><button type="button" data-fill-target="id_code_cpv" '
        + 'data-fill-value="45000000">45000000</button>')"""
    )
    page.get_by_role("button", name="45000000").click()
    expect(page.locator("#id_code_cpv")).to_have_value("45000000")
    assert violations == [], "\n".join(violations)
