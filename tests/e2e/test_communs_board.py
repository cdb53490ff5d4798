"""The co-management board in a browser, on the demo of the Région: the support service designates a
representative for each initiative and puts two drafts to the vote (an allocation of credits, a new price for a
room); each representative votes for its initiative; the support service closes the votes; the allocation is in
the initiative's statement by the board's decision and the room's price is the voted one. The board page passes
axe before and after. A resource's card is edited and photographed."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from pilote.communs.demo import prepare_demo as prepare_communs
from pilote.core.demo import prepare_demo as prepare_core
from tests.communs.photo_files import jpeg_bytes


PASSWORD = "pilote-demo"
HOME = "/o/region-normandie/ressourcotheque/"
BOARD = HOME + "cogestion/"
REPAIR = "Repair café de Caen (démo)"
JARDIN = "Jardin partagé du Chemin Vert (démo)"
ROOM = "Salle des associations de l'Abbaye aux Dames (démo)"


def _label(text):
    """A field's label, exactly, with or without the mark of a required field (« * »)."""
    return re.compile(rf"^{re.escape(text)}\s*\*?$")


def _switch(page, login, email):
    page.get_by_role("button", name="Se déconnecter").click()
    login(email, PASSWORD)
    page.goto(page.base_url + BOARD)


def _row(page, text):
    return page.get_by_role("row").filter(has_text=text)


def _vote(page, proposal, initiative, choice):
    row = _row(page, proposal)
    row.get_by_label(f"Vote de {initiative}").select_option(label=choice)
    row.get_by_role("button", name="Voter").click()
    expect(page.get_by_text(f"Vote de « {initiative} » enregistré.")).to_be_visible()


def _propose(page, kind, fields, reasons):
    page.get_by_text("Soumettre une proposition au vote").click()
    page.get_by_label(_label("Objet")).select_option(label=kind)
    for label, value in fields:
        field = page.get_by_label(_label(label))
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_label("Motifs").fill(reasons)
    page.get_by_role("button", name="Ouvrir le vote").click()
    expect(page.get_by_text("Proposition soumise au vote du comité.")).to_be_visible()


def test_board_votes_a_draft_allocation_and_a_draft_price(page, login, screenshot, axe_check, settings):
    settings.PILOTE_DEMO = True
    prepare_core()
    prepare_communs()
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The support service designates the representatives and puts two drafts to the vote.
    login("appui@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name=REPAIR).click()
    expect(page.locator("#solde")).to_have_text("108")  # 120 of the demo − 12 for its upcoming booking
    page.goto(page.base_url + BOARD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de cogestion")
    axe_check("comité de cogestion")
    for initiative, email in ((REPAIR, "agent@demo.pilote.test"), (JARDIN, "elu@demo.pilote.test")):
        page.get_by_text("Désigner le représentant d'une initiative").click()
        page.get_by_label(_label("Initiative")).select_option(label=initiative)
        page.get_by_label("Courriel du représentant (membre de l'organisation)").fill(email)
        page.get_by_role("button", name="Désigner").click()
        expect(page.get_by_text("Représentant désigné.")).to_be_visible()
    allocation = f"25 crédits pour « {REPAIR} »"
    _propose(
        page,
        "Attribution de crédits à une initiative",
        [("Initiative (attribution)", REPAIR), ("Crédits proposés", "25")],
        "Ateliers d'été du Repair café",
    )
    today = timezone.localdate()
    price = f"Prix de « {ROOM} » : 5 crédits"
    _propose(
        page,
        "Nouveau prix d'une ressource",
        [("Ressource (prix)", ROOM), ("Nouveau prix en crédits", "5"), ("Applicable à partir du", today.isoformat())],
        "Coût du chauffage de la salle",
    )
    expect(_row(page, allocation)).to_contain_text("Vote ouvert")
    expect(_row(page, price)).to_contain_text("Vote ouvert")

    # 2. Each representative votes for its initiative, once.
    _switch(page, login, "agent@demo.pilote.test")
    _vote(page, allocation, REPAIR, "Pour")
    _vote(page, price, REPAIR, "Pour")
    expect(_row(page, allocation).get_by_label(f"Vote de {REPAIR}")).to_have_count(0)  # one vote per initiative
    expect(_row(page, allocation).get_by_role("button", name="Clore le vote")).to_have_count(0)  # not the agent's
    _switch(page, login, "elu@demo.pilote.test")
    _vote(page, allocation, JARDIN, "Pour")
    _vote(page, price, JARDIN, "Abstention")
    expect(_row(page, price)).to_contain_text(re.compile(r"1\s*0\s*1"))  # pour, contre, abstention

    # 3. The support service closes the votes: both adopted, recorded as decisions of the board.
    _switch(page, login, "appui@demo.pilote.test")
    for proposal in (allocation, price):
        _row(page, proposal).get_by_role("button", name="Clore le vote").click()
        expect(page.get_by_text("Vote clos : proposition adoptée.")).to_be_visible()
        expect(_row(page, proposal)).to_contain_text(re.compile(r"Adoptée \(CCG-\d+\)"))
    expect(page.locator("#board-total")).to_have_text("0")  # the trial balance still sums to zero
    screenshot("communs-cogestion")
    axe_check("comité de cogestion après les votes")

    # 4. The ledger and the price reflect the decisions.
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name=REPAIR).click()
    expect(page.locator("#solde")).to_have_text("133")  # 108 + 25
    statement = page.locator("#releve")
    expect(statement).to_contain_text("Vote du comité de cogestion : 2 pour, 0 contre, 0 abstention(s).")
    expect(statement).to_contain_text("+25")
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name=ROOM).click()
    expect(page.locator("#prix-applicable")).to_have_text("5")
    expect(page.get_by_text("prix voté par le comité de cogestion ; prix de base 3")).to_be_visible()


