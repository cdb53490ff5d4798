"""A buyer searches contracts in French, opens one, sees similar contracts, then prepares a purchase."""

from playwright.sync_api import expect

from pilote.core.enums import Role
from tests.core.factories import MembershipFactory, OrganisationFactory
from tests.explorer.conftest import imported_store, store  # noqa: F401 - fixtures shared with the unit tests


def test_search_open_contract_and_similar(page, login, screenshot, store):  # noqa: F811
    organisation = OrganisationFactory(name="Commune de Test", slug="commune-test")
    user = MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user
    login(user.email)
    page.goto(page.base_url + "/o/commune-test/explorer/")
    page.get_by_label("Mots de l'objet").fill("RESTAURATIONS scolaires")
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("table", name="Contrats trouvés")
    expect(results.get_by_role("link", name="Restauration Scolaire", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="restaurations scolaires des écoles")).to_be_visible()
    expect(results).not_to_contain_text("Travaux de voirie")
    screenshot("explorer-recherche")

    results.get_by_role("link", name="Restauration Scolaire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restauration Scolaire")
    similar = page.get_by_role("table", name="Contrats les plus comparables, au niveau national")
    expect(similar.get_by_role("link", name="Fourniture de repas pour la restauration scolaire")).to_be_visible()
    screenshot("explorer-contrat")

    # Keyboard: the first similar contract is reachable and opens with Enter.
    link = similar.get_by_role("link").first
    target = link.inner_text()
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(target)
    expect(page.get_by_role("heading", name="Contrats semblables")).to_be_visible()


def test_prepare_a_purchase(page, login, store):  # noqa: F811
    organisation = OrganisationFactory(name="Commune de Test", slug="commune-test")
    user = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    login(user.email)
    page.goto(page.base_url + "/o/commune-test/explorer/preparer/")
    page.get_by_label("Objet de l'achat").fill("restauration scolaire")
    page.get_by_label("Montant estimé (€ HT)").fill("100000")
    page.get_by_label("Département d'exécution").select_option("76")
    page.get_by_role("button", name="Chercher des références").click()
    expect(page.get_by_role("heading", name="Prix de référence")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Services de restauration scolaire")
    suppliers = page.get_by_role("table", name="Entreprises ayant remporté")
    expect(suppliers.get_by_role("row").nth(1)).to_be_visible()
