"""The sourcing charter: every save is a new version with author and date, the history and differences are
visible, and the checklist derived from it is what the fiche visa uses."""

import pytest

from pilote.annuaire import queries
from pilote.annuaire.models import CharterVersion
from pilote.core.enums import Role


pytestmark = pytest.mark.django_db

V1 = "Principes\n- [ ] Publier un avis de sourçage\n- [ ] Tracer les échanges"
V2 = "Principes\n- [ ] Publier un avis de sourçage\n- [ ] Rencontrer au moins trois entreprises\n- [ ] Tracer les échanges"


def test_each_save_is_a_new_version_with_history_and_diff(client, org_a, members_a):
    admin = members_a[Role.ADMIN]
    client.force_login(admin)
    url = f"/o/{org_a.slug}/annuaire/charte/modifier/"
    client.post(url, {"title": "Charte du sourçage", "text": V1, "change_note": "Création"})
    client.post(url, {"title": "Charte du sourçage", "text": V2, "change_note": "Trois entreprises"})
    versions = list(CharterVersion.objects.filter(organisation=org_a).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].author == admin
    assert versions[0].text == V1  # the old version is kept as it was
    history = client.get(f"/o/{org_a.slug}/annuaire/charte/historique/").content.decode()
    assert "Version 1" in history
    assert "Trois entreprises" in history
    diff = client.get(f"/o/{org_a.slug}/annuaire/charte/versions/{versions[1].pk}/").content.decode()
    assert "Ajouté" in diff
    assert "+- [ ] Rencontrer au moins trois entreprises" in diff


def test_saving_unchanged_text_is_refused(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/annuaire/charte/modifier/"
    client.post(url, {"title": "Charte", "text": V1})
    response = client.post(url, {"title": "Charte", "text": V1 + "\n"})
    assert "Le texte n&#x27;a pas changé" in response.content.decode()
    assert CharterVersion.objects.filter(organisation=org_a).count() == 1


def test_sourcing_checklist_comes_from_the_current_version(client, org_a, members_a):
    assert queries.sourcing_checklist(org_a) == []
    client.force_login(members_a[Role.ADMIN])
    url = f"/o/{org_a.slug}/annuaire/charte/modifier/"
    client.post(url, {"title": "Charte", "text": V1})
    client.post(url, {"title": "Charte", "text": V2})
    assert queries.sourcing_checklist(org_a) == [
        "Publier un avis de sourçage",
        "Rencontrer au moins trois entreprises",
        "Tracer les échanges",
    ]
    page = client.get(f"/o/{org_a.slug}/annuaire/charte/").content.decode()
    assert "Rencontrer au moins trois entreprises" in page


def test_buyer_cannot_edit_the_charter(client, org_a, members_a):
    client.force_login(members_a[Role.ACHETEUR])
    response = client.post(f"/o/{org_a.slug}/annuaire/charte/modifier/", {"title": "Charte", "text": V1})
    assert response.status_code == 403
    assert not CharterVersion.objects.exists()
