"""Sharing that shares only what was meant (issue 15): a person or a lesson that organisation B shares with its
partners shows A no fiche of B (drafts included), no contact of B who did not agree to be shared, and enrolling
« person=<id> » in A's training session never names a person of another organisation."""

import pytest
from django.contrib.messages import get_messages

from pilote.annuaire import services
from pilote.annuaire.models import Enrolment
from pilote.core.enums import Role
from tests.annuaire import factories
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db

DRAFT = "Brouillon confidentiel : renégociation du marché de restauration"


def test_shared_person_shows_no_fiche_of_their_organisation(client, org_a, org_b, members_a, members_b):
    author = members_b[Role.AGENT]
    make_fiche(org_b, author=author, objet=DRAFT)
    person = services.do_ensure_own_entry(org_b, user=author)
    person.share_with_partners = True
    person.save()
    client.force_login(members_a[Role.AGENT])
    response = client.get(f"/o/{org_a.slug}/annuaire/personnes/{person.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert person.last_name in page  # the shared profile is shown
    assert DRAFT not in page
    assert f"/o/{org_b.slug}/fiches/" not in page
    # B's own members still see it
    client.force_login(members_b[Role.APPUI])
    assert DRAFT in client.get(f"/o/{org_b.slug}/annuaire/personnes/{person.pk}/").content.decode()


def test_shared_lesson_shows_no_fiche_and_no_unshared_contact(client, org_a, org_b, members_a, members_b):
    fiche = make_fiche(org_b, objet=DRAFT)
    hidden = factories.person(org_b, first_name="Irène", last_name="Nonpartagée")
    shared = factories.person(org_b, first_name="Paul", last_name="Partagé", share_with_partners=True)
    lesson = factories.lesson(org_b, shared_with_partners=True, fiches=[fiche], contacts=[hidden, shared])
    client.force_login(members_a[Role.AGENT])
    response = client.get(f"/o/{org_a.slug}/annuaire/retours/{lesson.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert lesson.title in page
    assert DRAFT not in page
    assert f"/fiches/{fiche.pk}/" not in page
    assert "Partagé" in page
    assert "Nonpartagée" not in page
    client.force_login(members_b[Role.AGENT])
    own = client.get(f"/o/{org_b.slug}/annuaire/retours/{lesson.pk}/").content.decode()
    assert DRAFT in own
    assert "Nonpartagée" in own


@pytest.mark.parametrize("shared", [False, True])
def test_enrolling_a_person_of_another_organisation_names_nobody(client, org_a, org_b, members_a, shared):
    session = factories.session(org_a, seats=5)
    outsider = factories.person(org_b, first_name="Zoé", last_name="Ailleurs", share_with_partners=shared)
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/inscription/", {"person": outsider.pk}
    )
    texts = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Ailleurs" not in texts
    assert "Zoé" not in texts
    assert org_b.name not in texts
    assert not Enrolment.objects.exists()


def test_enrol_with_a_malformed_person_id_is_refused_not_a_server_error(client, org_a, members_a):
    session = factories.session(org_a, seats=5)
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/inscription/", {"person": "1 OR 1=1"}
    )
    assert response.status_code == 302
    assert not Enrolment.objects.exists()
