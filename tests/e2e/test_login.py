"""A person signs in with a demo account, sees their organisation and navigation, and signs out."""

from playwright.sync_api import expect

from pilote.core.demo import prepare_demo


def test_demo_admin_logs_in_and_sees_navigation(page, login, screenshot, settings):
    settings.PILOTE_DEMO = True
    prepare_demo()
    login("admin@demo.pilote.test", "pilote-demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Région Normandie")
    nav = page.get_by_role("navigation", name="Navigation principale")
    for label in ["Accueil", "Membres", "Organisation", "Journal"]:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    path = screenshot("connexion-admin")
    assert path.stat().st_size > 10_000
    # Keyboard: the skip link is the first focusable element and leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def test_wrong_password_shows_french_message(page, login, settings):
    settings.PILOTE_DEMO = True
    prepare_demo()
    login("agent@demo.pilote.test", "mauvais")
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")


def test_support_agent_switches_organisation(page, login, settings):
    settings.PILOTE_DEMO = True
    prepare_demo()
    login("appui@demo.pilote.test", "pilote-demo")
    page.get_by_label("Organisation").select_option(label="Ville de Lyon")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ville de Lyon")
