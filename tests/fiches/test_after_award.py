"""After award: link the fiche to its notified contract, the check of what was published, statistics
(recommended → retained → published) and evaluations."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pilote.clauses.models import Clause
from pilote.core.enums import Role
from pilote.fiches import stats
from pilote.fiches.models import Evaluation, Fiche
from pilote.fiches.services import do_transition
from tests.core.factories import REAL_SIRETS
from tests.fiches.decp_fixture import write_contracts
from tests.fiches.factories import environmental_clauses, make_fiche


pytestmark = pytest.mark.django_db


@pytest.fixture
def visa_fiche(org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    do_transition(fiche, "instruire", actor=appui, roles={Role.APPUI})
    insertion = Clause.objects.get(organisation=None, title__startswith="Clause d'insertion")
    do_transition(
        fiche,
        "viser",
        actor=appui,
        roles={Role.APPUI},
        retained_clauses=[insertion, *environmental_clauses()],
        confirmed=True,
    )
    # submitted four months ago: its contract, notified since, was published late yet before today (the
    # pipeline blanks publication dates in the future)
    Fiche.objects.filter(pk=fiche.pk).update(submitted_at=timezone.now() - timedelta(days=120))
    return Fiche.objects.get(pk=fiche.pk)


def other_buyer(org):
    """A real buyer SIRET that is not the organisation's (factories give organisations real SIRETs by pk, and
    PostgreSQL does not reset sequences between tests: a fixed "other" SIRET could be the organisation's)."""
    return next(s for s in REAL_SIRETS if s not in org.sirets)


def contracts_for(org, today):
    today = today - timedelta(days=100)  # notified 100 days ago
    siret = org.sirets[0]
    return [
        {
            "id": "2026-NET-01",
            "acheteur_id": siret,
            "objet": "Nettoyage des locaux administratifs du siège",
            "code_cpv": "90911200",
            "montant": 175000.0,
            "date_notification": today,
            "date_publication_donnees": today + timedelta(days=90),  # 10 days ago: published late
            "offres_recues": 1,
            "considerations_sociales": ["Pas de considération sociale"],
            "considerations_environnementales": ["Critère environnemental"],
        },
        {
            "id": "2026-BTP-07",
            "acheteur_id": siret,
            "objet": "Réfection de toiture",
            "code_cpv": "45261000",
            "montant": 900000.0,
            "date_notification": today,
        },
        {
            "id": "AUTRE-1",
            "acheteur_id": other_buyer(org),
            "objet": "Nettoyage des locaux administratifs",
            "code_cpv": "90911200",
            "montant": 180000.0,
            "date_notification": today,
        },
    ]


def test_link_suggests_best_match_and_shows_check(client, org_a, members_a, visa_fiche):
    today = timezone.localdate()
    write_contracts(contracts_for(org_a, today))
    client.force_login(members_a[Role.ACHETEUR])
    url = f"/o/{org_a.slug}/fiches/{visa_fiche.pk}/marche/"
    page = client.get(url).content.decode()
    assert page.index("2026-NET-01") < page.index("2026-BTP-07") if "2026-BTP-07" in page else "2026-NET-01" in page
    assert "AUTRE-1" not in page  # another buyer's contract is never proposed
    response = client.post(url, {"contrat": f"2026-NET-01|{org_a.sirets[0]}"}, follow=True)
    html = response.content.decode()
    assert "rattachée au marché" in html
    assert "<strong>non déclarée</strong> dans les données" in html  # social clause retained but not declared
    assert "publié hors délai" in html
    assert "offre unique" in html
    visa_fiche.refresh_from_db()
    assert visa_fiche.contrat_id == "2026-NET-01"
    assert visa_fiche.contrat_check["sociale_retenue"]
    assert not visa_fiche.contrat_check["sociale_declaree"]


