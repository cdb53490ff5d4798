"""The permission matrix restricted to the fiches and clauses apps (the project-wide matrix covers them too;
this keeps their rules checked even while other apps are in progress), plus finer per-fiche rules."""

import pytest

from pilote.core.enums import Role
from pilote.fiches.models import Fiche
from pilote.fiches.workflow import TRANSITIONS
from tests.core.test_permission_matrix import org_views, pattern_url
from tests.fiches.factories import make_fiche


def own_views():
    return [(n, p) for n, p in org_views() if n.startswith(("fiches:", "clauses:"))]


def test_every_transition_has_its_own_url_with_its_roles():
    views = dict(own_views())
    for name, transition in TRANSITIONS.items():
        assert views[f"fiches:t_{name}"].callback.allowed_roles == transition.roles


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_matrix_fiches_and_clauses(client, role, org_a, org_b, members_a, members_b):
    client.force_login(members_a[role])
    assert len(own_views()) >= 20
    for name, pattern in own_views():
        own = client.get(pattern_url(name, pattern, org_a))
        if role in pattern.callback.allowed_roles:
            assert own.status_code not in (403, 404), f"{role} must reach {name}"
        else:
            assert own.status_code == 403, f"{role} must be refused {name} (got {own.status_code})"
        other = client.get(pattern_url(name, pattern, org_b))
        assert other.status_code == 404, f"{role} of A must not see {name} of B (got {other.status_code})"


@pytest.mark.django_db
def test_anonymous_sent_to_login(client, org_a, members_a):
    for name, pattern in own_views():
        response = client.get(pattern_url(name, pattern, org_a))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/connexion/"), name


@pytest.mark.django_db
def test_agent_sees_only_own_fiches(client, org_a, members_a):
    from tests.core.factories import MembershipFactory

    colleague = MembershipFactory(organisation=org_a, role=Role.AGENT).user
    theirs = make_fiche(org_a, author=colleague, objet="Achat du collègue")
    mine = make_fiche(org_a, author=members_a[Role.AGENT], objet="Mon achat de mobilier")
    client.force_login(members_a[Role.AGENT])
    listing = client.get(f"/o/{org_a.slug}/fiches/").content.decode()
    assert "Mon achat de mobilier" in listing
    assert "Achat du collègue" not in listing
    assert client.get(f"/o/{org_a.slug}/fiches/{theirs.pk}/").status_code == 404
    assert client.get(f"/o/{org_a.slug}/fiches/{mine.pk}/").status_code == 200
    # The support service sees both.
    client.force_login(members_a[Role.APPUI])
    listing = client.get(f"/o/{org_a.slug}/fiches/").content.decode()
    assert "Mon achat de mobilier" in listing
    assert "Achat du collègue" in listing


@pytest.mark.django_db
def test_fiche_id_of_other_organisation_is_not_found(client, org_a, org_b, members_a, members_b):
    other = make_fiche(org_b, author=members_b[Role.AGENT])
    client.force_login(members_a[Role.APPUI])
    assert client.get(f"/o/{org_a.slug}/fiches/{other.pk}/").status_code == 404
    response = client.post(f"/o/{org_a.slug}/fiches/{other.pk}/instruire/")
    assert response.status_code == 404
    assert Fiche.objects.get(pk=other.pk).status == "brouillon"


@pytest.mark.django_db
def test_elected_member_reads_but_never_writes(client, org_a, members_a):
    fiche = make_fiche(org_a, author=members_a[Role.AGENT])
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    assert fiche.objet in page
    assert "Commenter" not in page
    assert client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/commenter/", {"text": "Avis"}).status_code == 403
    assert not fiche.comments.exists()


@pytest.mark.django_db
def test_admin_is_read_only(client, org_a, members_a, admin_user):
    make_fiche(org_a, author=members_a[Role.AGENT])
    client.force_login(admin_user)
    from django.urls import reverse

    assert client.get(reverse("admin:fiches_fiche_changelist")).status_code == 200
    assert client.get(reverse("admin:fiches_fiche_add")).status_code == 403
    assert client.get(reverse("admin:clauses_clause_changelist")).status_code == 200
