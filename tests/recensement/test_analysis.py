"""Grouping of homogeneous needs, procedure by cumulated value (dated thresholds), lots, big purchases turned
into fiches visa, and the purchase plan with its exports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import load_workbook

from pilote.core.enums import Role
from pilote.fiches.models import Fiche, Status
from pilote.recensement import analysis, services, spreadsheet
from pilote.recensement.exports import EXAMPLE_SERVICES, example_file
from pilote.recensement.models import Need


pytestmark = pytest.mark.django_db


@pytest.fixture
def example_needs(campaign, members_a):
    parsed = spreadsheet.parse(example_file(), services=EXAMPLE_SERVICES)
    return services.do_import_needs(campaign, actor=members_a[Role.AGENT], parsed=parsed, only_valid=True)


def test_catering_of_three_services_is_a_grouping_opportunity(campaign, example_needs):
    categories = analysis.categories(campaign, Need.objects.filter(campaign=campaign), "classe")
    catering = next(c for c in categories if c.key == "cpv-5552")
    assert catering.is_opportunity
    assert catering.services == ["Petite enfance", "Solidarités", "Éducation"]
    assert catering.total == Decimal("263000")  # 180 000 + 45 000 + 38 000
    # 2027 thresholds for a commune: no-procedure 60 000, EU (collectivités) 216 000 → formalised procedure.
    assert catering.procedure.level == "formalisee"
    assert [(t[1], t[2]) for t in catering.procedure.thresholds] == [
        (Decimal("60000"), dt.date(2026, 1, 1)),
        (Decimal("216000"), dt.date(2026, 1, 1)),
    ]
    lots = catering.lots
    assert [lot["name"] for lot in lots] == ["Crèche des Coquelicots", "Groupe scolaire Jean-Moulin",
                                             "Résidence Les Tilleuls"]  # fmt: skip
    assert all(lot["by"] == "site" for lot in lots)
    # A need alone in its class is not an opportunity.
    works = next(c for c in categories if c.key == "cpv-4532")
    assert not works.is_opportunity


def test_the_grouping_page_shows_the_catering_opportunity(client, org_a, members_a, campaign, example_needs):
    client.force_login(members_a[Role.ACHETEUR])
    page = client.get(f"/o/{org_a.slug}/recensement/{campaign.pk}/regroupements/").content.decode()
    assert "Opportunités de mutualisation (1)" in page
    assert "Procédure formalisée (appel d&#x27;offres)" in page
    assert "Résidence Les Tilleuls" in page
    by_group = client.get(f"/o/{org_a.slug}/recensement/{campaign.pk}/regroupements/?par=groupe").content.decode()
    assert "groupe CPV (3 premiers chiffres)" in by_group


def test_procedure_levels_follow_dated_thresholds():
    on_2025, on_2026 = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    assert analysis.procedure_for(Decimal(50000), "55523100", buyer_kind="commune", on=on_2025).level == "adaptee"
    assert analysis.procedure_for(Decimal(50000), "55523100", buyer_kind="commune", on=on_2026).level == "dispense"
    assert analysis.procedure_for(Decimal(150000), "55523100", buyer_kind="etat", on=on_2026).level == "formalisee"
    assert analysis.procedure_for(Decimal(150000), "45321000", buyer_kind="commune", on=on_2026).level == "adaptee"


def test_segment_grouping_uses_the_organisation_segments(campaign, example_needs):
    from pilote.clauses.models import Segment

    Segment.objects.create(organisation=campaign.organisation, code="repas", label="Repas", cpv_prefixes="5552")
    categories = analysis.categories(campaign, Need.objects.filter(campaign=campaign), "segment")
    meals = next(c for c in categories if c.label == "Segment : Repas")
    assert len(meals.needs) == 3


def test_big_need_becomes_a_prefilled_fiche_visa(client, org_a, members_a, campaign, example_needs):
    need = Need.objects.get(objet="Restauration scolaire des écoles")
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{need.pk}/fiche-visa/")
    fiche = Fiche.objects.get()
    assert response["Location"] == f"/o/{org_a.slug}/fiches/{fiche.pk}/"
    assert (fiche.status, fiche.author, fiche.organisation) == (Status.BROUILLON, members_a[Role.AGENT], org_a)
    assert (fiche.objet, fiche.code_cpv, fiche.montant_estime) == (need.objet, "55523100", Decimal("180000"))
    assert fiche.service_demandeur == "Éducation"
    assert fiche.alloti
    assert "Lot 2 : Groupe scolaire Jean-Moulin" in fiche.lots
    assert fiche.date_lancement == dt.date(2027, 9, 1)
    need.refresh_from_db()
    assert need.fiche == fiche
    # Only once, and not for a need below the organisation's threshold.
    client.post(f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{need.pk}/fiche-visa/")
    small = Need.objects.get(objet="Repas des crèches")
    client.post(f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{small.pk}/fiche-visa/")
    assert Fiche.objects.count() == 1


def test_only_agents_make_fiches(client, org_a, members_a, campaign, example_needs):
    need = Need.objects.get(objet="Restauration scolaire des écoles")
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{need.pk}/fiche-visa/")
    assert response.status_code == 403
    assert not Fiche.objects.exists()


def test_plan_by_quarter_and_exports(client, org_a, members_a, campaign, example_needs):
    slots = analysis.plan(campaign, Need.objects.filter(campaign=campaign).select_related("service"))
    assert [s["label"] for s in slots] == ["1er trimestre", "2e trimestre", "3e trimestre"]
    assert [len(s["needs"]) for s in slots] == [1, 2, 3]
    client.force_login(members_a[Role.ELU])
    xlsx = client.get(f"/o/{org_a.slug}/recensement/{campaign.pk}/programmation.xlsx")
    rows = load_workbook(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    objects = [row[3] for row in rows[4:] if row and len(row) > 3 and row[3]]
    assert "Renouvellement des postes de travail" in objects
    assert len(objects) == 6
    assert any(row[0] == "Total 3e trimestre" and row[6] == 263000 for row in rows)
    pdf = client.get(f"/o/{org_a.slug}/recensement/{campaign.pk}/programmation.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
