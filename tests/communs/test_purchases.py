"""« Ajouter à la ressource-o-thèque après livraison » and the fiche ↔ catalogue matching by CPV class."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.communs import purchases, rules, services
from pilote.communs.models import Resource, ResourceKind
from pilote.core.enums import Role
from pilote.fiches.panels import checklists_for
from pilote.recensement import services as census
from tests.communs import helpers
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db

WASHER_FICHE = {"objet": "Nettoyeur haute pression", "code_cpv": "42924720", "montant_estime": Decimal("1200")}


def _ressourcotheque(organisation, fiche):
    found = [(c, items) for c, items in checklists_for(organisation, fiche=fiche) if c.key == "ressourcotheque"]
    return found[0] if found else (None, [])


def test_pressure_washer_fiche_shows_the_matching_item_only(org_a):
    actor = helpers.manager(org_a)
    helpers.tool(org_a, actor)  # « Nettoyeur haute pression », outillage
    helpers.tool(org_a, actor, name="Vidéoprojecteur", share_class="audiovisuel")
    fiche = make_fiche(org_a, **WASHER_FICHE)
    checklist, items = _ressourcotheque(org_a, fiche)
    assert any("Nettoyeur haute pression" in item for item in items)
    assert not any("Vidéoprojecteur" in item for item in items)
    assert reverse("communs:purchase_from_fiche", args=[org_a.slug, fiche.pk]) in str(checklist.label)
    cleaning = make_fiche(org_a)  # CPV 90911200: not shareable equipment
    assert _ressourcotheque(org_a, cleaning) == (None, [])


def test_fiche_edit_page_shows_matching_item_and_link(client, org_a, members_a):
    actor = members_a[Role.APPUI]
    helpers.tool(org_a, actor)
    helpers.tool(org_a, actor, name="Vidéoprojecteur", share_class="audiovisuel")
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent, **WASHER_FICHE)
    client.force_login(agent)
    text = client.get(reverse("fiches:edit", args=[org_a.slug, fiche.pk])).content.decode()
    assert "Nettoyeur haute pression" in text
    assert "Vidéoprojecteur" not in text
    assert f'href="{reverse("communs:purchase_from_fiche", args=[org_a.slug, fiche.pk])}"' in text


def test_add_fiche_purchase_creates_a_linked_draft_counted_as_bought(client, org_a, members_a):
    actor = members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=actor, **WASHER_FICHE)
    url = reverse("communs:purchase_from_fiche", args=[org_a.slug, fiche.pk])
    client.force_login(actor)
    assert "Ajouter au catalogue" in client.get(url).content.decode()
    client.post(url)
    item = Resource.objects.get(source_fiche=fiche)
    assert item.draft
    assert item.name == "Nettoyeur haute pression"
    assert item.share_class == "outillage"
    assert item.kind == ResourceKind.MATERIEL
    assert item.purchase_value_eur == Decimal("1200")
    assert rules.shared_purchases(services.shared_purchase_items(org_a))["bought"] == 1
    again = client.post(url, follow=True).content.decode()
    assert "déjà dans la ressource-o-thèque" in again
    assert Resource.objects.filter(organisation=org_a).count() == 1


def test_draft_cannot_be_booked_until_delivered(org_a):
    actor = helpers.manager(org_a)
    item = purchases.do_add_purchase_to_catalogue(org_a, fiche=make_fiche(org_a, **WASHER_FICHE), actor=actor)
    init = helpers.initiative(org_a, actor)
    start, end = helpers.slot()
    with pytest.raises(ValidationError, match="pas encore livré"):
        services.do_request_booking(item, init, starts_at=start, ends_at=end, purpose="x", actor=actor)
    item.valuation_rate = Decimal("20")
    item.save()
    purchases.do_mark_delivered(item, actor=actor)
    booking = services.do_request_booking(item, init, starts_at=start, ends_at=end, purpose="x", actor=actor)
    assert booking.pk


def test_non_shareable_purchase_is_refused(org_a):
    actor = helpers.manager(org_a)
    with pytest.raises(ValidationError, match="classe de matériel partageable"):
        purchases.do_add_purchase_to_catalogue(org_a, fiche=make_fiche(org_a), actor=actor)
    assert not Resource.objects.exists()


def test_census_need_notice_links_to_the_action(client, org_a, members_a):
    actor = members_a[Role.APPUI]
    campaign = census.do_open_campaign(
        org_a,
        actor=actor,
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Technique"],
    )
    fields = {"service": campaign.services.get(), "montant_estime": 900, "site": "Centre technique"}
    need = census.do_create_need(campaign, actor=actor, fields=fields | {"objet": "Perceuse", "code_cpv": "42924720"})
    client.force_login(actor)
    page = client.get(reverse("recensement:campaign", kwargs={"slug": org_a.slug, "campaign_id": campaign.pk}))
    url = reverse("communs:purchase_from_need", args=[org_a.slug, need.pk])
    assert f'href="{url}"' in page.content.decode()
    client.post(url)
    item = Resource.objects.get(source_need=need)
    assert item.draft
    assert item.purchase_value_eur == Decimal("900")


def test_delivery_completes_the_draft_and_needs_a_rate(client, org_a, members_a):
    actor = members_a[Role.APPUI]
    item = purchases.do_add_purchase_to_catalogue(org_a, fiche=make_fiche(org_a, **WASHER_FICHE), actor=actor)
    url = reverse("communs:resource_deliver", args=[org_a.slug, item.pk])
    client.force_login(actor)
    refused = client.post(url, {"location": "Garage", "credit_price": 3}, follow=True).content.decode()
    assert "Indiquez le taux de valorisation" in refused
    item.refresh_from_db()
    assert item.draft
    assert item.location == ""
    client.post(url, {"location": "Garage", "condition": "neuf", "valuation_rate": "25", "credit_price": 3})
    item.refresh_from_db()
    assert not item.draft
    assert item.location == "Garage"
    assert item.valuation_rate == Decimal("25")
    assert (
        "Livré : mettre au catalogue"
        not in client.get(reverse("communs:resource", args=[org_a.slug, item.pk])).content.decode()
    )
