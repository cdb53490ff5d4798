"""The reserve: a request with dates in the wrong order is refused; matching reservists (skills, segment,
availability, not already on a mission) are suggested; the request is accepted, followed and closed."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from pilote.annuaire.models import ReservistRequest
from pilote.annuaire.reserve import queries as reserve_queries
from pilote.annuaire.reserve.models import RequestStatus
from pilote.core.enums import Role
from tests.annuaire import factories


pytestmark = pytest.mark.django_db


def test_request_with_end_before_start_is_refused(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/reserve/demandes/nouvelle/",
        {"subject": "Renfort", "starts_on": "2027-03-10", "ends_on": "2027-03-01", "skills_text": "sourçage"},
    )
    assert response.status_code == 200
    assert "La date de fin doit être postérieure ou égale à la date de début." in response.content.decode()
    assert not ReservistRequest.objects.exists()


def test_request_starting_in_the_past_is_refused(org_a):
    from django.core.exceptions import ValidationError

    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="La date de début est déjà passée"):
        factories.reservist_request(org_a, starts_on=yesterday)
    assert not ReservistRequest.objects.exists()


def test_matching_ranks_skills_then_segment_and_skips_unavailable(org_a, org_b):
    restauration = factories.segment("restauration-collective")
    today = timezone.localdate()
    best = factories.reservist(org_a, skills_text="Restauration, Egalim", segments=[restauration])
    partner = factories.reservist(org_b, skills_text="egalim", share_with_partners=True)
    factories.reservist(org_b, skills_text="Egalim")  # not shared with partners
    factories.reservist(org_a, skills_text="Egalim", available_until=today + timedelta(days=3))  # leaves too early
    factories.person(org_a, skills_text="Egalim", volunteer_reservist=True)  # not trained yet
    factories.reservist(org_a, skills_text="Informatique")  # unrelated
    request = factories.reservist_request(
        org_a, skills_text="Egalim, restauration", segment=restauration, ends_on=today + timedelta(days=20)
    )
    suggestions = reserve_queries.suggest_reservists(request)
    assert [s["person"] for s in suggestions] == [best, partner]
    assert suggestions[0]["reasons"][0] == "compétences : Egalim, Restauration"


def test_request_is_accepted_followed_and_closed(client, org_a, members_a, django_capture_on_commit_callbacks):
    reservist = factories.reservist(org_a, first_name="Inès", last_name="Réserve", skills_text="Sourçage")
    request = factories.reservist_request(org_a, skills_text="sourcage")
    client.force_login(members_a[Role.APPUI])
    base = f"/o/{org_a.slug}/annuaire/reserve/demandes/{request.pk}/"
    assert "Inès Réserve" in client.get(base).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(base + "accepter/", {"person": reservist.pk})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTEE
    assert request.reservist == reservist
    assert mail.outbox[0].to == [reservist.email]
    client.post(base + "suivi/", {"text": "Première réunion avec le service restauration."})
    refused = client.post(base + "clore/", {"feedback": "  "})
    assert [str(m) for m in get_messages(refused.wsgi_request)][
        -1
    ] == "Le bilan est obligatoire pour clore la demande."
    client.post(base + "clore/", {"feedback": "Cahier des charges rédigé, 4 offres reçues."})
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSE
    page = client.get(base).content.decode()
    assert "Première réunion avec le service restauration." in page
    assert "Cahier des charges rédigé, 4 offres reçues." in page


def test_reservist_on_a_mission_is_not_suggested_for_overlapping_dates(org_a, members_a):
    reservist = factories.reservist(org_a, skills_text="Sourçage")
    first = factories.reservist_request(org_a, skills_text="sourçage")
    from pilote.annuaire.reserve.services import do_accept_request

    do_accept_request(first, reservist=reservist, actor=members_a[Role.APPUI])
    second = factories.reservist_request(org_a, skills_text="sourçage")
    assert reserve_queries.suggest_reservists(second) == []


def test_cannot_accept_someone_who_is_not_a_candidate(client, org_a, members_a):
    not_reservist = factories.person(org_a, skills_text="Sourçage")
    request = factories.reservist_request(org_a, skills_text="sourçage")
    client.force_login(members_a[Role.ADMIN])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/reserve/demandes/{request.pk}/accepter/", {"person": not_reservist.pk}
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"{not_reservist} n'est pas un·e réserviste disponible pour cette demande."]
    request.refresh_from_db()
    assert request.status == RequestStatus.OUVERTE
