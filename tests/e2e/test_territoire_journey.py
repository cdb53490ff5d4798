"""The local innovation fund in a browser, on the demo Région: import real schemes, create a pool with a
contribution, open a call, submit two applications, declare the committee (one member linked to a carrier), run
a forum des initiatives locales, score (the linked member is blocked), decide one subsidy and one innovative
purchase (handed over to a draft fiche visa), then download the dispositif-aide and SCDL files, which validate
against the shipped national schemas."""

import csv
import io
import re

from playwright.sync_api import expect

from pilote.core.demo import prepare_demo
from pilote.fiches.models import Fiche
from pilote.territoire.models import Decision
from pilote.territoire.parsing import read_rows
from tests.territoire.test_exports import errors, report
from tests.territoire.test_imports import _text


SLUG = "region-normandie"


def _schemes_csv() -> bytes:
    rows = [r for r in read_rows(_text("dispositifs-transition-ecologique.csv")) if len(r["description"]) <= 5000]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows[:5])
    return buffer.getvalue().encode("utf-8")


def _apply(page, name, ident, title, *, from_carrier):
    page.get_by_label("Porteur (structure)").fill(name)
    page.get_by_label("SIRET ou numéro RNA du porteur").fill(ident)
    page.get_by_label("Commune du porteur (code INSEE)").fill("14118")
    page.get_by_label(re.compile(r"^Initiative\s*\*?$")).fill(title)
    page.get_by_label("Description").fill("Une initiative locale.")
    page.get_by_label("Budget total (€)").fill("60000")
    page.get_by_label("Cofinancements acquis (€)").fill("30000")
    page.get_by_label("Montant demandé (€)").fill("30000")
    page.get_by_label("L'initiative a été conçue par le porteur (et non commandée)").set_checked(from_carrier)
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.locator(".messages")).to_contain_text("Candidature déposée")


def _score(section, member, values):
    section.get_by_label("Membre").select_option(label=member)
    section.get_by_label("Utilité").fill(str(values[0]))
    section.get_by_label("Faisabilité").fill(str(values[1]))
    section.get_by_role("button", name="Noter").click()


def _decide(section, route, reasons):
    section.get_by_label("Retenue").select_option("oui")
    section.get_by_label("Montant (€)").fill("30000")
    section.get_by_label("Voie").select_option(route)
    section.get_by_label("Motifs").fill(reasons)
    section.get_by_role("button", name="Décider").click()


def _download(page, link_name) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return open(info.value.path(), encoding="utf-8").read()


