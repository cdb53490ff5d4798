"""Every role's home says what to do next, and axe-core finds no accessibility violation on the main pages of
each role (home, every entry of the main menu, search results, notifications, help), at 1366 and 390 px, on
both themes (neutral and DSFR, the `ui_theme` fixture).

The demo content of every app is loaded (the Région Normandie's fiches, census campaign, directory, charter),
with the real demo contract files so that the cockpit draws its charts."""

import pytest
from playwright.sync_api import expect

from pilote.core.demos import demos
from pilote.fiches.models import Fiche, Status


PASSWORD = "pilote-demo"
ORG = "/o/region-normandie/"
HOME_PANELS = {
    "agent": ["Mes fiches visa", "Recensement des besoins"],
    "acheteur": ["Consultations à venir", "Recensement des besoins"],
    "appui": ["Fiches à instruire", "Consultations à venir", "Recensement des besoins"],
    "elu": ["Chiffres clés"],
    "admin": ["Chiffres clés", "Fiches à instruire"],
}


DRAWN = """() => [...document.querySelectorAll("[data-spec]")].every(
    (el) => el.dataset.drawn === "1" || el.textContent.includes("Graphique indisponible")
) && !document.querySelector(".htmx-request")"""


@pytest.fixture
def demo(settings, real_import):
    settings.PILOTE_DEMO = True
    settings.PILOTE_DATA_DIR = real_import  # the real demo files (read only): the Région's own contracts
    for prepare in demos():
        prepare()


def main_pages(page) -> list[str]:
    """The home, every entry of the main menu, the purchase guidance (its tables scroll at 390 px), and the
    header's pages (search results, notifications, help)."""
    page.goto(page.base_url + ORG)
    nav = page.get_by_role("navigation", name="Navigation principale")
    links = [nav.get_by_role("link").nth(i).get_attribute("href") for i in range(nav.get_by_role("link").count())]
    guidance = f"{ORG}explorer/preparer/?objet=Fourniture+de+repas+pour+la+restauration+scolaire"
    return [*links, guidance, f"{ORG}recherche/?q=nettoyage", "/notifications/", f"{ORG}aide/"]


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("role", list(HOME_PANELS))
def test_each_role_home_and_main_pages_pass_axe(ui_theme, page, login, axe_check, demo, role, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(f"{role}@demo.pilote.test", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Région Normandie")
    for title in HOME_PANELS[role]:
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    axe_check(f"{ui_theme} {role} accueil {width}px")
    for url in main_pages(page):
        page.goto(page.base_url + url)
        page.wait_for_load_state("load")
        # every chart drawn (or replaced by its message) and no htmx request in flight before axe reads the page.
        # Not "networkidle": the territory page in the DSFR theme at 1366 px never went network-idle in two
        # fresh-clone runs (45 s), while drawn and complete; left to investigate (docs: closing note of session 6)
        page.wait_for_function(DRAWN, timeout=45_000)
        axe_check(f"{ui_theme} {role} {url} {width}px")
        # reflow: no horizontal scroll of the page itself at 390 px (WCAG 1.4.10)
        if width == 390:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{ui_theme} {role} {url}: {overflow} px de défilement horizontal"


def test_a_sent_back_fiche_shows_its_reason_on_the_agents_home(page, login, demo):
    fiche = Fiche.objects.get(organisation__slug="region-normandie", status=Status.A_REPRENDRE)
    login(f"{fiche.author.email}", PASSWORD)
    panel = page.get_by_role("region", name="Mes fiches visa")
    expect(panel).to_contain_text(fiche.objet)
    expect(panel).to_contain_text("Motif :")
