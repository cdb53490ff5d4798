"""Knowledge network journey in a real browser, on the demo data: search the directory by skill, open a lesson
learnt from a segment guide, enrol in a session until it is full (waiting list), and post a reservist request
that gets matched, accepted, followed and closed."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pilote.annuaire.demo import prepare_demo as prepare_annuaire_demo
from pilote.annuaire.models import ReservistRequest
from pilote.annuaire.reserve.models import RequestStatus
from pilote.core.demo import prepare_demo


SLUG = "region-normandie"
PASSWORD = "pilote-demo"


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def test_annuaire_journey(page, login, screenshot, settings):
    settings.PILOTE_DEMO = True
    prepare_demo()
    prepare_annuaire_demo()
    base = page.base_url + f"/o/{SLUG}"

    # 1. An agent searches the directory by skill, typed without accents.
    login("agent@demo.pilote.test", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Annuaire").click()
    page.get_by_label("Compétence").fill("EGALIM")
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("table")
    expect(results.locator("caption")).to_contain_text("2 personnes trouvées")
    expect(results.get_by_role("link", name="Mathilde Lefebvre")).to_be_visible()
    expect(results.get_by_role("link", name="Sophie Moreau")).to_be_visible()  # partner who agreed to be shared
    expect(results.get_by_text("Karim Benali")).to_have_count(0)
    screenshot("annuaire-recherche-competence")

    # 2. From the segment guide, the agent opens a lesson learnt.
    page.goto(base + "/guides/restauration-collective/")
    lessons = page.get_by_role("region", name="Retours d'expérience du segment")
    lessons.get_by_role("link", name="Introduire 50 % de produits durables dans la restauration des lycées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Introduire 50 % de produits durables dans la restauration des lycées"
    )
    expect(page.get_by_text("Contenu fictif de démonstration.")).to_be_visible()

    # 3. The agent enrols in the 2-seat session; the support team fills it, the next one waits.
    page.get_by_role("link", name="Formation").click()
    page.get_by_role("link", name="Devenir réserviste de l'achat public —").click()
    session_url = page.url
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("status")).to_have_text("Vous êtes inscrit·e à la session.")
    _logout(page)
    login("appui@demo.pilote.test", PASSWORD)
    page.goto(session_url)
    page.get_by_label("Personne à inscrire").select_option(label="Karim Benali")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Karim Benali est inscrit·e à la session.")
    expect(page.locator("#places")).to_contain_text("2 inscrit·es sur 2 places · 0 en liste d'attente")
    page.get_by_label("Personne à inscrire").select_option(label="Mathilde Lefebvre")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "La session est complète : Mathilde Lefebvre est sur la liste d'attente (position 1)."
    )
    expect(page.locator("#places")).to_contain_text("1 en liste d'attente")
    screenshot("annuaire-session-complete")

    # 4. The support team posts a reservist request; matching reservists are suggested; one is chosen.
    page.get_by_role("link", name="Réserve de l'achat").click()
    page.get_by_role("link", name="Demander un·e réserviste").click()
    today = timezone.localdate()
    page.get_by_label("Objet").fill("Appui au marché de repas livrés des EHPAD")
    page.get_by_label("Segment d'achat").select_option(label="Restauration collective et denrées alimentaires")
    page.get_by_label("Début").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Fin").fill((today + timedelta(days=45)).isoformat())
    page.get_by_label("Compétences recherchées").fill("loi egalim")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appui au marché de repas livrés des EHPAD")
    suggestions = page.get_by_role("table")
    expect(suggestions.get_by_role("link", name="Mathilde Lefebvre")).to_be_visible()
    expect(suggestions.get_by_role("link", name="Sophie Moreau")).to_be_visible()
    screenshot("annuaire-reserve-suggestions")
    page.get_by_role("button", name="Confier la mission à Sophie Moreau").click()
    expect(page.get_by_role("status")).to_contain_text("Mission confiée à Sophie Moreau")
    page.get_by_label("Note de suivi").fill("Réunion de lancement avec la direction de l'autonomie.")
    page.get_by_role("button", name="Ajouter la note").click()
    page.get_by_label("Bilan de la mission").fill("Allotissement revu, 6 offres reçues dont 3 de PME locales.")
    page.get_by_role("button", name="Clore la demande").click()
    expect(page.get_by_role("status")).to_contain_text("La demande est close")
    expect(page.get_by_text("Allotissement revu, 6 offres reçues dont 3 de PME locales.")).to_be_visible()
    closed = ReservistRequest.objects.get(subject="Appui au marché de repas livrés des EHPAD")
    assert closed.status == RequestStatus.CLOSE
    assert closed.reservist.email == "sophie.moreau@demo.pilote.test"
