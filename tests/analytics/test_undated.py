"""Contracts without a notification date appear in a visible "Date inconnue" line of the year breakdown, and the
cockpit and the report say how many belong to no year (they are never only in "all years")."""

import pytest
from django.core.cache import cache

from pilote.analytics import charts
from pilote.core.enums import Role
from tests.analytics.store import CONTRATS, MODIFICATIONS, S1, TITULAIRES, contrat, write_store
from tests.core.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def undated_store(settings):
    cache.clear()
    extra = contrat("c9", acheteur_id=S1, objet="Contrat sans date", montant=7000.0, qualite=["date_manquante"])
    return write_store(settings.PILOTE_DATA_DIR, [*CONTRATS, extra], TITULAIRES, MODIFICATIONS)


def test_year_table_has_a_date_inconnue_line(client, undated_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.AGENT).user)
    response = client.get("/o/commune-a/cockpit/")
    page = response.content.decode()
    assert '<th scope="row">Date inconnue</th>' in page
    assert 'data-sans-date="1"' in page
    # filtered on a year, the undated contract is in no year, and the page still says so
    page = client.get("/o/commune-a/cockpit/?annee=2024").content.decode()
    assert 'data-sans-date="1"' in page
    assert "dans aucune année" in page
    spec = charts.trend_counts(response.context["data"]["par_annee"])
    assert "1 contrat(s)" in spec["title"]["subtitle"]


def test_report_says_how_many_contracts_have_no_date(client, undated_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.ELU).user)
    report = client.get("/o/commune-a/cockpit/rapport/?annee=2024").content.decode()
    assert "1 contrat sans date de notification" in report
    assert "Date inconnue" in report


def test_year_export_names_the_line(client, undated_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.ELU).user)
    rows = client.get("/o/commune-a/cockpit/export/?tableau=annees&format=json").json()["lignes"]
    assert {k: rows[-1][k] for k in ("valeur", "n")} == {"valeur": "Date inconnue", "n": 1}


def test_missing_field_flags_are_shown_apart(client, undated_store, commune_a):
    client.force_login(MembershipFactory(organisation=commune_a, role=Role.AGENT).user)
    response = client.get("/o/commune-a/cockpit/")
    overview = response.context["data"]["overview"]
    with_absence, without = overview["values"]["part_signalement"], overview["signalement_hors_absence"]
    assert with_absence.numerateur == without.numerateur + 1  # c9: only « date manquante »
    assert without.base == with_absence.base
    assert "Hors signalements d&#x27;un champ absent" in response.content.decode() or (
        "Hors signalements d'un champ absent" in response.content.decode()
    )
