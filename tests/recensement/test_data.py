"""What the census reads from the DECP data: split purchases (dated thresholds), renewals, year-end comparison.
The store is a small hand-made generation (tests/analytics/store.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.contracts.semantics import cpv_label
from pilote.core.enums import Role
from pilote.recensement import data, services
from pilote.recensement.models import Need, NeedSource
from tests.analytics.store import contrat, write_store
from tests.core.factories import OrganisationFactory
from tests.recensement.conftest import need_fields


D = dt.date
BUYER = "21690123100011"
OTHER = "21590328700013"
CONTRACTS = [
    # 2025, CPV class 5552: three contracts each under the 40 000 € threshold of 2025, 105 000 € in all → a case.
    contrat("a1", acheteur_id=BUYER, code_cpv="55523100", montant=35000.0, date_notification=D(2025, 2, 1), objet="Repas A"),
    contrat("a2", acheteur_id=BUYER, code_cpv="55521100", montant=39000.0, date_notification=D(2025, 6, 1), objet="Repas B"),
    contrat("a3", acheteur_id=BUYER, code_cpv="55520000", montant=31000.0, date_notification=D(2025, 9, 1), objet="Repas C"),
    # 2026, same class: 55 000 + 50 000 = 105 000, each under the 60 000 € of 2026 → also a case, judged in 2026.
    contrat("b1", acheteur_id=BUYER, code_cpv="55523100", montant=55000.0, date_notification=D(2026, 2, 1), objet="Repas D"),
    contrat("b2", acheteur_id=BUYER, code_cpv="55523100", montant=50000.0, date_notification=D(2026, 3, 1), objet="Repas E"),
    # 2026, class 3019: 30 000 + 25 000 = 55 000 < 60 000 → no case.
    contrat("c1", acheteur_id=BUYER, code_cpv="30192000", montant=30000.0, date_notification=D(2026, 1, 5)),
    contrat("c2", acheteur_id=BUYER, code_cpv="30197000", montant=25000.0, date_notification=D(2026, 4, 5)),
    # 2025, class 7731: one contract above the threshold → not a split (each must be below).
    contrat("d1", acheteur_id=BUYER, code_cpv="77310000", montant=70000.0, date_notification=D(2025, 3, 1)),
    contrat("d2", acheteur_id=BUYER, code_cpv="77310000", montant=20000.0, date_notification=D(2025, 5, 1)),
    # An amount flagged as abnormal by cleaning is left out of the sums.
    contrat("e1", acheteur_id=BUYER, code_cpv="55523100", montant=39000.0, date_notification=D(2024, 1, 1),
            qualite=["montant_sentinelle"]),
    contrat("e2", acheteur_id=BUYER, code_cpv="55523100", montant=39000.0, date_notification=D(2024, 2, 1)),
    # Another buyer's contract; contracts ending in 2027 for renewals.
    contrat("o1", acheteur_id=OTHER, code_cpv="55523100", montant=39000.0, date_notification=D(2025, 2, 1)),
    contrat("r1", acheteur_id=BUYER, code_cpv="90910000", montant=80000.0, date_notification=D(2024, 3, 1),
            date_debut_execution=D(2024, 4, 1), duree_mois=36, objet="Nettoyage des écoles"),
    contrat("r2", acheteur_id=BUYER, code_cpv="90910000", montant=80000.0, date_notification=D(2024, 3, 1),
            duree_mois=48, objet="Nettoyage de la mairie"),
]  # fmt: skip


@pytest.fixture
def store(settings):
    return write_store(settings.PILOTE_DATA_DIR, CONTRACTS)


def test_split_purchases_judged_with_the_threshold_of_each_contract_date(store):
    cases = data.split_purchases(BUYER)
    assert [(c.year, c.classe, c.level, sorted(x["id"] for x in c.contracts)) for c in cases] == [
        (2026, "5552", "dispense", ["b1", "b2"]),
        (2025, "5552", "dispense", ["a1", "a2", "a3"]),
    ]
    case_2025 = cases[1]
    assert case_2025.total == 105000.0
    assert case_2025.threshold == Decimal("40000")
    assert case_2025.thresholds == [
        ("Dispense de procédure (fournitures et services)", Decimal("40000"), D(2020, 1, 1))
    ]
    assert cases[0].threshold == Decimal("60000")


def test_split_detection_examines_each_level_where_its_thresholds_are_known(settings):
    """Each level is examined where its thresholds are known (EU thresholds from 2016, no-procedure threshold from
    October 2015): the 2019 contracts at both levels; before, the years a level could not judge are said. The
    buyer's marchés left out (no date, no usable amount, no CPV class) are counted, and the DECP publication
    threshold is the one of each year (25 000 € HT before 2020)."""
    write_store(
        settings.PILOTE_DATA_DIR,
        [
            contrat("f1", acheteur_id=BUYER, code_cpv="55523100", montant=24000.0, date_notification=D(2019, 3, 1)),
            contrat("f2", acheteur_id=BUYER, code_cpv="55520000", montant=20000.0, date_notification=D(2019, 9, 1)),
            contrat("g1", acheteur_id=BUYER, code_cpv="30192000", montant=10000.0, date_notification=D(2018, 1, 5)),
            contrat("g2", acheteur_id=BUYER, code_cpv="30197000", montant=9000.0, date_notification=D(2018, 4, 5)),
            contrat("h1", acheteur_id=BUYER, code_cpv="30192000", montant=10000.0, date_notification=D(2015, 1, 5)),
            contrat("h2", acheteur_id=BUYER, code_cpv="30197000", montant=9000.0, date_notification=D(2015, 4, 5)),
            contrat("u1", acheteur_id=BUYER, code_cpv="30192000", montant=10000.0, date_notification=None),
            contrat("u2", acheteur_id=BUYER, code_cpv="30192000", montant=10000.0, date_notification=None),
            contrat("m1", acheteur_id=BUYER, code_cpv="30192000", montant=0.0, date_notification=D(2019, 4, 5)),
        ],
    )
    review = data.split_review(BUYER)
    assert [(c.year, c.classe, c.level, c.threshold) for c in review.cases] == [
        (2019, "5552", "dispense", Decimal("25000"))
    ]
    assert review.years == [2015, 2018, 2019]
    assert review.not_examined == {"ue": [2015], "dispense": [2015]}
    assert review.not_examined_lines == [
        "seuil de dispense de procédure : 2015 (seuil inconnu de Pilote à ces dates)",
        "seuil de procédure formalisée : 2015 (seuil inconnu de Pilote à ces dates)",
    ]
    assert review.unexamined_lines == ["2 marchés sans date de notification", "1 marché sans montant utilisable"]
    assert review.publication == [(None, [2015]), (Decimal("25000"), [2018, 2019])]


def test_split_purchase_page_for_any_buyer(client, store, org_a, members_a):
    client.force_login(members_a[Role.ACHETEUR])
    page = client.get(f"/o/{org_a.slug}/recensement/fractionnement/", {"siret": BUYER}).content.decode()
    assert "2 cas à examiner" in page
    assert f"À examiner : CPV 5552 — {cpv_label('5552')}, 2025" in page
    assert "en vigueur depuis le 01/01/2020" in page
    assert "Examiné : les marchés notifiés en 2024, 2025, 2026" in page
    assert "ne contiennent que les contrats d'au moins 40" in page
    assert "(2024, 2025, 2026)" in page  # the publication threshold of the years examined
    page = client.get(f"/o/{org_a.slug}/recensement/fractionnement/", {"siret": "123"}).content.decode()
    assert "cas à examiner" not in page


def test_pages_say_when_no_data_was_imported(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.ACHETEUR])
    for path in ("fractionnement/", f"{campaign.pk}/renouvellements/", f"{campaign.pk}/bilan/"):
        page = client.get(f"/o/{org_a.slug}/recensement/{path}").content.decode()
        assert "Aucune donnée DECP n&#x27;a encore été importée" in page, path


def test_renewals_list_contracts_ending_in_the_census_year(client, store, members_a):
    assert [c["id"] for c in data.renewals([BUYER], 2027)] == ["r1"]  # 2024-04-01 + 36 months
    assert [c["id"] for c in data.renewals([BUYER], 2028)] == ["r2"]  # 2024-03-01 + 48 months
    assert data.renewals([OTHER], 2027) == []


def test_renewal_added_to_the_census(client, store, members_a, campaign):
    organisation = campaign.organisation
    organisation.buyer_entities.all().delete()
    organisation.buyer_entities.create(siret=BUYER)
    client.force_login(members_a[Role.AGENT])
    url = f"/o/{organisation.slug}/recensement/{campaign.pk}/renouvellements/"
    assert "Nettoyage des écoles" in client.get(url).content.decode()
    service = campaign.services.get(name="Éducation")
    client.post(url + "ajouter/", {"contrat_uid": "r1", "service": service.pk})
    need = Need.objects.get()
    assert (need.source, need.renouvellement, need.contrat_en_cours) == (NeedSource.RENOUVELLEMENT, True, "r1")
    assert need.date_fin_contrat == D(2027, 4, 1)
    assert need.montant_estime == Decimal("26666.67")  # 80 000 over 36 months, for one year
    assert "Déjà déclaré" in client.get(url).content.decode()


def test_year_end_comparison(client, store, members_a, campaign):
    organisation = campaign.organisation
    organisation.buyer_entities.all().delete()
    organisation.buyer_entities.create(siret=BUYER)
    actor = members_a[Role.AGENT]
    services.do_create_need(campaign, actor=actor, fields=need_fields(campaign))  # 5552: notified in 2026
    services.do_create_need(campaign, actor=actor, fields=need_fields(campaign, objet="Tonte", code_cpv="77310000",
                                                                       montant_estime=20000))  # fmt: skip
    contracts = data.notified([BUYER], 2026)
    result = data.comparison(Need.objects.filter(campaign=campaign), contracts)
    assert [n.objet for n in result["planned_not_notified"]] == ["Tonte"]
    assert sorted(c["id"] for c in result["notified_not_planned"]) == ["c1", "c2"]
    assert [(row["classe"], row["notified_total"]) for row in result["both"]] == [("5552", 105000.0)]
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{organisation.slug}/recensement/{campaign.pk}/bilan/").content.decode()
    # The page compares with the census year (2027): nothing notified yet in the data.
    assert "2 besoins sans marché notifié de la même classe" in page
    assert "0 marché notifié hors recensement" in page  # French: 0 is singular
    other = OrganisationFactory(sirets=[OTHER])
    assert data.notified(other.sirets, 2026) == []
