"""The header's search: one field on every page, one results page grouped by kind, each kind scoped to what
the person may see in the organisation (pilote.ui.search; sources registered by the apps)."""

import datetime as dt

import pytest

from pilote.core.enums import Role
from pilote.fiches.services import do_transition
from pilote.recensement import services as census
from tests.annuaire.factories import person
from tests.core.factories import MembershipFactory
from tests.explorer.conftest import (  # noqa: F401  (fixtures used by name)
    BUYER_ROUEN,
    SUPPLIER_REPAS,
    imported_store,
    store,
)
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db


def results(client, user, organisation, q):
    client.force_login(user)
    response = client.get(f"/o/{organisation.slug}/recherche/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def section(html, label):
    """The HTML of one kind's section of the results page."""
    start = html.index(f">{label}</h2>")
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_every_page_has_the_search_field_and_the_help_links(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    html = client.get(f"/o/{org_a.slug}/fiches/").content.decode()
    assert f'action="/o/{org_a.slug}/recherche/" role="search"' in html
    assert f'href="/o/{org_a.slug}/aide/"' in html
    assert f'href="/o/{org_a.slug}/cockpit/methode/"' in html
    assert client.get(f"/o/{org_a.slug}/aide/").status_code == 200


def test_fiches_needs_and_people_are_found_each_scoped(client, org_a, org_b, members_a, members_b):
    agent = members_a[Role.AGENT]
    make_fiche(org_a, author=agent, objet="Nettoyage des gymnases")
    colleague = MembershipFactory(organisation=org_a, role=Role.AGENT).user
    make_fiche(org_a, author=colleague, objet="Nettoyage des piscines")
    make_fiche(org_b, author=members_b[Role.AGENT], objet="Nettoyage de l'hôtel de région B")
    campaign = census.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Sports"],
    )
    census.do_create_need(
        campaign,
        actor=members_a[Role.APPUI],
        fields={
            "service": campaign.services.get(),
            "objet": "Nettoyage des vestiaires",
            "code_cpv": "90910000",
            "montant_estime": 30000,
        },
    )
    person(org_a, last_name="Nettoyeur", job_title="Chargée du nettoyage")
    person(org_b, last_name="Cachée", job_title="Nettoyage, organisation B")

    html = results(client, agent, org_a, "nettoyage")
    fiches = section(html, "Fiches visa")
    assert "Nettoyage des gymnases" in fiches
    assert "Nettoyage des piscines" not in fiches  # an agent sees only their own fiches
    assert "hôtel de région B" not in fiches
    assert "Nettoyage des vestiaires" in section(html, "Besoins recensés")
    people = section(html, "Personnes")
    assert "Nettoyeur" in people
    assert "Cachée" not in people
    # the support service sees every fiche of the organisation
    support = section(results(client, members_a[Role.APPUI], org_a, "nettoyage"), "Fiches visa")
    assert "Nettoyage des piscines" in support


def test_a_fiche_reference_finds_it(client, org_a, members_a):
    fiche = make_fiche(org_a, author=members_a[Role.AGENT], objet="Achat de vélos")
    fiche = do_transition(fiche, "soumettre", actor=members_a[Role.AGENT], roles={Role.AGENT})
    html = results(client, members_a[Role.ACHETEUR], org_a, fiche.reference.lower())
    assert "Achat de vélos" in section(html, "Fiches visa")


@pytest.mark.usefixtures("store")
def test_contracts_buyers_and_suppliers_come_from_the_explorer_index(client, org_a, members_a):
    html = results(client, members_a[Role.ELU], org_a, "restauration scolaire")
    contracts = section(html, "Contrats")
    assert "Restauration Scolaire" in contracts
    assert f"/o/{org_a.slug}/explorer/?q=restauration+scolaire" in contracts
    assert f"/o/{org_a.slug}/explorer/acheteurs/{BUYER_ROUEN}/" in section(html, "Acheteurs")
    assert f"/o/{org_a.slug}/explorer/titulaires/{SUPPLIER_REPAS}/" in section(html, "Titulaires")


@pytest.mark.usefixtures("store")
def test_a_siret_leads_to_its_pages(client, org_a, members_a):
    html = results(client, members_a[Role.AGENT], org_a, BUYER_ROUEN)
    assert f"/o/{org_a.slug}/explorer/acheteurs/{BUYER_ROUEN}/" in section(html, "Acheteurs")


def test_without_data_the_contract_kinds_say_so(client, org_a, members_a):
    html = results(client, members_a[Role.AGENT], org_a, "voirie")
    assert "Aucune donnée de marchés n&#x27;a encore été importée." in section(html, "Contrats")


def test_a_too_short_or_hostile_query_gets_a_clear_answer(client, org_a, members_a):
    assert "Tapez au moins 2 caractères." in results(client, members_a[Role.AGENT], org_a, "a")
    html = results(client, members_a[Role.AGENT], org_a, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in html
    assert "Aucun résultat." in html
