"""In-app notifications: every event that sends an e-mail also leaves a notification, under the bell."""

import datetime as dt

import pytest
from django.core import mail

from pilote.core.enums import Role
from pilote.core.models import Notification
from pilote.core.services import do_invite_member, do_notify
from pilote.fiches.services import do_transition
from pilote.recensement import services as census
from tests.core.factories import UserFactory
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db


def test_submitting_a_fiche_notifies_the_support_service_with_a_link_to_it(
    client, org_a, members_a, django_capture_on_commit_callbacks
):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    assert len(mail.outbox) == 1
    notification = Notification.objects.get(user=appui)
    assert notification.title == mail.outbox[0].subject
    assert notification.link == f"/o/{org_a.slug}/fiches/{fiche.pk}/"
    assert not Notification.objects.filter(user=agent).exists()

    client.force_login(appui)
    html = client.get(f"/o/{org_a.slug}/").content.decode()
    assert 'class="notification-count">1<span class="visually-hidden"> non lue</span>' in html
    listing = client.get("/notifications/").content.decode()
    assert "1 notification non lue" in listing
    assert fiche.objet in listing
    # opening it marks it read and leads to the fiche
    response = client.post(f"/notifications/{notification.pk}/ouvrir/")
    assert response.status_code == 302
    assert response["Location"] == notification.link
    notification.refresh_from_db()
    assert notification.is_read
    assert "notification-count" not in client.get(f"/o/{org_a.slug}/").content.decode()


def test_a_send_back_notifies_the_author(org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = do_transition(make_fiche(org_a, author=agent), "soumettre", actor=agent, roles={Role.AGENT})
    do_transition(
        fiche, "demander_reprise", actor=appui, roles={Role.APPUI}, comment="Ajoutez le sourçage.", confirmed=True
    )
    notification = Notification.objects.get(user=agent)
    assert "à reprendre" in notification.title
    assert "Ajoutez le sourçage." in notification.body


def test_opening_a_census_campaign_notifies_agents_and_buyers(org_a, members_a):
    census.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Voirie"],
    )
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {members_a[Role.AGENT].pk, members_a[Role.ACHETEUR].pk}
    assert (
        Notification.objects.filter(organisation=org_a, link__startswith=f"/o/{org_a.slug}/recensement/").count() == 2
    )


def test_an_invitation_notifies_an_existing_account_without_its_token(org_a, members_a):
    someone = UserFactory(email="deja.inscrite@exemple.fr")
    _invitation, token = do_invite_member(
        org_a, email="Deja.Inscrite@exemple.fr", role=Role.ELU, actor=members_a[Role.ADMIN]
    )
    notification = Notification.objects.get(user=someone)
    assert "Invitation à rejoindre Organisation A" in notification.title
    assert token not in notification.body
    assert notification.link == ""


def test_addresses_without_account_and_inactive_accounts_are_skipped(org_a):
    inactive = UserFactory(is_active=False)
    assert do_notify(emails=["personne@nulle-part.fr", inactive.email], title="Rien") == 0
    assert not Notification.objects.exists()


def test_nobody_opens_or_reads_another_persons_notification(client, org_a, members_a):
    do_notify(users=[members_a[Role.AGENT]], title="Pour l'agent", link="/o/org-a/")
    notification = Notification.objects.get()
    client.force_login(members_a[Role.APPUI])
    assert client.post(f"/notifications/{notification.pk}/ouvrir/").status_code == 404
    assert "Pour l" not in client.get("/notifications/").content.decode()
    client.post("/notifications/tout-lu/")
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_all_read_and_an_outside_link_is_not_followed(client, members_a):
    agent = members_a[Role.AGENT]
    do_notify(users=[agent], title="Une", link="https://ailleurs.example/piege")
    do_notify(users=[agent], title="Deux")
    client.force_login(agent)
    outside = Notification.objects.get(title="Une")
    assert client.post(f"/notifications/{outside.pk}/ouvrir/")["Location"] == "/notifications/"
    response = client.post("/notifications/tout-lu/", follow=True)
    assert "1 notification marquée comme lue" in response.content.decode()
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()


def test_the_list_requires_a_login(client):
    assert client.get("/notifications/")["Location"].startswith("/connexion/")
