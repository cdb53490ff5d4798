"""The evolutions journey in a browser: an evolution clause is built (refused first without a measured trigger), its
activation over the clause's cap is flagged and nothing is saved, a conforming activation needs the CAO opinion
(CGCT L. 1414-4) before its signature, and the signed modification's DECP block validates against the official
schema; a responsible negotiation sends the same questions to two bidders, records their claims with evidence and
turns one commitment into a followed execution clause. The conforming activation happens in a théâtre session,
after the supplier's proposal put on the table was flagged against the clause's cap. The clause is attached to the
purchase's fiche visa from the fiche page."""

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from pilote.core.demo import prepare_demo
from pilote.core.models import Organisation, User
from pilote.evolutions import services
from tests.fiches.factories import make_fiche


def _setup():
    prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    buyer = User.objects.get(email="acheteur@demo.pilote.test")
    agent = User.objects.get(email="agent@demo.pilote.test")
    fiche = make_fiche(region, author=agent, objet="Restauration des lycées 2026 (fiche fictive)")
    return fiche, services.do_open_register(
        region, actor=buyer, decp_id="2025RN0100", title="Restauration des lycées (contrat fictif)",
        nature="services", initial_amount=Decimal("800000"), initial_duration=36, notified_on=dt.date(2025, 1, 6),
        procedure="Appel d'offres ouvert", awarded_by_cao=True,
    )  # fmt: skip


def test_evolutions_journey(page, login, screenshot):
    fiche, register = _setup()
    base = f"{page.base_url}/o/region-normandie/evolutions/"
    page.on("dialog", lambda dialog: dialog.accept())
    login("acheteur@demo.pilote.test", "pilote-demo")

    # 1. The clause builder refuses a trigger without a measure, then saves the clause in the library.
    page.goto(base + "clauses/nouvelle/")
    page.get_by_label("intitulé").fill("Révision sur l'indice des denrées")
    page.get_by_label("Contrat (registre)").select_option(str(register.pk))
    page.get_by_label("champ d'application").fill("Prix des denrées alimentaires du marché")
    page.get_by_label("nature des modifications").select_option("indice")
    page.get_by_label("condition de déclenchement").select_option("indice")
    page.get_by_label("seuil de déclenchement").fill("4")
    page.get_by_label("plafond (% du montant initial)").fill("8")
    page.get_by_label("qui propose").fill("le titulaire")
    page.get_by_label("qui décide").fill("la direction des lycées")
    page.get_by_role("button", name="Vérifier et enregistrer la clause").click()
    expect(page.locator("form#clause")).to_contain_text("sans mesure")
    page.get_by_label("mesure du déclenchement").fill("Indice INSEE des prix des denrées, glissement sur 12 mois")
    page.get_by_role("button", name="Vérifier et enregistrer la clause").click()
    expect(page.locator("body")).to_contain_text("Claire, précise et sans équivoque (R. 2194-1)")

    # 1b. The clause is attached to the purchase's fiche visa from the fiche page, which links back to it.
    page.goto(f"{page.base_url}/o/region-normandie/fiches/{fiche.pk}/")
    attach = page.locator("form#rattacher-clause")
    attach.get_by_label("Clause d'évolution de l'organisation").select_option(
        label="Révision sur l'indice des denrées"
    )
    attach.get_by_role("button", name="Rattacher la clause").click()
    expect(page.locator("body")).to_contain_text("est rattachée à la fiche")
    page.locator("#clauses-evolution").get_by_role("link", name="Révision sur l'indice des denrées").click()

    # 2. Activating it above the clause's cap (8 % of 800 000 = 64 000 €) is flagged before anything is saved.
    page.get_by_label("Constat qui déclenche la clause").fill("Indice +9 % sur douze mois")
    page.get_by_label("Effet sur le montant (€ HT)").fill("70000")
    page.get_by_label("Date de notification prévue").fill("2025-10-01")
    page.get_by_role("button", name="Activer").click()
    expect(page.locator("form#activer")).to_contain_text("dépassent son plafond")
    expect(page.locator("form#activer")).to_contain_text("R. 2194-1")
    assert register.modifications.count() == 0

    # 3. A théâtre session around the clause: the supplier's proposal above the clause's cap is flagged at once.
    page.goto(base + "theatre/nouvelle/")
    form = page.locator("form#theatre")
    form.locator("input[name=title]").fill("Activation de la clause des denrées")
    form.locator("select[name=register]").select_option(str(register.pk))
    form.locator("select[name=clause]").select_option(label="Révision sur l'indice des denrées")
    form.locator("textarea[name=agenda]").fill("1. Constat de l'indice 2. Propositions 3. Relevé de décisions")
    form.locator("textarea[name=roles]").fill(
        "mediateur | Claire | Tenir le temps et le relevé\nfournisseur | Paul | Obtenir 70 000 € au titre de la clause"
    )
    form.get_by_role("button", name="Ouvrir la séance").click()
    proposal = page.locator("form#proposition")
    proposal.locator("select[name=role]").select_option(label="Fournisseur — Paul")
    proposal.locator("select[name=ground]").select_option("clause")
    proposal.locator("input[name=amount_delta]").fill("70000")
    proposal.locator("textarea[name=text]").fill("Hausse de 70 000 € au titre de l'indice")
    proposal.get_by_role("button", name="Vérifier la proposition").click()
    expect(page.locator("#compte-rendu")).to_contain_text("dépassent son plafond")
    expect(page.locator("#compte-rendu")).to_contain_text("Bloquant")
    screenshot("evolutions-theatre")

    # 4. The mediator activates the clause in the session at a conforming amount above 5 %: the proposed
    # modification is in the register and the CAO opinion is required before signature.
    activation = page.locator("form#activer-seance")
    activation.locator("textarea[name=activation-description]").fill("Indice +7,5 % sur douze mois")
    activation.locator("input[name=activation-amount_delta]").fill("60000")
    activation.locator("input[name=activation-dated]").fill("2025-10-01")
    activation.get_by_role("button", name="Activer la clause au registre").click()
    expect(page.locator("#compte-rendu")).to_contain_text("Clause activée en séance : modification n° 1")
    expect(page.locator("#compte-rendu")).to_contain_text("L. 1414-4")
    assert register.modifications.get().clause.title == "Révision sur l'indice des denrées"
    page.goto(base + f"registres/{register.pk}/")
    card = page.locator("#modification-1")
    expect(card).to_contain_text("Avis requis")
    expect(card).to_contain_text("L. 1414-4")
    card.get_by_role("button", name="Signer la modification n° 1").click()
    expect(page.locator("body")).to_contain_text("Avis requis avant signature : Commission d'appel d'offres")
    card = page.locator("#modification-1")
    card.locator("summary", has_text="Enregistrer un avis").click()
    card.locator("select[name=body]").select_option("cao")
    card.locator("select[name=verdict]").select_option("favorable")
    card.get_by_label("Date de la séance").fill("2025-09-20")
    card.get_by_label("Motifs").fill("Hausse conforme à la clause et à l'indice publié.")
    card.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.locator("#modification-1")).to_contain_text("Favorable")
    page.locator("#modification-1").get_by_role("button", name="Signer la modification n° 1").click()
    card = page.locator("#modification-1")
    expect(card).to_contain_text("Signée")
    expect(card).to_contain_text("Conforme au schéma officiel 2.0.4")
    expect(page.locator("#compteurs")).to_contain_text("60 000")
    screenshot("evolutions-registre")

    # 5. A responsible negotiation: the same questions to both bidders, claims with evidence, one commitment kept.
    page.goto(base + "negociations/nouvelle/")
    page.get_by_label("Consultation").fill("Nettoyage des lycées du Calvados")
    page.get_by_label("Soumissionnaires (un par ligne)").fill("Propre SA\nNet Coop")
    page.get_by_label("Questions d'impact").fill("insertion | Combien d'heures d'insertion par an ?")
    page.get_by_role("button", name="Ouvrir la négociation").click()
    page.get_by_role("button", name="Envoyer les questions").click()
    expect(page.locator("body")).to_contain_text("envoyée(s) à l'identique à chaque soumissionnaire")
    expect(page.locator("#questions")).to_contain_text("Propre SA le")
    expect(page.locator("#questions")).to_contain_text("Net Coop le")
    for name, hours in (("Propre SA", "1200"), ("Net Coop", "900")):
        form = page.locator("form#allegation")
        form.locator("select[name=bidder]").select_option(label=name)
        form.locator("select[name=criterion]").select_option("insertion")
        form.locator("input[name=value]").fill(hours)
        form.locator("textarea[name=evidence]").fill(f"Attestation du facilitateur pour {name}")
        form.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#comparaison")).to_contain_text(name)
    page.locator("#comparaison").get_by_role("button", name="Retenir en clause d'exécution").first.click()
    expect(page.locator("#engagements")).to_contain_text("Propre SA")
    expect(page.locator("#engagements")).to_contain_text("1 200")
    screenshot("evolutions-negociation")
