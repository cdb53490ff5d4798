"""Organisation settings, members and invitations, including bad input."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from pilote.core.enums import Role
from pilote.core.models import AuditEvent, Invitation, Membership, User


@pytest.mark.django_db
def test_admin_edits_organisation_and_an_audit_row_is_written(client, org_a, members_a):
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/organisation/",
        {
            "name": "Ville A",
            "kind": "commune",
            "sirets_text": "216 901 231 00011\n21590328700013",
            "population": "12000",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "ont été enregistrées" in page, re.findall(r"(?:alert|errorlist)[^>]*>(.*?)</", page, re.S)
    org_a.refresh_from_db()
    assert org_a.name == "Ville A"
    assert sorted(org_a.sirets) == ["21590328700013", "21690123100011"]
    event = AuditEvent.objects.get(verb="organisation.modifiee")
    assert event.actor == members_a[Role.ADMIN]
    assert event.payload["name"] == ["Organisation A", "Ville A"]


@pytest.mark.django_db
def test_invalid_siret_is_explained_and_nothing_changes(client, org_a, members_a):
    before = org_a.sirets
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/organisation/",
        {"name": "Nouveau nom", "kind": "commune", "sirets_text": "21690123100011\n21690123100012\n1234"},
    )
    page = response.content.decode()
    assert "Ligne 2" in page
    assert "clé de contrôle" in page
    assert "Ligne 3" in page
    assert "14 chiffres" in page
    org_a.refresh_from_db()
    assert org_a.name == "Organisation A"
    assert org_a.sirets == before


@pytest.mark.django_db
def test_invitation_flow_creates_account_and_membership(client, org_a, members_a, django_capture_on_commit_callbacks):
    client.force_login(members_a[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org_a.slug}/membres/", {"email": "Nouvelle@Exemple.fr", "role": Role.ACHETEUR})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitation/" in line)
    client.logout()
    path = link.split("8000", 1)[1]
    password = "une-phrase-de-passe-longue"
    response = client.post(
        path,
        {"first_name": "Nina", "last_name": "Nouvelle", "password1": password, "password2": password},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/o/{org_a.slug}/"
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert Membership.objects.get(user=user, organisation=org_a).role == Role.ACHETEUR
    # The link cannot be used twice.
    client.logout()
    assert client.get(path).status_code == 410


@pytest.mark.django_db
def test_expired_invitation_is_refused_and_changes_nothing(client, org_a, members_a):
    from pilote.core.services import do_invite_member

    invitation, token = do_invite_member(org_a, email="tard@exemple.fr", role=Role.AGENT, actor=members_a[Role.ADMIN])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        f"/invitation/{token}/",
        {"first_name": "A", "last_name": "B", "password1": "xx-long-pass-1", "password2": "xx-long-pass-1"},
    )
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="tard@exemple.fr").exists()


@pytest.mark.django_db
def test_unknown_invitation_token_is_404(client):
    assert client.get("/invitation/nimportequoi/").status_code == 404


@pytest.mark.django_db
def test_cannot_remove_last_admin(client, org_a, members_a):
    admin = members_a[Role.ADMIN]
    client.force_login(admin)
    membership = Membership.objects.get(user=admin, organisation=org_a)
    response = client.post(f"/o/{org_a.slug}/membres/{membership.pk}/retirer/", follow=True)
    assert "au moins un administrateur" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_support_service_acts_as_appui_in_supported_organisations_only(client, org_a, org_b):
    from tests.core.factories import MembershipFactory, OrganisationFactory

    mutualise = OrganisationFactory(name="Service mutualisé", slug="mutualise")
    mutualise.supported_organisations.add(org_a)
    person = MembershipFactory(organisation=mutualise, role=Role.APPUI).user
    client.force_login(person)
    assert client.get(f"/o/{org_a.slug}/membres/").status_code == 200
    assert client.get(f"/o/{org_b.slug}/").status_code == 404
    # The switcher offers both the support service and the organisation it accompanies.
    page = client.get(f"/o/{org_a.slug}/").content.decode()
    assert 'value="mutualise"' in page
    assert f'value="{org_a.slug}"' in page
