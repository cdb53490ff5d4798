"""Two overlapping requests at the same time on PostgreSQL: the resource's row lock lets only one through."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from pilote.communs import services
from pilote.communs.models import Booking
from tests.communs import helpers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_overlapping_requests(org_a):
    actor = helpers.manager(org_a)
    initiative = helpers.initiative(org_a, actor)
    helpers.grant(initiative, actor, 100)
    room = helpers.room(org_a, actor)
    start, end = helpers.slot(hours=2)
    barrier, outcomes = threading.Barrier(4), []

    def request():
        try:
            barrier.wait()
            services.do_request_booking(room, initiative, starts_at=start, ends_at=end, purpose="x", actor=actor)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refusée")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refusée", "refusée", "refusée"]
    assert Booking.objects.count() == 1
