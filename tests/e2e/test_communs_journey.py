"""The ressource-o-thèque in a browser, on the demo of the Région: a fiche visa for a pressure washer shows the
catalogue's matching item; the support service grants credits by a recorded decision, books a room for the
Repair café (a conflicting booking is refused), approves it (credits spent), reads the initiative's statement
and in-kind value of the year, exports the year as SCDL that validates; an item is returned with a maintenance
ticket and leaves service."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from pilote.communs.demo import prepare_demo as prepare_communs
from pilote.core.demo import prepare_demo as prepare_core
from tests.communs import helpers


PASSWORD = "pilote-demo"
HOME = "/o/region-normandie/ressourcotheque/"


def _open(page, name):
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def _book(page, initiative, start, end, purpose):
    page.get_by_label("Initiative").select_option(label=initiative)
    page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fin").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(re.compile(r"^Objet")).fill(purpose)
    page.get_by_role("button", name="Demander la réservation").click()


def test_commons_journey(page, login, screenshot, axe_check, settings, tmp_path):
    settings.PILOTE_DEMO = True
    prepare_core()
    prepare_communs()
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. A fiche visa for a pressure washer: check the ressource-o-thèque first.
    login("agent@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + "/o/region-normandie/fiches/nouvelle/")
    page.get_by_label("Objet de l'achat").fill("Achat d'un nettoyeur haute pression")
    expect(page.get_by_text("Vérifiez d'abord la ressource-o-thèque")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Nettoyeur haute pression 150 bars \(démo\)"))).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    # 2. Credits granted by a recorded decision.
    login("appui@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + HOME)
    expect(page.get_by_text("L311-5").first).to_be_visible()
    axe_check("ressource-o-thèque accueil")
    page.get_by_role("link", name="Repair café de Caen (démo)").click()
    page.get_by_text("Attribuer des crédits par décision").click()
    page.get_by_label("Crédits attribués").fill("40")
    page.get_by_label("Instance qui décide").select_option(label="Comité de cogestion")
    page.get_by_label("Référence de la décision").fill("COGESTION-2026-07")
    page.get_by_label("Motifs").fill("Saison des ateliers de printemps")
    page.get_by_role("button", name="Attribuer les crédits").click()
    expect(page.get_by_text("40 crédits d'accès attribués.")).to_be_visible()
    expect(page.locator("#solde")).to_have_text("148")  # 120 of the demo − 12 for its upcoming booking + 40

    # 3. A room booked; a conflicting booking refused; approval spends the credits.
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime(day.year, day.month, day.day, 9, tzinfo=timezone.get_current_timezone())
    room = "Salle des associations de l'Abbaye aux Dames (démo)"
    _open(page, room)
    _book(page, "Repair café de Caen (démo)", start, start + dt.timedelta(hours=2), "Atelier vélo")
    expect(page.get_by_text("Demande de réservation enregistrée")).to_be_visible()
    _book(
        page,
        "Jardin partagé du Chemin Vert (démo)",
        start + dt.timedelta(hours=1),
        start + dt.timedelta(hours=3),
        "Réunion",
    )
    expect(page.get_by_text(re.compile("est déjà réservé du"))).to_be_visible()
    page.get_by_role("button", name="Approuver").click()
    expect(page.get_by_text("Réservation approuvée : crédits débités.")).to_be_visible()
    screenshot("communs-calendrier")
    axe_check("ressource-o-thèque salle")

    # 4. The statement and the in-kind value of the year.
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name="Repair café de Caen (démo)").click()
    page.goto(page.url + f"?annee={day.year}")
    expect(page.locator("#solde")).to_have_text("142")  # 148 − 2 hours × 3 credits
    statement = page.locator("#releve")
    expect(statement).to_contain_text("Saison des ateliers de printemps")
    expect(statement).to_contain_text(f"Réservation : {room}")
    expect(statement).to_contain_text("-6")
    expect(page.locator("#valeur-annee")).to_contain_text("€")
    expect(page.locator("#valeur-annee")).not_to_have_text("0 €")
    screenshot("communs-releve")
    axe_check("ressource-o-thèque relevé")

    # 5. The SCDL export of the year validates.
    page.goto(page.base_url + HOME + f"scdl-subventions.csv?annee={day.year}&apercu=1")
    expect(page.get_by_text("Jardin partagé du Chemin Vert (démo)")).to_be_visible()  # neither SIRET nor RNA
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le CSV SCDL").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert "Repair café de Caen (démo)" in text
    assert "aide en nature" in text
    report = helpers.validate_scdl(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])

    # 6. An item returned with a maintenance ticket leaves service.
    washer = "Nettoyeur haute pression 150 bars (démo)"
    _open(page, washer)
    _book(page, "Jardin partagé du Chemin Vert (démo)", start, start + dt.timedelta(hours=4), "Nettoyage des bacs")
    page.get_by_role("button", name="Approuver").click()
    page.get_by_label("État à la remise").fill("bon état")
    page.get_by_role("button", name="Remettre").click()
    page.get_by_label("État au retour").fill("lance fendue")
    page.get_by_label(re.compile("Problème à réparer")).fill("La lance fuit, à remplacer")
    page.get_by_role("button", name="Enregistrer le retour").click()
    expect(page.get_by_text("Ticket de maintenance ouvert : la ressource est hors service.")).to_be_visible()
    expect(page.get_by_text("La lance fuit, à remplacer")).to_be_visible()
    _book(
        page,
        "Jardin partagé du Chemin Vert (démo)",
        start + dt.timedelta(days=3),
        start + dt.timedelta(days=3, hours=2),
        "Encore",
    )
    expect(page.get_by_text(re.compile("est hors service"))).to_be_visible()
    screenshot("communs-maintenance")
    axe_check("ressource-o-thèque maintenance")
