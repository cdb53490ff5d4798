"""The fiche through its pages: form with bad input, stale form, guidance partial, attachments, PDF,
filters and the overdue list."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pilote.core.enums import Role
from pilote.fiches import panels
from pilote.fiches.models import Fiche, FicheAttachment, Status
from pilote.fiches.panels import FicheChecklist
from pilote.fiches.services import do_transition
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "service_demandeur": "Direction des bâtiments",
        "objet": "Nettoyage des locaux administratifs",
        "besoin": "Nettoyage quotidien des bureaux",
        "nature": "services",
        "montant_estime": "180 000",
        "methode_estimation": "Marché précédent",
        "duree_mois": "12",
        "reconductions": "3",
        "justification_lot_unique": "Un seul site.",
        "code_cpv": "90911200",
        "code_cpv_confirme": "on",
        "date_lancement": "2026-10-01",
        "sourcing_realise": "",
    }
    data.update(overrides)
    return data


def test_agent_creates_fiche_with_french_amount(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/fiches/nouvelle/", form_data())
    fiche = Fiche.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/fiches/{fiche.pk}/")
    assert fiche.montant_estime == 180000
    assert fiche.segment.code == "nettoyage"
    page = client.get(response["Location"]).content.decode()
    assert "Nettoyage des locaux administratifs" in page
    assert "Brouillon" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"montant_estime": "0"}, "supérieur à 0"),
        ({"montant_estime": "cent mille"}, "en chiffres"),
        ({"code_cpv": "12345678"}, "n&#x27;existe pas dans la nomenclature"),
        ({"objet": ""}, "Ce champ est obligatoire"),
        ({"duree_mois": "0"}, "au moins un mois"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_saved(client, org_a, members_a, overrides, message):
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/fiches/nouvelle/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Fiche.objects.exists()


def test_stale_form_is_refused(client, org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent)
    client.force_login(agent)
    url = f"/o/{org_a.slug}/fiches/{fiche.pk}/modifier/"
    assert client.post(url, form_data(objet="Première version", revision="1")).status_code == 302
    # A second tab still holding revision 1 posts afterwards: refused, nothing overwritten.
    response = client.post(url, form_data(objet="Version périmée", revision="1"))
    assert "modifiée entre-temps" in response.content.decode()
    assert Fiche.objects.get(pk=fiche.pk).objet == "Première version"
    # The history shows the change with the field's French label.
    history = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    assert "objet de l&#x27;achat : « Nettoyage des locaux administratifs » → « Première version »" in history


def test_guidance_partial_reacts_to_amount_and_cpv(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    url = f"/o/{org_a.slug}/fiches/orientation/"
    small = client.post(url, form_data(montant_estime="30000")).content.decode()
    assert "sans publicité ni mise en concurrence" in small
    big = client.post(url, form_data(montant_estime="300000")).content.decode()
    assert "Procédure formalisée" in big
    assert "condition d&#x27;exécution sociale" in big
    assert "Loi Climat et Résilience" in big  # launched after 22/08/2026
    food = client.post(url, form_data(code_cpv="15894210", objet="Repas pour les écoles")).content.decode()
    assert "Egalim" in food
    assert "50" in food
    # Questions of the segment's guide come back (out of band) when the segment changes.
    assert 'id="guide-questions"' in big
    assert "journée" in big
    # CPV suggestions from the text.
    assert "90910000" in client.post(url, form_data(objet="Services de nettoyage")).content.decode()


def test_guidance_says_when_no_contract_data_is_imported(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    page = client.post(f"/o/{org_a.slug}/fiches/orientation/", form_data()).content.decode()
    assert "Données indisponibles : aucun marché comparable" in page


def test_guidance_calls_the_explorer_and_does_not_hide_its_failure(client, org_a, members_a, monkeypatch):
    from pilote.contracts.search import guidance as explorer

    def broken(**kwargs):
        raise RuntimeError("index illisible")

    monkeypatch.setattr(explorer, "price_reference", broken)
    client.force_login(members_a[Role.AGENT])
    with pytest.raises(RuntimeError, match="index illisible"):
        client.post(f"/o/{org_a.slug}/fiches/orientation/", form_data())


def test_attachments_are_limited_and_served_only_to_viewers(client, org_a, members_a, settings):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent)
    client.force_login(agent)
    url = f"/o/{org_a.slug}/fiches/{fiche.pk}/pieces/"
    client.post(url, {"file": SimpleUploadedFile("virus.exe", b"MZ....", "application/octet-stream")})
    client.post(url, {"file": SimpleUploadedFile("faux.pdf", b"<html>pas un pdf", "application/pdf")})
    settings.PILOTE_MAX_UPLOAD_BYTES = 10
    client.post(url, {"file": SimpleUploadedFile("gros.pdf", b"%PDF-1.4 " + b"x" * 50, "application/pdf")})
    assert not FicheAttachment.objects.exists()
    settings.PILOTE_MAX_UPLOAD_BYTES = 10_000
    response = client.post(
        url, {"file": SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", "application/pdf")}, follow=True
    )
    assert "Pièce jointe ajoutée" in response.content.decode()
    attachment = FicheAttachment.objects.get()
    download = f"/o/{org_a.slug}/fiches/{fiche.pk}/pieces/{attachment.pk}/"
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 devis"
    # The file is stored under the data directory, outside any static or media URL.
    assert (settings.PILOTE_DATA_DIR / "private" / "fiches" / attachment.storage_name).exists()
    # An elected member reads (but cannot upload); another agent does not see this fiche at all.
    client.force_login(members_a[Role.ELU])
    assert client.get(download).status_code == 200
    client.post(url, {"file": SimpleUploadedFile("elu.pdf", b"%PDF-1.4 elu", "application/pdf")})
    assert FicheAttachment.objects.count() == 1
    from tests.core.factories import MembershipFactory

    client.force_login(MembershipFactory(organisation=org_a, role=Role.AGENT).user)
    assert client.get(download).status_code == 404


def test_pdf_contains_decision(client, org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    do_transition(fiche, "instruire", actor=appui, roles={Role.APPUI})
    do_transition(
        fiche,
        "viser_reserves",
        actor=appui,
        roles={Role.APPUI},
        comment="Réserve : allotir la vitrerie.",
        justification="Critère <environnemental> sans objet : prestation déjà écolabellisée.",
        confirmed=True,
    )
    client.force_login(appui)
    response = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


def test_list_filters_and_overdue(client, org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    late = make_fiche(org_a, author=agent, objet="Achat en retard", service_demandeur="Service A")
    do_transition(late, "soumettre", actor=agent, roles={Role.AGENT})
    Fiche.objects.filter(pk=late.pk).update(review_deadline=timezone.localdate() - timedelta(days=1))
    make_fiche(org_a, author=agent, objet="Brouillon tranquille", service_demandeur="Service B")
    client.force_login(appui)
    base = f"/o/{org_a.slug}/fiches/"
    assert "Brouillon tranquille" not in client.get(base + "?etat=soumise").content.decode()
    only_b = client.get(base + "?service=Service+B").content.decode()
    assert "Brouillon tranquille" in only_b
    assert "Achat en retard" not in only_b
    overdue = client.get(base + "en-retard/").content.decode()
    assert "Achat en retard" in overdue
    assert "Brouillon tranquille" not in overdue
    assert "Achat en retard" in client.get(base + "?en_retard=1").content.decode()


def test_transition_through_the_page(client, org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    client.force_login(agent)
    response = client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/soumettre/", {"revision": fiche.revision}, follow=True)
    assert "Soumise" in response.content.decode()
    # The agent cannot review: the decorator answers 403 before anything happens.
    assert client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/instruire/").status_code == 403
    client.force_login(appui)
    client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/instruire/")
    page = client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/refuser/", {"comment": ""}, follow=True).content.decode()
    assert "motif est obligatoire" in page
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION


def test_registered_checklist_shows_in_the_form_and_ticked_points_are_saved(client, org_a, members_a, monkeypatch):
    items = ["Égalité de traitement des fournisseurs", "Compte rendu écrit de chaque rencontre"]
    checklist = FicheChecklist(key="essai", label="Liste d'essai : points respectés", items=lambda organisation: items)
    monkeypatch.setitem(panels._CHECKLISTS, checklist.key, checklist)
    client.force_login(members_a[Role.AGENT])
    form_page = client.get(f"/o/{org_a.slug}/fiches/nouvelle/").content.decode()
    assert "Liste d&#x27;essai : points respectés" in form_page
    assert "Compte rendu écrit de chaque rencontre" in form_page
    data = form_data(
        sourcing_realise="on",
        sourcing_fournisseurs="Deux PME",
        checklist_essai=["Compte rendu écrit de chaque rencontre"],
    )
    client.post(f"/o/{org_a.slug}/fiches/nouvelle/", data)
    fiche = Fiche.objects.get()
    assert fiche.sourcing_charte == ["Compte rendu écrit de chaque rencontre"]
    # Editing the fiche shows the point ticked.
    edit_page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/modifier/").content.decode()
    assert re.search(r'value="Compte rendu écrit de chaque rencontre"[^>]*checked', edit_page)
    assert not re.search(r'value="Égalité de traitement des fournisseurs"[^>]*checked', edit_page)


def test_a_failing_checklist_contributor_fails_the_form(client, org_a, members_a, monkeypatch):
    def broken(organisation):
        raise LookupError("charte introuvable")

    checklist = FicheChecklist(key="cassee", label="Cassée", items=broken)
    monkeypatch.setitem(panels._CHECKLISTS, checklist.key, checklist)
    client.force_login(members_a[Role.AGENT])
    with pytest.raises(LookupError, match="charte introuvable"):
        client.get(f"/o/{org_a.slug}/fiches/nouvelle/")


def test_checklist_keys_are_unique_identifiers(monkeypatch):
    monkeypatch.setattr(panels, "_CHECKLISTS", {})
    panels.register_checklist(FicheChecklist(key="une", label="Une", items=lambda organisation: ["a"]))
    with pytest.raises(ValueError, match="already registered"):
        panels.register_checklist(FicheChecklist(key="une", label="Autre", items=lambda organisation: ["b"]))
    with pytest.raises(ValueError, match="identifier"):
        panels.register_checklist(FicheChecklist(key="pas un nom", label="X", items=lambda organisation: []))
