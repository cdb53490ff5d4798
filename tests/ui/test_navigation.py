"""The navigation registry of ui: each app registers its entries in its AppConfig.ready; ui knows none of them."""

import re

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch

from pilote.core.enums import Role
from pilote.ui import navigation


pytestmark = pytest.mark.django_db


def test_every_app_registers_its_entries_in_menu_order(org_a):
    request = RequestFactory().get(f"/o/{org_a.slug}/fiches/")
    entries = navigation.navigation_for(request, org_a, frozenset({Role.ADMIN}))
    assert [e["label"] for e in entries] == [
        "Accueil",
        "Cockpit",
        "Contrats",
        "Fiches visa",
        "Recensement",
        "Guides",
        "Stratégie",
        "Évolutions",
        "Territoire",
        "Ressource-o-thèque",
        "Annuaire",
        "Données",
        "Membres",
        "Organisation",
        "Journal",
    ]
    assert [e["label"] for e in entries if e["current"]] == ["Fiches visa"]


def test_roles_hide_entries(org_a):
    request = RequestFactory().get(f"/o/{org_a.slug}/")
    labels = [e["label"] for e in navigation.navigation_for(request, org_a, frozenset({Role.AGENT}))]
    assert "Données" not in labels
    assert "Journal" not in labels
    assert "Fiches visa" in labels


def test_an_entry_whose_url_does_not_exist_fails_loudly(org_a, monkeypatch):
    monkeypatch.setattr(navigation, "_ITEMS", list(navigation._ITEMS))
    navigation.register("Fantôme", "fantome:home", {Role.ADMIN}, 5)
    request = RequestFactory().get(f"/o/{org_a.slug}/")
    with pytest.raises(NoReverseMatch):
        navigation.navigation_for(request, org_a, frozenset({Role.ADMIN}))


def test_an_entry_whose_view_refuses_the_role_is_not_shown(org_a, monkeypatch):
    monkeypatch.setattr(navigation, "_ITEMS", list(navigation._ITEMS))
    # registered for every role by mistake, but the targets' view lets only the support service and admins in
    navigation.register("Objectifs pour tous", "analytics:targets", set(Role), 5)
    request = RequestFactory().get(f"/o/{org_a.slug}/")
    agent_labels = [e["label"] for e in navigation.navigation_for(request, org_a, frozenset({Role.AGENT}))]
    assert "Objectifs pour tous" not in agent_labels
    admin_labels = [e["label"] for e in navigation.navigation_for(request, org_a, frozenset({Role.ADMIN}))]
    assert "Objectifs pour tous" in admin_labels


def test_the_census_section_menu_shows_only_pages_the_role_may_open(client, org_a, members_a):
    import datetime as dt

    from pilote.recensement import services

    campaign = services.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Voirie"],
    )
    url = f"/o/{org_a.slug}/recensement/{campaign.pk}/"
    client.force_login(members_a[Role.AGENT])
    page = client.get(url)
    assert page.status_code == 200
    menu = page.content.decode().split('class="sub-nav"')[1].split("</nav>")[0]
    assert "Besoins 2027" in menu
    assert "Programmation" in menu  # the plan and renewals are open to every role
    for hidden in ("Regroupements", "Bilan de fin d", "Fractionnement"):
        assert hidden not in menu
    client.force_login(members_a[Role.ACHETEUR])
    menu = client.get(url).content.decode().split('class="sub-nav"')[1].split("</nav>")[0]
    for shown in ("Regroupements", "Renouvellements", "Programmation", "Bilan de fin d", "Fractionnement"):
        assert shown in menu
    # every link of the menu opens for the role that sees it
    for role in (Role.AGENT, Role.ACHETEUR):
        client.force_login(members_a[role])
        menu = client.get(url).content.decode().split('class="sub-nav"')[1].split("</nav>")[0]
        for href in re.findall(r'href="([^"]+)"', menu):
            assert client.get(href).status_code == 200, (role, href)
