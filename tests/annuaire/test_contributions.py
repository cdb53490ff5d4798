"""What the annuaire contributes to the pages of the apps below it, through their registries (registered in
AnnuaireConfig.ready): the lessons of a segment on the segment guide and in the fiche visa's guidance, the
sourcing charter's checklist in the fiche visa form."""

import re

import pytest

from pilote.clauses.panels import registered_segment_panels
from pilote.core.enums import Role
from pilote.fiches.models import Fiche
from pilote.fiches.panels import registered_checklists
from tests.annuaire import factories
from tests.fiches.test_views import form_data


pytestmark = pytest.mark.django_db

CHARTER = "Principes\n- [ ] Publier un avis de sourçage\n- [ ] Tracer les échanges"


def test_annuaire_registers_its_panel_and_checklist():
    assert "annuaire.lessons" in [panel.key for panel in registered_segment_panels()]
    assert "charte" in [checklist.key for checklist in registered_checklists()]


def test_segment_guide_shows_the_lessons_of_the_segment(client, org_a, members_a):
    nettoyage = factories.segment("nettoyage")
    lesson = factories.lesson(org_a, segment=nettoyage, title="Nettoyage écologique des écoles")
    factories.lesson(org_a, segment=factories.segment("energie"), title="Électricité verte")
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{org_a.slug}/guides/nettoyage/").content.decode()
    assert "<h2>Retours d&#x27;expérience</h2>" in page
    assert 'aria-label="Retours d\'expérience du segment"' in page
    assert f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/" in page
    assert "Électricité verte" not in page


def test_fiche_guidance_shows_the_lessons_of_the_segment(client, org_a, members_a):
    lesson = factories.lesson(org_a, segment=factories.segment("nettoyage"), title="Nettoyage écologique des écoles")
    client.force_login(members_a[Role.AGENT])
    page = client.post(f"/o/{org_a.slug}/fiches/orientation/", form_data(code_cpv="90911200")).content.decode()
    assert "<h4>Retours d&#x27;expérience</h4>" in page
    assert f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/" in page


def test_fiche_form_offers_the_charter_checklist_and_saves_the_ticked_points(client, org_a, members_a):
    client.force_login(members_a[Role.ADMIN])
    client.post(f"/o/{org_a.slug}/annuaire/charte/modifier/", {"title": "Charte", "text": CHARTER})
    client.force_login(members_a[Role.AGENT])
    form_page = client.get(f"/o/{org_a.slug}/fiches/nouvelle/").content.decode()
    assert "Charte de sourçage : points respectés" in form_page
    assert re.search(r'name="checklist_charte" value="Tracer les échanges"', form_page)
    client.post(
        f"/o/{org_a.slug}/fiches/nouvelle/",
        form_data(sourcing_realise="on", sourcing_fournisseurs="Deux PME", checklist_charte=["Tracer les échanges"]),
    )
    assert Fiche.objects.get().sourcing_charte == ["Tracer les échanges"]


def test_without_a_charter_the_fiche_form_has_no_checklist(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    assert "checklist_charte" not in client.get(f"/o/{org_a.slug}/fiches/nouvelle/").content.decode()
