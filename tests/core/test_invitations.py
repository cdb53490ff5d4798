"""Invitations: one pending per address, re-sendable with a new link, revocable after a confirmation; removing
a member asks for a confirmation too."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.core.models import AuditEvent, Invitation, Membership
from pilote.core.services import do_invite_member, do_resend_invitation, do_revoke_invitation, find_invitation


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, members_a):
    client.force_login(members_a[Role.ADMIN])
    return members_a[Role.ADMIN]


def test_an_address_cannot_be_invited_twice(org_a, admin):
    do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    with pytest.raises(ValidationError, match=r"déjà en attente pour nouvelle@exemple\.fr"):
        do_invite_member(org_a, email="Nouvelle@Exemple.fr", role=Role.ELU, actor=admin)
    assert Invitation.objects.filter(email="nouvelle@exemple.fr").count() == 1


def test_the_members_page_refuses_a_second_invitation_with_a_message(client, org_a, admin):
    client.post(f"/o/{org_a.slug}/membres/", {"email": "nouvelle@exemple.fr", "role": Role.AGENT})
    html = client.post(f"/o/{org_a.slug}/membres/", {"email": "nouvelle@exemple.fr", "role": Role.AGENT}).content
    assert "renvoyez-la ou révoquez-la" in html.decode()
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(org_a, admin):
    first, _ = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    Invitation.objects.filter(pk=first.pk).update(expires_at="2020-01-01T00:00:00Z")
    second, _ = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending


def test_resending_gives_a_new_link_and_kills_the_old(org_a, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, old_token = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
        _, new_token = do_resend_invitation(invitation, actor=admin)
    assert len(mail.outbox) == 2
    assert new_token in mail.outbox[1].body
    assert find_invitation(old_token) is None
    assert find_invitation(new_token).sent_count == 2
    assert AuditEvent.objects.filter(verb="invitation.renvoyee").count() == 1


def test_resend_through_the_members_page(client, org_a, admin):
    invitation, _ = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    response = client.post(f"/o/{org_a.slug}/membres/invitations/{invitation.pk}/renvoyer/", follow=True)
    assert "Invitation renvoyée à nouvelle@exemple.fr" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.sent_count == 2


def test_revoking_asks_first_then_the_link_stops_working(client, org_a, admin):
    invitation, token = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    url = f"/o/{org_a.slug}/membres/invitations/{invitation.pk}/revoquer/"
    members = client.get(f"/o/{org_a.slug}/membres/").content.decode()
    assert f'href="{url}"' in members  # a link to the confirmation, not a one-click form
    confirmation = client.get(url).content.decode()
    assert "Révoquer l&#x27;invitation de nouvelle@exemple.fr" in confirmation
    invitation.refresh_from_db()
    assert invitation.is_pending  # nothing happened on GET
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    page = client.get(f"/invitation/{token}/")
    assert page.status_code == 410
    assert "révoquée" in page.content.decode()
    # the address may be invited again
    do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    with pytest.raises(ValidationError, match="déjà été révoquée"):
        do_revoke_invitation(invitation, actor=admin)


def test_removing_a_member_asks_first(client, org_a, members_a, admin):
    target = Membership.objects.get(user=members_a[Role.ELU])
    url = f"/o/{org_a.slug}/membres/{target.pk}/retirer/"
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Retirer ce membre" in confirmation.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_a_non_admin_can_neither_resend_nor_revoke(client, org_a, members_a, admin):
    invitation, _ = do_invite_member(org_a, email="nouvelle@exemple.fr", role=Role.AGENT, actor=admin)
    client.force_login(members_a[Role.APPUI])
    assert client.post(f"/o/{org_a.slug}/membres/invitations/{invitation.pk}/revoquer/").status_code == 403
    assert client.post(f"/o/{org_a.slug}/membres/invitations/{invitation.pk}/renvoyer/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending
