"""axe-core on the pages that the main menu does not reach: the fiche detail and forms (agent and support
service), the census pages, the cockpit of each role, the explorer search and a contract page, the strategy
pages and the account's token page; on both themes, at 1366 and 390 px, with no horizontal scroll.

The demo content of every app is loaded (the `demo` fixture of test_home_axe): the Région Normandie's fiches and
strategy, the Commune de Lambersart's census campaign (accompanied by the shared support service)."""

import pytest
from playwright.sync_api import expect

from pilote.fiches.models import Fiche, Status
from pilote.recensement.models import Campaign
from pilote.strategie.models.jury import Jury
from pilote.strategie.models.session import ModellerSession
from pilote.strategie.models.strategy import Objective, Strategy
from tests.e2e.test_home_axe import ORG, PASSWORD, demo  # noqa: F401 (the demo content fixture)


REFUSED = ("Accès refusé", "Page introuvable")


def agent_pages() -> list[str]:
    fiche = Fiche.objects.filter(organisation__slug="region-normandie", status=Status.A_REPRENDRE).first()
    return [
        f"{ORG}fiches/",
        f"{ORG}fiches/nouvelle/",
        f"{ORG}fiches/{fiche.pk}/",
        f"{ORG}fiches/{fiche.pk}/modifier/",
        f"{ORG}cockpit/",
        "/compte/jetons/",
    ]


def support_pages() -> list[str]:
    """The support service: a fiche to review (its decision forms), the census campaign it accompanies and its
    analyses, the strategy pages, and the account's tokens."""
    fiche = Fiche.objects.filter(organisation__slug="region-normandie", status=Status.EN_INSTRUCTION).first()
    campaign = Campaign.objects.get(organisation__slug="lambersart")
    census = f"/o/lambersart/recensement/{campaign.pk}/"
    strategy = f"{ORG}strategie/"
    return [
        f"{ORG}fiches/{fiche.pk}/",
        f"{ORG}fiches/statistiques/",
        f"{ORG}cockpit/",
        "/o/lambersart/recensement/",
        census,
        f"{census}besoins/nouveau/",
        f"{census}import/",
        f"{census}regroupements/",
        f"{census}renouvellements/",
        f"{census}programmation/",
        f"{census}bilan/",
        "/o/lambersart/recensement/fractionnement/",
        strategy,
        f"{strategy}nouvel-objectif/",
        f"{strategy}objectifs/{Objective.objects.get(organisation__slug='region-normandie').pk}/",
        f"{strategy}strategies/{Strategy.objects.filter(organisation__slug='region-normandie').first().pk}/",
        f"{strategy}seances/{ModellerSession.objects.filter(organisation__slug='region-normandie').first().pk}/",
        f"{strategy}jurys/{Jury.objects.filter(organisation__slug='region-normandie').first().pk}/",
        "/compte/jetons/",
    ]


def buyer_pages() -> list[str]:
    return [f"{ORG}cockpit/", f"{ORG}explorer/?q=nettoyage", f"{ORG}strategie/", "/compte/jetons/"]


def elu_pages() -> list[str]:
    return [f"{ORG}cockpit/", f"{ORG}strategie/", "/compte/jetons/"]


def admin_pages() -> list[str]:
    return [f"{ORG}cockpit/", f"{ORG}fiches/statistiques/", "/compte/jetons/"]


PAGES = {"agent": agent_pages, "appui": support_pages, "acheteur": buyer_pages, "elu": elu_pages, "admin": admin_pages}


def check_page(page, axe_check, label: str, width: int):
    page.wait_for_load_state("networkidle")  # charts and htmx panels drawn before axe reads the page
    title = page.get_by_role("heading", level=1)
    expect(title).to_be_visible()
    assert title.inner_text() not in REFUSED, f"{label}: {title.inner_text()}"
    axe_check(label)
    if width == 390:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{label}: {overflow} px de défilement horizontal"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("role", list(PAGES))
def test_pages_beyond_the_menu_pass_axe(ui_theme, page, login, axe_check, demo, role, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    login(f"{role}@demo.pilote.test", PASSWORD)
    for url in PAGES[role]():
        page.goto(page.base_url + url)
        check_page(page, axe_check, f"{ui_theme} {role} {url} {width}px", width)
    if role == "appui":
        # the confirmation step of a visa (the first post checks everything and writes nothing)
        fiche = Fiche.objects.filter(organisation__slug="region-normandie", status=Status.EN_INSTRUCTION).first()
        page.goto(page.base_url + f"{ORG}fiches/{fiche.pk}/")
        page.get_by_label("Commentaire ou motivation").fill("Visa sous réserve d'un critère environnemental.")
        page.get_by_label("Justification des obligations non remplies").fill("Critère ajouté en réserve.")
        page.get_by_role("button", name="Viser avec réserves").click()
        expect(page.get_by_role("button", name="Confirmer : Viser avec réserves")).to_be_visible()
        check_page(page, axe_check, f"{ui_theme} {role} confirmation du visa {width}px", width)
    if role == "acheteur":
        # a contract page, reached from the explorer's results
        page.goto(page.base_url + f"{ORG}explorer/?q=nettoyage")
        link = page.locator("a[href*='/explorer/contrats/']").first
        page.goto(page.base_url + link.get_attribute("href"))
        check_page(page, axe_check, f"{ui_theme} {role} contrat {width}px", width)


@pytest.fixture
def strict_page(browser, live_server, transactional_db):
    """A page with the Content-Security-Policy enforced (no bypass_csp), as tests/e2e/test_csp.py does."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_dsfr_scripts_fonts_and_menu_work_under_the_strict_policy(strict_page, settings):
    """DSFR's own JavaScript (the mobile menu) and its fonts load from Pilote's files, with no CSP violation."""
    from pilote.core.enums import Role
    from tests.core.factories import MembershipFactory, OrganisationFactory, UserFactory

    settings.UI_THEME = "dsfr"
    page = strict_page
    commune = OrganisationFactory(name="Commune A", slug="commune-a")
    MembershipFactory(organisation=commune, user=UserFactory(email="agent@commune-a.fr"), role=Role.AGENT)
    violations, requested = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page.base_url + "/connexion/")
    page.get_by_label("Adresse e-mail").fill("agent@commune-a.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(page.base_url + "/o/commune-a/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()  # at 390 px the menu is DSFR's modal, opened by its script
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="Fermer")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert any("/vendor/dsfr/fonts/Marianne-" in url for url in requested)
    assert any(url.endswith("dsfr.module.min.js") for url in requested)
    assert all(url.startswith(page.base_url) or url.startswith("data:") for url in requested), requested
    assert violations == [], "\n".join(violations)
