"""The fiche visa suggests suppliers as « Préparer un achat » does (issue 17): recent first, nearest first,
named from the data, flagged when in the organisation's inclusive-structure list, by the same contracts
functions (the fiche does not define its own)."""

import pytest

from pilote.contracts import inclusion, names
from pilote.contracts.search import guidance as explorer
from pilote.core.enums import Role
from pilote.core.models import BuyerEntity
from pilote.explorer.services import do_import_inclusion_list
from pilote.fiches import guidance
from tests.explorer.guidance_store import (  # noqa: F401 (fixtures)
    BUYER_CAEN,
    SIAE_REPAS,
    TRAITEUR_NATIONAL,
    guidance_imported,
    guidance_store,
)
from tests.fiches.factories import make_fiche


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidance_store")]

ASP = (
    "MESURE;CODE_DEPARTEMENT;CODE_POSTAL;CODE_NAF2;SIRET;DENOMINATION_SOCIALE\n"
    f"EI;014;14000;5629B;{SIAE_REPAS};Cuisine Solidaire\n"
    f"ACI;014;14000;5629B;{SIAE_REPAS};Cuisine Solidaire\n"
).encode()


@pytest.fixture
def caen_org(org_a):
    # the organisation's contracts are executed in Calvados: its usual place of execution
    BuyerEntity.objects.create(organisation=org_a, siret=BUYER_CAEN)
    do_import_inclusion_list(organisation=org_a, filename="asp.csv", raw=ASP, actor=None)
    return org_a


def test_fiche_suppliers_are_recent_near_named_and_flagged_as_in_the_guidance(caen_org):
    facts = guidance.data_facts(
        caen_org, objet="Restauration scolaire", code_cpv="55524000", montant=70000, duree_mois=12, segment=None
    )
    suppliers = facts["suppliers"]
    assert [s["siret"] for s in suppliers] == [SIAE_REPAS, TRAITEUR_NATIONAL]
    first, second = suppliers
    # recent and in the département first, the old national one after
    assert (first["recent"], first["zone"], first["inclusive"]) == (True, "département", "SIAE (EI, ACI)")
    assert (second["recent"], second["zone"], second["inclusive"]) == (False, "France", None)
    assert (first["name"], second["name"]) == ("Cuisine Solidaire", "Grand Traiteur National")
    assert (facts["sourcing_departement"], facts["place_assumed"]) == ("14", True)
    # exactly what « Préparer un achat » computes for the same code and place
    expected = explorer.potential_suppliers(code_cpv="55524000", departement="14", limit=10)
    inclusion.flag_inclusive(caen_org, names.fill_names(caen_org, expected))
    assert suppliers == expected


def test_fiche_page_shows_zone_recency_and_flag(client, caen_org, members_a):
    fiche = make_fiche(caen_org, code_cpv="55524000", objet="Restauration scolaire des écoles")
    client.force_login(members_a[Role.APPUI])
    html = client.get(f"/o/{caen_org.slug}/fiches/{fiche.pk}/").content.decode()
    assert "Actives ces 3 dernières années" in html
    assert "Sans marché depuis plus de 3 ans" in html
    assert html.index("Cuisine Solidaire") < html.index("Grand Traiteur National")
    assert "même département" in html
    assert "ailleurs en France" in html
    assert '<span class="badge">SIAE (EI, ACI)</span>' in html
    assert "lieu d'exécution habituel de votre organisation" in html


def test_empty_state_when_no_supplier_fits(client, caen_org, members_a):
    fiche = make_fiche(caen_org, code_cpv="03111000", objet="Restauration scolaire des écoles")
    client.force_login(members_a[Role.APPUI])
    html = client.get(f"/o/{caen_org.slug}/fiches/{fiche.pk}/").content.decode()
    assert "aucune entreprise n'a remporté de marché de cette catégorie CPV" in html