def _loaded_width(img):
    # The photo is lazy-loaded: « visible » does not mean downloaded yet (CI read
    # img.complete == false once). decode() waits for the bytes, or fails if the
    # server refused them.
    img.scroll_into_view_if_needed()
    return img.evaluate("img => img.decode().then(() => img.naturalWidth)")


def test_resource_edited_and_photographed(page, login, screenshot, axe_check, settings):
    """A buyer edits the washer's card and adds a photo with its text alternative; a file that is not an image
    is refused in French; the photo is shown on the resource page and, the washer made public, on the public
    catalogue of the Région."""
    settings.PILOTE_DEMO = True
    prepare_core()
    prepare_communs()
    page.on("dialog", lambda dialog: dialog.accept())
    washer = "Nettoyeur haute pression 150 bars (démo)"
    login("acheteur@demo.pilote.test", PASSWORD)
    page.goto(page.base_url + HOME)
    page.get_by_role("link", name=washer).click()
    page.get_by_role("link", name="Modifier la fiche de la ressource").click()
    expect(page.get_by_label(_label("Thème (EQUIP_THEME)"))).to_have_count(0)  # a room's field, not equipment's
    page.get_by_label(_label("État")).fill("lance neuve, révisé")
    page.get_by_label(_label("Visible sur la page publique")).check()
    axe_check("ressource-o-thèque modifier une ressource")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Fiche de la ressource enregistrée.")).to_be_visible()
    expect(page.get_by_text("lance neuve, révisé")).to_be_visible()

    page.get_by_text("Ajouter une photo").click()
    page.get_by_label(_label("Photo (JPEG ou PNG)")).set_input_files(
        files=[{"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"pas une image du tout"}]
    )
    page.get_by_label(_label("Texte alternatif (ce que montre la photo)")).fill("Une photo")
    page.get_by_role("button", name="Ajouter la photo").click()
    expect(page.get_by_text("« notes.jpg » ne correspond pas à son extension .jpg.")).to_be_visible()

    page.get_by_text("Ajouter une photo").click()
    page.get_by_label(_label("Photo (JPEG ou PNG)")).set_input_files(
        files=[{"name": "nettoyeur.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(120, 90)}]
    )
    alt = "Nettoyeur haute pression jaune sur son chariot, lance repliée"
    page.get_by_label(_label("Texte alternatif (ce que montre la photo)")).fill(alt)
    page.get_by_role("button", name="Ajouter la photo").click()
    expect(page.get_by_text("Photo ajoutée (métadonnées retirées).")).to_be_visible()
    photo = page.get_by_role("img", name=alt)
    expect(photo).to_be_visible()
    assert _loaded_width(photo) == 90  # served, turned upright
    screenshot("communs-photo")
    axe_check("ressource-o-thèque ressource avec photo")

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(page.base_url + "/public/region-normandie/ressourcotheque/")
    public = page.get_by_role("img", name=alt)
    expect(public).to_be_visible()
    assert _loaded_width(public) == 90
    axe_check("ressource-o-thèque page publique avec photo")
