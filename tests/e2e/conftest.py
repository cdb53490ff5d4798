"""Browser tests: Playwright (Python) driving Debian's /usr/bin/chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, which trips Django's async-safety guard for
the ORM calls made by fixtures: allowed here only, since the test thread itself is synchronous.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # vendored, see its SOURCES.md
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium est introuvable : `make test` l'installe (paquet Debian chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def load_reference_data():
    """National reference content ships in data migrations; browser tests run in flushed transactional
    databases, where it is gone after the first test: load it again (idempotent loaders)."""
    from pilote.clauses.models import Clause, Segment, SegmentGuide
    from pilote.clauses.national_guides import load_national_content
    from pilote.clauses.reference import ensure_national_segments

    ensure_national_segments()
    load_national_content(Segment, Clause, SegmentGuide)


UI_THEMES = ["neutre", "dsfr"]  # pilote.ui.themes.THEMES: the browser tests that take `ui_theme` run on both


@pytest.fixture(params=UI_THEMES)
def ui_theme(request, settings):
    """The live server renders with this UI_THEME (it runs in the test's process, so it reads the overridden
    settings): a test asking for it runs once per theme."""
    settings.UI_THEME = request.param
    return request.param


@pytest.fixture
def page(browser, live_server, transactional_db):
    load_reference_data()
    # bypass_csp: Playwright's string predicates (wait_for_function) are evaluated with eval, which the
    # Content-Security-Policy forbids; the policy itself is tested in tests/security/test_csp_browser.py
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Assertions retry until this timeout: a click that navigates returns once the new page starts loading,
    # so a one-shot check (is_visible, inner_text) could read a half-parsed page. Tests use expect() only.
    expect.set_options(timeout=15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login(page):
    """login(email, password): signs in through the real login form."""

    def do_login(email, password="mot-de-passe-solide-42"):
        page.goto(page.base_url + "/connexion/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")

    return do_login


@pytest.fixture
def screenshot(page):
    """screenshot(name): saves a full-page PNG under tests/artefacts/ (kept by CI as a test artefact)."""

    def take(name):
        ARTEFACTS.mkdir(exist_ok=True)
        path = ARTEFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " : " + n.failureSummary.split("\\n").slice(1).join(" ")),
    }));
}"""


# No finite animation of the document still running (infinite ones, a spinner, never end and are not waited for).
SETTLED = """() => document.getAnimations().every(
    (a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity
)"""


def axe_report(violations) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}) {v['help']}: " + " | ".join(v["nodes"]) for v in violations)


@pytest.fixture
def axe_check(page):
    """axe_check(label): runs axe-core (WCAG 2.x A/AA and best practices, its defaults) on the current page and
    fails on any violation, listing each rule with the first nodes. axe is added to every document of the page's
    context by an init script (the DevTools protocol, so a Content-Security-Policy does not block it)."""
    page.context.add_init_script(path=str(AXE))

    def check(label: str = ""):
        page.wait_for_load_state("load")
        # axe reads colours as drawn: a finite animation still running (the charts' action links fade in over
        # 0.15 s, vega-embed's « scale-in ») gave a contrast of 3.2 once, on a link that ends at 8.9 (session 22)
        page.wait_for_function(SETTLED, timeout=10_000)
        violations = page.evaluate(AXE_RUN)
        assert violations == [], f"axe: {label or page.url}\n{axe_report(violations)}"

    return check
