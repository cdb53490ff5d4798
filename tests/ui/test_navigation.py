"""The navigation registry of ui: each app registers its entries in its AppConfig.ready; ui knows none of them."""

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
