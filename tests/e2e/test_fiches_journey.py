"""The fiche visa journey in a browser: the demo agent fills a fiche and sees the guidance, submits; the
support service asks for changes; the agent resubmits; the support service gives a visa with reserves and
clauses; the PDF downloads; the buyer links the fiche to the notified contract and the check shows."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from pilote.clauses.demo import prepare_demo as prepare_clauses
from pilote.core.demo import prepare_demo as prepare_core
from tests.fiches.decp_fixture import write_contracts


PASSWORD = "pilote-demo"
REGION_SIRET = "20005340300057"


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


def open_fiche(page, objet):
    page.goto(page.base_url + "/o/region-normandie/fiches/")
    page.get_by_role("link", name=re.compile(r"FV-")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(objet)


def test_fiche_visa_journey(page, login, screenshot, settings, tmp_path):
    settings.PILOTE_DEMO = True
    prepare_core()
    prepare_clauses()
    objet = "Nettoyage des locaux du siège de la Région"
    write_contracts(
        [
            {
                "id": "2026-NET-42",
                "acheteur_id": REGION_SIRET,
                "objet": "Nettoyage des locaux du siège",
                "code_cpv": "90911200",
                "montant": 310000.0,
                "date_notification": timezone.localdate(),
                "date_publication_donnees": timezone.localdate(),
                "offres_recues": 5,
                "considerations_sociales": ["Clause sociale"],
                "considerations_environnementales": ["Pas de considération environnementale"],
            }
        ]
    )

    # 1. The agent fills the fiche; guidance follows the amount and the CPV code.
    login("agent@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + "/o/region-normandie/fiches/")
    page.get_by_role("link", name="Nouvelle fiche visa").click()
    page.get_by_label("Service demandeur").fill("Direction du patrimoine")
    page.get_by_label("Objet de l'achat").fill(objet)
    page.get_by_label("Description du besoin").fill("Nettoyage quotidien de 6 000 m² de bureaux et vitrerie.")
    page.get_by_label("Montant estimé (€ HT)").fill("320 000")
    guidance = page.locator("#guidance")
    expect(guidance).to_contain_text("Procédure formalisée")
    expect(guidance).to_contain_text("Loi Climat et Résilience")
    page.get_by_label("Méthode d'estimation du montant").fill("Marché précédent actualisé")
    page.get_by_label("Durée (mois)").fill("12")
    page.get_by_label("Justification du lot unique").fill("Un seul bâtiment, prestations indissociables.")
    page.get_by_role("textbox", name="Code CPV").fill("90911200")
    page.get_by_role("textbox", name="Code CPV").dispatch_event("change")
    expect(guidance).to_contain_text("Nettoyage et propreté")
    expect(page.locator("#guide-questions")).to_contain_text("journée")
    page.get_by_label("Le nettoyage peut-il se faire en journée ?").fill("Oui, de 7 h à 10 h.")
    page.get_by_label("Code CPV confirmé").check()
    page.get_by_label("Date de lancement souhaitée").fill("2026-12-01")
    screenshot("fiche-formulaire-orientation")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    page.get_by_role("button", name="Soumettre au service d'appui").click()
    expect(page.locator("main")).to_contain_text("Soumise")
    logout(page)

    # 2. The support service asks for changes.
    login("appui@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    page.get_by_role("button", name="Prendre en instruction").click()
    page.get_by_label("Commentaire ou motivation").fill("Précisez le nombre d'heures d'insertion envisagé.")
    page.get_by_role("button", name="Demander des compléments").click()
    expect(page.locator("main")).to_contain_text("À reprendre")
    logout(page)

    # 3. The agent completes and resubmits.
    login("agent@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    expect(page.locator("main")).to_contain_text("Précisez le nombre d'heures")
    page.get_by_role("link", name="Modifier la fiche").click()
    page.get_by_label("Description du besoin").fill("Nettoyage de 6 000 m² ; 5 % des heures en insertion.")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.get_by_role("button", name="Soumettre au service d'appui").click()
    expect(page.locator("main")).to_contain_text("Soumise")
    logout(page)

    # 4. The support service gives a visa with reserves and retains clauses from the library.
    login("appui@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    page.get_by_role("button", name="Prendre en instruction").click()
    page.get_by_label("Clause d'insertion par l'activité économique").check()
    page.get_by_label("Nettoyage en journée et conditions de travail").check()
    page.get_by_label("Commentaire ou motivation").fill("Visa sous réserve d'un critère environnemental à 15 %.")
    page.get_by_role("button", name="Viser avec réserves").click()
    main = page.locator("main")
    expect(main).to_contain_text("Visée avec réserves")
    expect(main).to_contain_text("Clause d'insertion par l'activité économique")
    screenshot("fiche-visee-avec-reserves")

    # 5. The PDF of the fiche and its decision downloads.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf_path = tmp_path / "fiche.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert pdf_path.stat().st_size > 5_000

    # 6. The fiche is linked to the notified contract and the check shows.
    page.get_by_role("link", name="Rattacher au marché notifié").click()
    expect(page.get_by_role("table")).to_contain_text("2026-NET-42")
    page.get_by_role("button", name="Rattacher au marché choisi").click()
    check = page.get_by_role("table", name=re.compile("Vérification"))
    expect(check).to_contain_text("retenue au visa, déclarée dans les données")
    expect(check).to_contain_text("publié dans les deux mois")
    screenshot("fiche-rattachee-au-marche")
