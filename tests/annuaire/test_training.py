"""Training catalogue: enrolment until full then waiting list (said clearly), automatic promotion when a seat
frees (with an e-mail), refusal of people of another organisation, attendance and reservist qualification."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pilote.annuaire.models import Enrolment, Person
from pilote.annuaire.training import queries as training_queries, services as training
from pilote.annuaire.training.models import EnrolmentStatus
from pilote.core.enums import Role
from tests.annuaire import factories


pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_enrol_until_full_then_waiting_list(client, org_a, members_a):
    session = factories.session(org_a, seats=2)
    url = f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/inscription/"
    for role in (Role.AGENT, Role.ACHETEUR):
        client.force_login(members_a[role])
        assert _messages(client.post(url))[-1] == "Vous êtes inscrit·e à la session."
    client.force_login(members_a[Role.ELU])
    response = client.post(url)
    assert _messages(response)[-1] == (
        "La session est complète : vous êtes sur la liste d'attente (position 1). "
        "Une place libérée sera attribuée automatiquement, avec un e-mail de confirmation."
    )
    statuses = sorted(Enrolment.objects.values_list("status", flat=True))
    assert statuses == ["attente", "inscrit", "inscrit"]
    page = client.get(f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/").content.decode()
    assert "Vous êtes sur la liste d'attente." in page
    assert "2 inscrit·es sur 2 places · 1 en liste d'attente" in page


def test_cancelling_frees_the_seat_for_the_first_waiting_with_an_email(
    client, org_a, members_a, django_capture_on_commit_callbacks
):
    session = factories.session(org_a, seats=1)
    first, second, third = (factories.person(org_a) for _ in range(3))
    admin = members_a[Role.ADMIN]
    confirmed = training.do_enrol(session, first, actor=admin)
    training.do_enrol(session, second, actor=admin)
    training.do_enrol(session, third, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = training.do_cancel_enrolment(confirmed, actor=admin)
    assert promoted.person == second
    assert Enrolment.objects.get(person=second).status == EnrolmentStatus.INSCRIT
    assert Enrolment.objects.get(person=third).status == EnrolmentStatus.ATTENTE
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "Une place s'est libérée" in mail.outbox[0].body


def test_more_seats_promote_the_waiting_list(org_a, members_a):
    session = factories.session(org_a, seats=1)
    admin = members_a[Role.ADMIN]
    people = [factories.person(org_a) for _ in range(3)]
    for person in people:
        training.do_enrol(session, person, actor=admin)
    training.do_update_session(session, actor=admin, seats=3)
    assert session.enrolments.filter(status=EnrolmentStatus.INSCRIT).count() == 3


def test_person_of_another_organisation_cannot_be_enrolled(client, org_a, org_b, members_a):
    session = factories.session(org_a, seats=5)
    outsider = factories.person(org_b, first_name="Paul", last_name="Extérieur", share_with_partners=True)
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/inscription/", {"person": outsider.pk}
    )
    assert _messages(response) == [
        "Cette personne n'est pas dans l'annuaire de Organisation A : seules ses personnes "
        "peuvent être inscrites à ses sessions."
    ]  # the outsider is not named (tests/security/test_sharing.py)
    assert not Enrolment.objects.exists()


def test_agent_cannot_enrol_a_colleague(client, org_a, members_a):
    session = factories.session(org_a, seats=5)
    colleague = factories.person(org_a)
    client.force_login(members_a[Role.AGENT])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/sessions/{session.pk}/inscription/", {"person": colleague.pk}
    )
    assert _messages(response) == ["Vous ne pouvez inscrire que vous-même à une session."]
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_refused(org_a, members_a):
    session = factories.session(org_a, seats=5)
    person = factories.person(org_a)
    training.do_enrol(session, person, actor=members_a[Role.ADMIN])
    with pytest.raises(ValidationError, match="est déjà inscrit·e pour cette session"):
        training.do_enrol(session, person, actor=members_a[Role.ADMIN])


def test_session_ending_before_it_starts_is_refused(org_a):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError, match=r"La fin de la session doit être après son début\."):
        factories.session(org_a, starts_at=start, ends_at=start - timedelta(hours=1))


def test_attendance_builds_history_and_qualifies_volunteers_as_reservists(client, org_a, members_a):
    admin = members_a[Role.ADMIN]
    module = factories.module(org_a, title="Devenir réserviste de l'achat", qualifies_reservist=True)
    start = timezone.now() + timedelta(days=1)
    session = training.do_create_session(
        module, actor=admin, starts_at=start, ends_at=start + timedelta(hours=7), place="En ligne", seats=5
    )
    volunteer = factories.person(org_a, volunteer_reservist=True)
    enrolment = training.do_enrol(session, volunteer, actor=admin)
    with pytest.raises(ValidationError, match="La session n'a pas encore commencé"):
        training.do_mark_attendance(enrolment, attended=True, actor=admin)
    session.__class__.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(admin)
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/inscriptions/{enrolment.pk}/presence/", {"attended": "oui"}
    )
    assert "désormais réserviste" in _messages(response)[0]
    volunteer = Person.objects.get(pk=volunteer.pk)
    assert volunteer.is_reservist
    assert [e.session.module.title for e in training_queries.training_history(volunteer)] == [module.title]
    page = client.get(f"/o/{org_a.slug}/annuaire/personnes/{volunteer.pk}/").content.decode()
    assert "Devenir réserviste de l&#x27;achat" in page
    assert "Présent·e" in page


def _past_session(organisation, actor, **module_fields):
    module = factories.module(organisation, **module_fields)
    start = timezone.now() - timedelta(hours=3)
    return training.do_create_session(
        module, actor=actor, starts_at=start, ends_at=start + timedelta(hours=2), place="Rouen", seats=5
    )


def _attend(session, person, actor, attended=True):
    enrolment = Enrolment.objects.create(
        session=session, person=person, status=EnrolmentStatus.INSCRIT, requested_at=session.starts_at
    )
    return training.do_mark_attendance(enrolment, attended=attended, actor=actor)


def test_every_chosen_module_is_needed_and_a_corrected_presence_withdraws_it(client, org_a, members_a):
    admin = members_a[Role.ADMIN]
    posture = _past_session(org_a, admin, title="Posture du réserviste", qualifies_reservist=True)
    method = _past_session(org_a, admin, title="Méthode d'appui", qualifies_reservist=True)
    volunteer = factories.person(org_a, volunteer_reservist=True)
    first = Enrolment.objects.create(
        session=posture, person=volunteer, status=EnrolmentStatus.INSCRIT, requested_at=posture.starts_at
    )
    client.force_login(admin)
    response = client.post(
        f"/o/{org_a.slug}/annuaire/formation/inscriptions/{first.pk}/presence/", {"attended": "oui"}
    )
    assert _messages(response)[-1].endswith("Modules restant à suivre pour la réserve : Méthode d'appui.")
    assert not Person.objects.get(pk=volunteer.pk).is_reservist
    second = _attend(method, volunteer, admin)
    assert Person.objects.get(pk=volunteer.pk).is_reservist
    training.do_mark_attendance(second, attended=False, actor=admin)
    assert not Person.objects.get(pk=volunteer.pk).is_reservist


def test_non_volunteer_is_not_made_a_reservist(org_a, members_a):
    admin = members_a[Role.ADMIN]
    module = factories.module(org_a, qualifies_reservist=True)
    start = timezone.now() - timedelta(hours=3)
    session = training.do_create_session(
        module, actor=admin, starts_at=start, ends_at=start + timedelta(hours=2), place="Rouen", seats=5
    )
    person = factories.person(org_a)
    enrolment = Enrolment.objects.create(
        session=session, person=person, status=EnrolmentStatus.INSCRIT, requested_at=start
    )
    training.do_mark_attendance(enrolment, attended=True, actor=admin)
    assert not Person.objects.get(pk=person.pk).is_reservist
