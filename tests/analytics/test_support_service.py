"""A shared support service (no SIRET of its own) sees the cockpit of the organisations it supports together,
with each one's line."""

import pytest

from pilote.analytics import cockpit
from pilote.contracts.filters import Perimetre, parse_filters
from pilote.core.enums import Role
from tests.analytics.store import S1, S2
from tests.core.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def shared_service(db, commune_a, commune_b):
    service = OrganisationFactory(name="Achats mutualisés", slug="mutualise")
    service.buyer_entities.all().delete()  # a shared support service buys nothing in its own name
    service.supported_organisations.add(commune_a, commune_b)
    return service


@pytest.mark.django_db
def test_the_default_scope_of_a_shared_service_is_its_organisations(fixture_store, shared_service, commune_a):
    filters, _form = parse_filters({}, shared_service)
    assert filters.perimetre == Perimetre.ACCOMPAGNEES
    assert set(filters.sirets) == {S1, S2}
    assert "organisations accompagnées par Achats mutualisés (2 SIRET acheteurs)" in filters.summary()
    # an organisation that supports no one is not offered the choice
    own, own_form = parse_filters({"perimetre": "accompagnees"}, commune_a)
    assert own.perimetre == Perimetre.ORGANISATION
    assert "accompagnees" not in dict(own_form.fields["perimetre"].choices)


@pytest.mark.django_db
def test_consolidated_figures_add_up_each_organisations_line(fixture_store, shared_service, commune_a, commune_b):
    filters, _form = parse_filters({}, shared_service)
    data = cockpit.build(filters, shared_service, with_peers=False)
    lines = {line["organisation"].slug: line["values"] for line in data["accompagnees"]}
    assert set(lines) == {commune_a.slug, commune_b.slug}
    total = data["overview"]["values"]["nb_contrats"].valeur
    assert total == sum(v["nb_contrats"].valeur for v in lines.values()) > 0
    for slug, org in ((commune_a.slug, commune_a), (commune_b.slug, commune_b)):
        alone = cockpit.build(parse_filters({}, org)[0], org, with_peers=False)["overview"]["values"]
        assert lines[slug]["nb_contrats"].valeur == alone["nb_contrats"].valeur
        assert lines[slug]["montant_total"].valeur == pytest.approx(alone["montant_total"].valeur)


@pytest.mark.django_db
def test_the_page_shows_each_organisations_line(client, fixture_store, shared_service):
    member = MembershipFactory(organisation=shared_service, role=Role.APPUI).user
    client.force_login(member)
    page = client.get(f"/o/{shared_service.slug}/cockpit/").content.decode()
    assert "Par organisation accompagnée" in page
    assert "Commune A" in page
    assert "Commune B" in page
    lines = page.split("Par organisation accompagnée")[1].split("</table>")[0]
    assert "renseignés)" not in lines  # each share with its base and interval, as everywhere (« n sur N »)
    assert "renseigné" in lines


@pytest.mark.django_db
def test_the_annual_report_gives_the_cockpits_consolidated_figures(client, fixture_store, shared_service):
    """The audit found the report of a shared support service empty (« Contrats 0 »): it forced the
    organisation's own SIRETs, which a support service does not have."""
    member = MembershipFactory(organisation=shared_service, role=Role.APPUI).user
    client.force_login(member)
    url = f"/o/{shared_service.slug}/cockpit/"
    cockpit_values = client.get(url + "?annee=2024").context["data"]["overview"]["values"]
    report = client.get(url + "rapport/?annee=2024&perimetre=national")  # the report's scope is never chosen
    assert report.context["filters"].perimetre == Perimetre.ACCOMPAGNEES
    values = report.context["data"]["overview"]["values"]
    assert values["nb_contrats"].valeur == cockpit_values["nb_contrats"].valeur > 0
    assert values["montant_total"].valeur == pytest.approx(cockpit_values["montant_total"].valeur)
    pdf = client.get(url + "rapport/?annee=2024&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_shared_service_is_not_ranked_among_peers(client, fixture_store, shared_service, commune_a):
    """The audit found its peers' table with « Contrats — » under the consolidated figures: a service without
    SIRET has no line of its own; the page says why instead of an empty comparison."""
    data = cockpit.build(parse_filters({}, shared_service)[0], shared_service)
    assert "pairs" not in data
    assert data["sans_pairs"]
    assert "pairs" in cockpit.build(parse_filters({}, commune_a)[0], commune_a)  # an organisation still is
    member = MembershipFactory(organisation=shared_service, role=Role.APPUI).user
    client.force_login(member)
    page = client.get(f"/o/{shared_service.slug}/cockpit/").content.decode()
    assert "Pas de comparaison avec des pairs" in page
    assert "Rang" not in page
    reference = client.get(f"/o/{shared_service.slug}/cockpit/pairs/").content.decode()
    assert "Pas de comparaison avec des pairs" in reference


@pytest.mark.django_db
def test_the_public_cockpit_of_a_shared_service_gives_its_consolidated_figures(client, fixture_store, shared_service):
    """Published, a shared support service's cockpit shows the organisations it supports together (it forced the
    organisation's own SIRETs: empty), and no URL parameter turns it into another scope."""
    shared_service.is_public = True
    shared_service.save()
    expected = cockpit.build(parse_filters({}, shared_service)[0], shared_service, with_peers=False)
    n = expected["overview"]["values"]["nb_contrats"].valeur
    assert n > 0
    for query in ("", "?perimetre=national", f"?perimetre=acheteur&acheteur={S1}"):
        data = client.get(f"/public/{shared_service.slug}/cockpit/{query}").context["data"]
        assert data["overview"]["values"]["nb_contrats"].valeur == n, query
