"""The fiche visa journey in a browser: the demo agent fills a fiche and sees the guidance, submits; the
support service asks for changes; the agent resubmits; the support service gives a visa with reserves and
clauses; the PDF downloads; the buyer links the fiche to the notified contract and the check shows.

Then, at 1366 and 390 px: a draft saved with only an object, completed from the list of what is missing,
submitted; sent back with a reason the agent reads at the top of the fiche; a visa missing a mandatory
obligation refused without justification and given with one, after a confirmation step; the fiche in the
census plan of its year; no horizontal scroll on the fiche page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pilote.clauses.demo import prepare_demo as prepare_clauses
from pilote.core.demo import prepare_demo as prepare_core
from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.fiches.guidance import cpv_suggestions
from pilote.recensement import services as census
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
    page.get_by_label("Date de lancement souhaitée").fill(f"{timezone.localdate().year + 1}-02-01")
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
    page.get_by_role("button", name="Confirmer : Demander des compléments").click()
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
    page.get_by_label("Justification des obligations non remplies").fill("Critère environnemental ajouté en réserve.")
    page.get_by_role("button", name="Viser avec réserves").click()
    page.get_by_role("button", name="Confirmer : Viser avec réserves").click()
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


def no_horizontal_scroll(page):
    fits = page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert fits, page.evaluate(
        """[document.scrollingElement.scrollWidth, window.innerWidth,
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 12).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))]"""
    )


def open_census_campaign(year):
    appui = Membership.objects.get(organisation__slug="region-normandie", user__email="appui@demo.pilote.test")
    return census.do_open_campaign(
        appui.organisation,
        actor=appui.user,
        year=year,
        title=f"Recensement des besoins {year}",
        deadline=dt.date(year, 1, 31),
        big_purchase_threshold=90000,
        services=["Direction du patrimoine"],
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_draft_send_back_visa_with_justification_and_census_plan(page, login, screenshot, settings, width):
    settings.PILOTE_DEMO = True
    prepare_core()
    prepare_clauses()
    assert Membership.objects.filter(user__email="appui@demo.pilote.test", role=Role.APPUI).exists()
    # Warm the CPV label terms once: the live server's threads would otherwise build them concurrently with
    # one shared Snowball stemmer, which is not thread-safe (reported; pilote.contracts.search.text).
    cpv_suggestions("nettoyage")
    page.set_viewport_size({"width": width, "height": 900})
    year = timezone.localdate().year + 1
    campaign = open_census_campaign(year)
    objet = f"Nettoyage des antennes régionales ({width} px)"

    # 1. A draft with only an object; the fiche lists what is missing, with links to the fields.
    login("agent@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + "/o/region-normandie/fiches/nouvelle/")
    page.get_by_label("Objet de l'achat").fill(objet)
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    missing = page.locator("#a-completer")
    expect(missing).to_contain_text("Indiquez le montant estimé.")
    page.get_by_role("button", name="Soumettre au service d'appui").click()
    expect(page.locator("main")).to_contain_text("La fiche est incomplète")
    expect(page.locator("main")).to_contain_text("Brouillon")
    page.get_by_role("link", name="Indiquez le montant estimé.").click()
    expect(page).to_have_url(re.compile(r"/modifier/#id_montant_estime$"))

    # 2. The agent completes the fiche (with a long answer to the guide's question) and submits it.
    page.get_by_label("Service demandeur").fill("Direction du patrimoine")
    page.get_by_label("Description du besoin").fill("Nettoyage de six antennes, 9 000 m² au total.")
    page.get_by_label("Montant estimé (€ HT)").fill("300 000")
    page.get_by_label("Méthode d'estimation du montant").fill("Marché précédent actualisé")
    page.get_by_label("Durée (mois)").fill("12")
    page.get_by_label("Justification du lot unique").fill("Prestations indissociables, un seul prestataire.")
    page.get_by_role("textbox", name="Code CPV").fill("90911200")
    page.get_by_role("textbox", name="Code CPV").dispatch_event("change")
    expect(page.locator("#guide-questions")).to_contain_text("journée")
    page.get_by_label("Le nettoyage peut-il se faire en journée ?").fill(
        "Oui, de 7 h à 10 h puis de 17 h à 20 h sur l'ensemble des antennes, sauf Caen-Saint-Contest-Épron-Hérouville"
    )
    page.get_by_label("Code CPV confirmé").check()
    page.get_by_label("Date de lancement souhaitée").fill(f"{year}-03-15")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    expect(page.locator("#a-completer")).to_have_count(0)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Soumettre au service d'appui").click()
    expect(page.locator("main")).to_contain_text("Soumise")
    logout(page)

    # 3. The support service sends it back, after a confirmation step, with a reason.
    login("appui@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    page.get_by_role("button", name="Prendre en instruction").click()
    page.get_by_label("Commentaire ou motivation").fill("Indiquez les surfaces de chaque antenne.")
    page.get_by_role("button", name="Demander des compléments").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer : Demander des compléments")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Confirmer : Demander des compléments").click()
    expect(page.locator("main")).to_contain_text("À reprendre")
    logout(page)

    # 4. The agent reads the reason at the top of the fiche, completes and resubmits.
    login("agent@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    expect(page.locator("#motif")).to_contain_text("Indiquez les surfaces de chaque antenne.")
    no_horizontal_scroll(page)
    screenshot(f"fiche-motif-en-haut-{width}")
    page.get_by_role("link", name="Modifier la fiche").click()
    page.get_by_label("Description du besoin").fill("Six antennes : Caen 2 000 m², Rouen 2 500 m², autres 1 100 m².")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.get_by_role("button", name="Soumettre au service d'appui").click()
    expect(page.locator("main")).to_contain_text("Soumise")
    logout(page)

    # 5. A visa missing the mandatory obligations is refused without justification, given with one.
    login("appui@demo.pilote.test", PASSWORD)
    open_fiche(page, objet)
    page.get_by_role("button", name="Prendre en instruction").click()
    expect(page.locator("main")).to_contain_text("Obligations à remplir pour un visa")
    social = page.locator("[data-obligations] li").filter(has_text="seuils européens").locator(".badge")
    expect(social).to_have_text("non remplie")
    page.get_by_label("Clause d'insertion par l'activité économique").check()
    expect(social).to_have_text("remplie")  # the list follows the clauses ticked
    page.get_by_role("button", name="Donner le visa").click()
    expect(page.locator("main")).to_contain_text("Ce visa laisse des obligations non remplies")
    expect(page.locator("main")).to_contain_text("En instruction")
    page.get_by_label("Clause d'insertion par l'activité économique").check()
    page.get_by_label("Justification des obligations non remplies").fill(
        "Le critère environnemental sera la performance des produits écolabellisés (cahier des charges)."
    )
    page.get_by_role("button", name="Donner le visa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer : Donner le visa")
    expect(page.locator("main")).to_contain_text("non remplie")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Confirmer : Donner le visa").click()
    main = page.locator("main")
    expect(main).to_contain_text("Visée")
    expect(main).to_contain_text("Obligations non remplies au visa")
    expect(main).to_contain_text("performance des produits écolabellisés")
    no_horizontal_scroll(page)
    screenshot(f"fiche-visee-justification-{width}")

    # 6. The fiche is in the census plan of its launch year.
    page.goto(page.base_url + f"/o/region-normandie/recensement/{campaign.pk}/programmation/")
    expect(page.locator("main")).to_contain_text(objet)
    expect(page.locator("main")).to_contain_text("1er trimestre")
