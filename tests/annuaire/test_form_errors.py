"""A create page re-rendered on refusal shows the service's refusal beside its field (the reserve's request: only
the service checks that the start is not past)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pilote.annuaire.models import ReservistRequest
from pilote.core.enums import Role


pytestmark = pytest.mark.django_db


def test_a_request_starting_in_the_past_is_refused_beside_the_start_date(client, org_a, members_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/reserve/demandes/nouvelle/",
        {"subject": "Renfort", "starts_on": yesterday.isoformat(), "ends_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "starts_on": ["La date de début est déjà passée : choisissez aujourd'hui ou plus tard."]
    }
    assert not ReservistRequest.objects.exists()
