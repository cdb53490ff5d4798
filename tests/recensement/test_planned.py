"""Census and fiches visa together: a fiche counts in the grouping and the purchase plan of its launch year, a
need turned into a fiche is counted once, and the grouping shows when needs and fiches of one CPV class
together cross a threshold."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import load_workbook

from pilote.core.enums import Role
from pilote.fiches.models import Fiche, Status
from pilote.recensement import analysis, planned, services
from tests.fiches.factories import make_fiche
from tests.recensement.conftest import need_fields


pytestmark = pytest.mark.django_db
CLEANING = "90911200"


def cleaning_needs(campaign, agent, amounts=(40000, 35000, 30000)):
    return [
        services.do_create_need(
            campaign,
            actor=agent,
            fields=need_fields(
                campaign, objet=f"Nettoyage site {i}", code_cpv=CLEANING, montant_estime=amount, site=f"Site {i}"
            ),
        )
        for i, amount in enumerate(amounts, start=1)
    ]


def test_fiche_of_the_year_counts_and_others_do_not(campaign, org_a, members_a):
    agent = members_a[Role.AGENT]
    in_year = make_fiche(org_a, author=agent, date_lancement=dt.date(2027, 3, 15), objet="Nettoyage du siège")
    make_fiche(org_a, author=agent, date_lancement=dt.date(2026, 11, 1), objet="Lancée l'an passé")
    refused = make_fiche(org_a, author=agent, date_lancement=dt.date(2027, 5, 1), objet="Refusée")
    Fiche.objects.filter(pk=refused.pk).update(status=Status.REFUSEE)
    make_fiche(org_a, author=agent, date_lancement=dt.date(2027, 5, 1), objet="Sans montant", montant_estime=None)
    assert [f.pk for f in planned.fiches_of_year(campaign)] == [in_year.pk]


def test_need_turned_into_a_fiche_is_counted_once(campaign, members_a):
    agent = members_a[Role.AGENT]
    need = services.do_create_need(
        campaign,
        actor=agent,
        fields=need_fields(campaign, code_cpv=CLEANING, montant_estime=150000, date_souhaitee=dt.date(2027, 4, 1)),
    )
    fiche = services.do_make_fiche(need, actor=agent, roles={Role.AGENT})
    items = planned.items(campaign)
    assert len(items) == 1
    assert items[0].fiche.pk == fiche.pk
    assert items[0].site == need.site  # the need's site still suggests the lots
    # A fiche moved to another year leaves the need counted in this one (and nowhere twice).
    Fiche.objects.filter(pk=fiche.pk).update(date_lancement=dt.date(2028, 1, 10))
    assert [getattr(i, "pk", None) for i in planned.items(campaign)] == [need.pk]


def test_needs_and_a_fiche_of_one_class_cross_the_eu_threshold_together(campaign, org_a, members_a):
    agent = members_a[Role.AGENT]
    cleaning_needs(campaign, agent)  # 105 000 € declared: a MAPA alone
    fiche = make_fiche(
        org_a,
        author=agent,
        code_cpv=CLEANING,
        montant_estime=Decimal(150000),  # a MAPA alone too
        service_demandeur="Éducation",
        date_lancement=dt.date(2027, 3, 1),
    )
    categories = analysis.categories(campaign, planned.items(campaign), "classe")
    cleaning = next(c for c in categories if c.key == "cpv-9091")
    assert [i.fiche.pk for i in cleaning.fiches] == [fiche.pk]
    assert cleaning.total == Decimal(255000)
    crossing = cleaning.crossing
    assert crossing is not None
    assert crossing.procedure.level == "formalisee"
    assert crossing.threshold[1] == Decimal(216000)  # EU threshold of local authorities, 2026-2027
    assert (crossing.needs_total, crossing.fiches_total) == (Decimal(105000), Decimal(150000))


def test_big_fiche_with_small_needs_is_shown_and_small_totals_are_not(campaign, org_a, members_a):
    agent = members_a[Role.AGENT]
    cleaning_needs(campaign, agent)
    # The case: a 300 k€ cleaning fiche and three cleaning needs of the same direction.
    make_fiche(
        org_a, author=agent, code_cpv=CLEANING, montant_estime=Decimal(300000), date_lancement=dt.date(2027, 3, 1)
    )
    cleaning = next(c for c in analysis.categories(campaign, planned.items(campaign)) if c.key == "cpv-9091")
    assert cleaning.crossing.procedure.level == "formalisee"  # the needs alone (105 000 €) would be a MAPA


def test_no_crossing_when_together_they_stay_below(campaign, org_a, members_a):
    agent = members_a[Role.AGENT]
    cleaning_needs(campaign, agent, amounts=(20000,))
    fiche = make_fiche(
        org_a, author=agent, code_cpv=CLEANING, montant_estime=Decimal(30000), date_lancement=dt.date(2027, 3, 1)
    )
    cleaning = next(c for c in analysis.categories(campaign, planned.items(campaign)) if c.key == "cpv-9091")
    assert cleaning.crossing is None  # 50 000 €: under the 60 000 € no-procedure threshold, as each part
    # 20 000 € declared, without procedure alone, and a 70 000 € fiche: together the needs call for a MAPA too.
    Fiche.objects.filter(pk=fiche.pk).update(montant_estime=Decimal(70000))
    cleaning = next(c for c in analysis.categories(campaign, planned.items(campaign)) if c.key == "cpv-9091")
    assert cleaning.crossing.procedure.level == "adaptee"
    assert cleaning.crossing.threshold[1] == Decimal(60000)


def test_grouping_and_plan_pages_show_the_fiche(client, campaign, org_a, members_a):
    agent = members_a[Role.AGENT]
    cleaning_needs(campaign, agent)
    fiche = make_fiche(
        org_a,
        author=agent,
        objet="Nettoyage <du> siège",
        code_cpv=CLEANING,
        montant_estime=Decimal(300000),
        date_lancement=dt.date(2027, 3, 1),
    )
    client.force_login(members_a[Role.APPUI])
    base = f"/o/{org_a.slug}/recensement/{campaign.pk}/"
    grouping = client.get(base + "regroupements/").content.decode()
    assert "seuil franchi ensemble" in grouping
    assert fiche.reference in grouping
    assert "Nettoyage &lt;du&gt; siège" in grouping
    plan = client.get(base + "programmation/").content.decode()
    assert fiche.reference in plan
    assert "1er trimestre" in plan
    xlsx = client.get(base + "programmation.xlsx")
    rows = load_workbook(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    row = next(r for r in rows if r[3] == "Nettoyage <du> siège")
    assert row[9] == "oui"  # above the campaign's fiche visa threshold
    assert row[7].startswith("Fiche visa")
    assert client.get(base + "programmation.pdf").content.startswith(b"%PDF")