def test_territoire_journey(page, login, screenshot):
    prepare_demo()
    page.on("dialog", lambda dialog: dialog.accept())
    base = f"{page.base_url}/o/{SLUG}/territoire/"
    login("appui@demo.pilote.test", "pilote-demo")

    # 1. The offline map is drawn (outlines shipped, no CDN); real schemes imported in the national format.
    page.goto(base)
    expect(page.locator('[data-spec="carte-spec"]')).to_have_attribute("data-drawn", "1")
    page.get_by_label("Disposition du fichier").select_option("dispositifs")
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "dispositifs.csv", "mimeType": "text/csv", "buffer": _schemes_csv()}
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.locator(".messages")).to_contain_text("5 dispositif(s) importé(s)")

    # 2. A pool, a contribution, a call with published criteria.
    page.goto(base + "fil/")
    page.get_by_label("Nom du fonds").fill("Petit pacte d'innovation")
    page.get_by_label("Règle d'abondement").select_option("plafonne")
    page.get_by_label("Plafond par initiative (€)").fill("60000")
    page.get_by_label("Plafond par contributeur (€)").fill("100000")
    page.get_by_label("Publier la page du fonds").check()
    page.get_by_role("button", name="Créer le fonds").click()
    expect(page.locator(".messages")).to_contain_text("Fonds créé")
    page.get_by_text("Ajouter un apport").click()
    page.get_by_label(re.compile(r"^Contributeur\s*\*?$")).fill("Région Normandie")
    page.get_by_label("Montant de l'apport (€)").fill("100000")
    page.get_by_role("button", name="Enregistrer l'apport").click()
    expect(page.locator(".messages")).to_contain_text("Apport enregistré")
    page.get_by_text("Ouvrir un appel à initiatives").click()
    page.get_by_label("Intitulé de l'appel").fill("Initiatives locales 2027")
    page.get_by_label("Solidarités / lien social").check()
    page.get_by_label("Éligibilité").fill("Associations et entreprises de Normandie")
    page.get_by_label("Ouverture").fill("2027-01-10")
    page.get_by_label("Clôture").fill("2027-03-31")
    page.get_by_label(re.compile("^Critères publiés")).fill("Utilité ; 2\nFaisabilité ; 1")
    page.get_by_role("button", name="Ouvrir l'appel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initiatives locales 2027")

    # 3. Two applications: one designed by its carrier, one answering the Région's need.
    _apply(page, "Recyclerie du Bocage", "W141000001", "Recyclerie de quartier", from_carrier=True)
    _apply(page, "Atelier numérique", "34224660000031", "Réparation des ordinateurs des lycées", from_carrier=False)

    # 4. The committee: a member declares a link with the first carrier.
    page.get_by_text("Ajouter un membre du comité et ses liens").click()
    page.get_by_label("Nom du membre").fill("Mme Lien")
    page.get_by_label("Recyclerie du Bocage").check()
    page.get_by_role("button", name="Ajouter le membre").click()
    page.get_by_text("Ajouter un membre du comité et ses liens").click()
    page.get_by_label("Nom du membre").fill("M. Neutre")
    page.get_by_role("button", name="Ajouter le membre").click()
    expect(page.get_by_text("Mme Lien — liens déclarés : Recyclerie du Bocage")).to_be_visible()

    # 5. The forum des initiatives locales, with both pitches and public minutes.
    page.get_by_text("Tenir un forum des initiatives locales").click()
    page.get_by_label("Date du forum").fill("2027-04-10")
    page.get_by_label("Lieu").fill("Caen, Maison des associations")
    page.get_by_label("Ordre du jour").fill("Pitchs des initiatives")
    page.get_by_label("Compte rendu public").fill("Deux initiatives présentées, 40 participants.")
    page.get_by_role("button", name="Enregistrer le forum").click()
    expect(page.get_by_text("Compte rendu public : Deux initiatives présentées")).to_be_visible()

    # 6. Scores: the linked member is blocked, the other scores.
    first = page.locator("section", has_text="Recyclerie de quartier")
    _score(first, "Mme Lien", (5, 5))
    expect(page.locator(".messages")).to_contain_text("conflit d'intérêts")
    _score(page.locator("section", has_text="Recyclerie de quartier"), "M. Neutre", (4, 3))
    expect(page.locator(".messages")).to_contain_text("Notes de M. Neutre enregistrées")
    screenshot("territoire-appel")

    # 7. Decisions: a subsidy (initiative of the carrier), an innovative purchase handed to a fiche visa.
    first = page.locator("section", has_text="Recyclerie de quartier")
    expect(first).to_contain_text("Subvention (loi 2000-321, art. 9-1) : possible")
    _decide(first, "subvention", "Initiative du porteur, utile au territoire.")
    expect(page.locator(".messages")).to_contain_text("Décision enregistrée")
    second = page.locator("section", has_text="Réparation des ordinateurs")
    expect(second).to_contain_text("Subvention (loi 2000-321, art. 9-1) : impossible")
    _decide(second, "achat_innovant", "Besoin défini par la Région.")
    expect(page.locator(".messages")).to_contain_text("fiche visa a été préparée")
    fiche = Decision.objects.get(route="achat_innovant").fiche
    assert Fiche.objects.filter(pk=fiche.pk, status="brouillon").exists()
    page.get_by_role("link", name=f"fiche visa n° {fiche.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réparation des ordinateurs")

    # 8. The two national files, validated against the shipped schemas.
    page.goto(base)
    schemes = _download(page, "Exporter les dispositifs (dispositif-aide v0.2.0)")
    result = report(schemes, "dispositif-aide-0.2.0.json")
    assert result.valid, errors(result)[:5]
    assert len(read_rows(schemes)) == 5
    scdl = _download(page, "Exporter les subventions du FIL (SCDL 2.1.1)")
    result = report(scdl, "scdl-subventions-2.1.1.json")
    assert result.valid, errors(result)[:5]
    assert [r["nomBeneficiaire"] for r in read_rows(scdl)] == ["Recyclerie du Bocage"]
    page.goto(f"{page.base_url}/public/{SLUG}/fil/")
    expect(page.get_by_text("Recyclerie de quartier — Recyclerie du Bocage")).to_be_visible()
