"""The strategy journey in a browser: two participants on two browser contexts (the mediator, a guest citizen on
their phone) amend a scenario and the mediator's comparison follows without reloading; the mediator closes the
round and ends the session; the scenario is adopted; the strategy is revised and its diff shown; a citizen jury
is drawn with quotas from a published seed (the same seed gives the same jury) and its opinion on the revision
is recorded and shown in the cockpit."""

import re

from playwright.sync_api import expect

from pilote.core.demo import prepare_demo
from pilote.core.models import Organisation, User
from pilote.strategie import juries, sortition
from pilote.strategie.models import Jury
from tests.strategie import helpers


SEED = "Loto-du-5-decembre-2026"


def _setup():
    prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    appui = User.objects.get(email="appui@demo.pilote.test")
    session, _mediator, _scenario, (local, _social) = helpers.session_with_scenario(region, appui, envelope=300_000)
    return session, local


def _fill_instrument(page, label, amount, effect_label=None, effect=None):
    page.get_by_label(re.compile(r"^Axe")).fill("Achats")
    page.get_by_label(re.compile(r"^Levier")).fill("Allotir")
    page.get_by_label(re.compile(r"^Instrument")).fill(label)
    page.get_by_label("Coût annuel (€ HT)").fill(str(amount))
    page.get_by_label("Première année").fill("2027")
    page.get_by_label("Dernière année").fill("2029")
    if effect_label:
        page.get_by_label(effect_label).fill(str(effect))


