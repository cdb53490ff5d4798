"""A buyer searches contracts in French, opens one, sees similar contracts, then prepares a purchase."""

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
    assert results.get_by_role("link", name="Restauration Scolaire", exact=True).is_visible()
    assert results.get_by_role("link", name="restaurations scolaires des écoles").is_visible()
    assert "Travaux de voirie" not in results.inner_text()
    screenshot("explorer-recherche")

    results.get_by_role("link", name="Restauration Scolaire", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Restauration Scolaire"
    similar = page.get_by_role("table", name="Contrats les plus comparables, au niveau national")
    assert similar.get_by_role("link", name="Fourniture de repas pour la restauration scolaire").is_visible()
    screenshot("explorer-contrat")

    # Keyboard: the first similar contract is reachable and opens with Enter.
    link = similar.get_by_role("link").first
    target = link.inner_text()
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == target
    assert page.get_by_role("heading", name="Contrats semblables").is_visible()


def test_prepare_a_purchase(page, login, store):  # noqa: F811
    organisation = OrganisationFactory(name="Commune de Test", slug="commune-test")
    user = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    login(user.email)
    page.goto(page.base_url + "/o/commune-test/explorer/preparer/")
    page.get_by_label("Objet de l'achat").fill("restauration scolaire")
    page.get_by_label("Montant estimé (€ HT)").fill("100000")
    page.get_by_label("Département d'exécution").select_option("76")
    page.get_by_role("button", name="Chercher des références").click()
    assert page.get_by_role("heading", name="Prix de référence").is_visible()
    assert "Services de restauration scolaire" in page.get_by_role("main").inner_text()
    suppliers = page.get_by_role("table", name="Entreprises ayant remporté")
    assert suppliers.get_by_role("row").count() >= 2
