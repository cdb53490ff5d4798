"""The demo of the ressource-o-thèque and its contribution to the fiche visa form."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.communs import demo, ledger, services
from pilote.communs.models import Initiative, Resource, ResourceKind
from pilote.core.demo import prepare_demo as prepare_core
from pilote.core.enums import Role
from pilote.core.models import Organisation
from pilote.fiches.panels import checklists_for
from pilote.recensement import services as census
from tests.communs import helpers


pytestmark = pytest.mark.django_db


def test_demo_holds_resources_and_two_initiatives_with_credit():
    prepare_core()
    assert demo.prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    kinds = set(Resource.objects.filter(organisation=region).values_list("kind", flat=True))
    assert kinds == {ResourceKind.SALLE, ResourceKind.MATERIEL, ResourceKind.VEHICULE, ResourceKind.TEMPS}
    initiatives = Initiative.objects.filter(organisation=region)
    assert initiatives.count() == 2
    assert all(ledger.initiative_balance(i) > 0 for i in initiatives)
    assert ledger.trial_balance(region)["total"] == 0
    # the returned washer (one day × 30 €) and the approved room (4 hours × 35 €)
    assert sum(sum(services.in_kind_by_year(i).values()) for i in initiatives) == Decimal("170.00")
    assert demo.prepare_demo() == []  # idempotent


def test_fiche_checklist_lists_shareable_items_in_service(org_a):
    actor = helpers.manager(org_a)
    washer = helpers.tool(org_a, actor)
    helpers.room(org_a, actor)  # rooms are not purchases of equipment
    (items,) = [items for checklist, items in checklists_for(org_a) if checklist.key == "ressourcotheque"]
    assert len(items) == 1
    assert "Nettoyeur haute pression" in items[0]
    services.do_open_ticket(washer, description="en panne", actor=actor)
    assert not [c for c, _ in checklists_for(org_a) if c.key == "ressourcotheque"]


def test_census_need_for_shareable_equipment_shows_the_catalogue(client, org_a, members_a):
    actor = members_a[Role.APPUI]
    helpers.tool(org_a, actor)  # outillage
    campaign = census.do_open_campaign(
        org_a,
        actor=actor,
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Technique"],
    )
    service = campaign.services.get()
    fields = {"service": service, "montant_estime": 900, "site": "Centre technique"}
    census.do_create_need(campaign, actor=actor, fields=fields | {"objet": "Nettoyeur HP", "code_cpv": "42924720"})
    census.do_create_need(campaign, actor=actor, fields=fields | {"objet": "Repas", "code_cpv": "55523100"})
    client.force_login(members_a[Role.AGENT])
    page = client.get(reverse("recensement:campaign", kwargs={"slug": org_a.slug, "campaign_id": campaign.pk}))
    text = page.content.decode()
    assert text.count("Vérifiez d&#x27;abord la ressource-o-thèque") == 1
    assert "« Nettoyeur haute pression »" in text