def test_strategy_journey(page, browser, login, screenshot, live_server):
    session, local = _setup()
    play = f"{page.base_url}/atelier/{session.join_code}/"
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The mediator opens the session screen; a guest citizen joins from another browser (phone) by the code.
    login("appui@demo.pilote.test", "pilote-demo")
    page.goto(play)
    expect(page.locator("#comparaison")).to_contain_text("50 000 €")
    phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    guest = phone.new_page()
    guest.goto(f"{play}rejoindre/")
    guest.get_by_label("Votre nom").fill("Inès Citoyenne")
    guest.get_by_label("Votre rôle").select_option("citoyen")
    guest.get_by_role("button", name="Rejoindre").click()
    expect(guest.get_by_text("Inès Citoyenne · Citoyen")).to_be_visible()

    # 2. The guest amends the scenario; the mediator's comparison follows (HTMX polling), without reloading.
    guest.get_by_text("Ajouter un instrument à « Tout marché »").click()
    _fill_instrument(guest, "Lot de légumes bio", 20000, f"Effet attendu : {local.label} (%)", 6)
    guest.get_by_role("button", name="Ajouter", exact=True).click()
    expect(guest.get_by_text("Lot de légumes bio", exact=True)).to_be_visible()
    expect(page.locator("#comparaison")).to_contain_text("70 000 €", timeout=20_000)
    expect(page.locator("#comparaison")).to_contain_text("38,0 %")  # 20 + 12 + 6 points of local products
    # a subsidy for a service the organisation orders is refused, with a French message, nothing saved
    guest.get_by_text("Ajouter un instrument à « Tout marché »").click()
    _fill_instrument(guest, "Subvention cantine", 10000)
    guest.get_by_label("Type d'instrument").select_option("subvention")
    guest.get_by_label("Projet à l'initiative du bénéficiaire").check()
    guest.get_by_label("Prestation définie et commandée par l'organisation pour ses besoins").check()
    guest.get_by_role("button", name="Ajouter", exact=True).click()
    expect(guest.get_by_text("c'est un marché public").first).to_be_visible()
    screenshot("strategie-atelier-telephone")
    phone.close()

    # 3. The mediator closes the round, then ends the session with the scenario.
    page.get_by_role("button", name="Clore le tour 1").click()
    expect(page.locator("#comparaison")).to_contain_text("tour 2")
    page.get_by_label("Scénario retenu").select_option(label="Tout marché")
    page.get_by_label("Motif de la décision").fill("Seul scénario complet.")
    page.get_by_role("button", name="Terminer la séance").click()
    expect(page.get_by_text("Scénario retenu par décision du médiateur")).to_be_visible()
    screenshot("strategie-seance-terminee")

    # 4. The scenario is adopted as a strategy (version 1), then revised: the diff is shown with its rationale.
    page.goto(f"{page.base_url}/o/region-normandie/strategie/seances/{session.pk}/")
    page.get_by_label("Motif").fill("Scénario retenu en séance.")
    page.get_by_role("button", name="Adopter la stratégie").click()
    expect(page.get_by_role("heading", name="Version 1", exact=False)).to_be_visible()
    page.get_by_text("Ajouter un instrument", exact=True).click()
    _fill_instrument(page, "Formation des cuisiniers", 15000)
    page.get_by_role("button", name="Ajouter l'instrument").click()
    expect(page.get_by_text("Modifications non publiées")).to_be_visible()
    page.get_by_label("Motif").fill("Former les équipes au fait maison.")
    page.get_by_role("button", name="Publier la révision").click()
    expect(page.locator("#version-2")).to_contain_text("Ajouté : Achats › Allotir › Formation des cuisiniers")
    expect(page.locator("#version-2")).to_contain_text("Former les équipes au fait maison.")
    strategy_url = page.url

    # 5. A citizen jury with quotas is drawn from a seed whose fingerprint was published first.
    page.goto(f"{page.base_url}/o/region-normandie/strategie/nouveau-jury/")
    page.get_by_label("Intitulé").fill("Jury citoyen des repas")
    page.get_by_label(re.compile(r"^Mandat")).fill("Avis sur la stratégie des repas et ses révisions.")
    page.get_by_label("Stratégie concernée").select_option(label="Repas scolaires durables")
    page.get_by_label("Début du mandat").fill("2027-01-01")
    page.get_by_label("Fin du mandat").fill("2027-12-31")
    page.get_by_label("Nombre de membres").fill("3")
    page.get_by_label("Quotas").fill("genre ; femme ; 2 ; 2\ngenre ; homme ; 1 ; 1")
    page.get_by_label("Données conservées jusqu'au").fill("2028-06-30")
    page.get_by_role("button", name="Créer le jury").click()
    jury = Jury.objects.get(title="Jury citoyen des repas")
    appui = User.objects.get(email="appui@demo.pilote.test")
    helpers.volunteers(jury, appui, n_women=3, n_men=3)
    page.reload()
    page.get_by_label("Graine").fill(SEED)
    page.get_by_role("button", name="Publier l'empreinte de la graine").click()
    expect(page.locator("code.empreinte")).to_have_text(sortition.commitment(SEED))
    page.get_by_label("Graine").fill(SEED)
    page.get_by_role("button", name="Tirer le jury").click()
    expect(page.get_by_text("Vérifié : le tirage refait avec cette graine donne le même jury")).to_be_visible()
    expect(page.locator("#membres tbody tr")).to_have_count(3)
    # the same seed gives the same jury, recomputed here outside the application
    jury.refresh_from_db()
    again, _reserve = sortition.draw(juries.pool_of(jury), juries.quotas_of(jury), 3, SEED)
    assert again == list(jury.members.order_by("rank").values_list("volunteer_id", flat=True))
    screenshot("strategie-jury-tire")

    # 6. The jury's opinion on the revision is recorded and shown beside version 2 in the cockpit.
    page.get_by_label("Version concernée").select_option(index=1)
    page.get_by_label(re.compile(r"^Avis(?! minoritaire)")).select_option("reserves")
    page.get_by_label("Motifs").fill("Utile, mais le prix du repas doit être suivi.")
    page.get_by_label("Avis minoritaire").fill("Un membre demande une régie publique.")
    page.get_by_role("button", name="Publier l'avis").click()
    expect(page.get_by_text("Avis du jury publié.")).to_be_visible()
    page.goto(strategy_url)
    expect(page.locator("#version-2")).to_contain_text("Favorable avec réserves")
    expect(page.locator("#version-2")).to_contain_text("Un membre demande une régie publique.")
    screenshot("strategie-cockpit")