def test_cannot_link_to_another_buyers_contract(client, org_a, members_a, visa_fiche):
    write_contracts(contracts_for(org_a, timezone.localdate()))
    client.force_login(members_a[Role.APPUI])
    page = client.post(
        f"/o/{org_a.slug}/fiches/{visa_fiche.pk}/marche/", {"contrat": f"AUTRE-1|{other_buyer(org_a)}"}
    ).content.decode()
    assert "introuvable" in page
    visa_fiche.refresh_from_db()
    assert visa_fiche.contrat_id == ""


def test_link_without_data_says_so(client, org_a, members_a, visa_fiche):
    client.force_login(members_a[Role.APPUI])
    page = client.get(f"/o/{org_a.slug}/fiches/{visa_fiche.pk}/marche/").content.decode()
    assert "Aucune donnée DECP importée" in page


def test_statistics_recommended_retained_published(client, org_a, members_a, visa_fiche):
    write_contracts(contracts_for(org_a, timezone.localdate()))
    client.force_login(members_a[Role.APPUI])
    client.post(f"/o/{org_a.slug}/fiches/{visa_fiche.pk}/marche/", {"contrat": f"2026-NET-01|{org_a.sirets[0]}"})
    figures = stats.compute(org_a)
    assert figures["per_service"][0]["service_demandeur"] == "Direction des bâtiments"
    assert figures["per_service"][0]["visees"] == 1
    assert figures["time_to_visa"]["count"] == 1
    # The nettoyage guide recommends several clauses; those retained among them are counted.
    assert figures["clauses"]["recommended"] >= 3
    recommended = set(visa_fiche.recommended_clauses.values_list("pk", flat=True))
    retained = set(visa_fiche.retained_clauses.values_list("pk", flat=True))
    assert figures["clauses"]["retained_recommended"] == len(recommended & retained) >= 1
    assert figures["loop"]["sociale"] == {"retenues": 1, "declarees": 0}
    assert figures["loop"]["offre_unique"] == 1
    assert figures["loop"]["publies_dans_les_delais"] == 0
    client.force_login(members_a[Role.ELU])
    assert "Recommandé → publié" in client.get(f"/o/{org_a.slug}/fiches/statistiques/").content.decode()


def test_evaluation_from_fiche_and_aggregates(client, org_a, members_a, visa_fiche):
    client.force_login(members_a[Role.ACHETEUR])
    url = f"/o/{org_a.slug}/evaluations/nouvelle/?fiche={visa_fiche.pk}"
    assert "Nettoyage des locaux administratifs" in client.get(url).content.decode()
    data = {
        "fiche": visa_fiche.pk,
        "objet": visa_fiche.objet,
        "fructueux": "on",
        "offres_recues": "4",
        "heures_insertion": "1200",
        "relation_fournisseur": "bonne",
        "effet_clauses": "Deux embauches durables.",
    }
    assert client.post(url, data).status_code == 302
    bad = client.post(url, data | {"heures_insertion": "beaucoup"})
    assert bad.status_code == 200
    assert Evaluation.objects.count() == 1
    page = client.get(f"/o/{org_a.slug}/evaluations/").content.decode()
    assert "1200" in page
    assert "Deux embauches durables" in page
    assert stats.evaluations(org_a)["heures_insertion"] == 1200
    # An agent cannot evaluate.
    client.force_login(members_a[Role.AGENT])
    assert client.post(f"/o/{org_a.slug}/evaluations/nouvelle/", data).status_code == 403


def test_publication_deadline_is_two_months():
    from pilote.fiches.matching import _add_months

    assert _add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert _add_months(date(2026, 1, 15), 2) == date(2026, 3, 15)


def test_evaluation_of_any_contract_checks_it_is_ours(client, org_a, members_a):
    write_contracts(contracts_for(org_a, timezone.localdate()))
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/evaluations/nouvelle/"
    data = {"objet": "Nettoyage", "fructueux": "on", "relation_fournisseur": "bonne"}
    page = client.post(url, data | {"contrat_id": "AUTRE-1"}).content.decode()
    assert "Aucun marché publié par l&#x27;organisation" in page
    assert not Evaluation.objects.exists()
    assert client.post(url, data | {"contrat_id": "2026-NET-01"}).status_code == 302
    assert Evaluation.objects.get().contrat_id == "2026-NET-01"
