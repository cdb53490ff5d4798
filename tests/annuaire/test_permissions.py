"""The permission matrix restricted to the annuaire's pages (the project-wide matrix walks every app; this one
pins down this app's rules even while other apps are being built), plus the finer rules of permissions.py."""

import pytest

from pilote.annuaire.models import Person
from pilote.core.enums import Role
from tests.annuaire import factories
from tests.core.test_permission_matrix import org_views, pattern_url


def annuaire_views():
    return [(name, p) for name, p in org_views() if name.startswith("annuaire:")]


def test_every_annuaire_view_is_organisation_scoped():
    names = {name for name, _ in annuaire_views()}
    assert {"annuaire:home", "annuaire:lesson_detail", "annuaire:session_enrol", "annuaire:request_close"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_matrix_own_and_other_organisation(client, role, org_a, org_b, members_a, members_b):
    client.force_login(members_a[role])
    for name, pattern in annuaire_views():
        own = client.get(pattern_url(name, pattern, org_a))
        if role in pattern.callback.allowed_roles:
            assert own.status_code not in (403, 404, 500), f"{role} must reach {name} (got {own.status_code})"
        else:
            assert own.status_code == 403, f"{role} must be refused {name} (got {own.status_code})"
        other = client.get(pattern_url(name, pattern, org_b))
        assert other.status_code == 404, f"{role} of A must not see {name} of B (got {other.status_code})"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, org_a, members_a):
    for name, pattern in annuaire_views():
        response = client.get(pattern_url(name, pattern, org_a))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/connexion/"), name


@pytest.mark.django_db
def test_elu_reads_but_cannot_write(client, org_a, members_a):
    client.force_login(members_a[Role.ELU])
    assert client.get(f"/o/{org_a.slug}/annuaire/").status_code == 200
    assert client.get(f"/o/{org_a.slug}/annuaire/retours/nouveau/").status_code == 403
    assert client.post(f"/o/{org_a.slug}/annuaire/charte/modifier/", {"title": "X", "text": "Y"}).status_code == 403
    assert client.get(f"/o/{org_a.slug}/annuaire/reserve/demandes/nouvelle/").status_code == 403


@pytest.mark.django_db
def test_agent_edits_only_own_entry(client, org_a, members_a):
    agent = members_a[Role.AGENT]
    colleague = factories.person(org_a)
    client.force_login(agent)
    assert client.get(f"/o/{org_a.slug}/annuaire/personnes/{colleague.pk}/modifier/").status_code == 403
    client.post(f"/o/{org_a.slug}/annuaire/ma-fiche/", {"creer": "1"})
    own = Person.objects.get(organisation=org_a, user=agent)
    response = client.post(
        f"/o/{org_a.slug}/annuaire/ma-fiche/",
        {"first_name": "Alice", "last_name": "Agent", "email": agent.email, "skills_text": "Énergie, sourçage"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert sorted(s.name for s in own.skills.all()) == ["sourçage", "Énergie"]


@pytest.mark.django_db
def test_partner_people_visible_only_with_consent(client, org_a, org_b, members_a):
    shared = factories.person(org_b, last_name="Partageuse", share_with_partners=True)
    private = factories.person(org_b, last_name="Discrète")
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/annuaire/").content.decode()
    assert "Partageuse" in page
    assert "Discrète" not in page
    assert client.get(f"/o/{org_a.slug}/annuaire/personnes/{shared.pk}/").status_code == 200
    assert client.get(f"/o/{org_a.slug}/annuaire/personnes/{private.pk}/").status_code == 404
