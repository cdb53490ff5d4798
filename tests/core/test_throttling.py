"""The API's anonymous quota (django-ninja's throttling, per real address): the window closes after its
period, members are not counted, a forged X-Forwarded-For does not give a fresh quota."""

import pytest
from django.core.cache import cache

from pilote.api import api
from pilote.core.throttling import API_ANONYMOUS_RATE, AnonymousQuota
from tests.core.factories import UserFactory


pytestmark = pytest.mark.django_db
URL = "/api/v1/indicateurs/objectifs?organisation=inconnue"  # cheap: 404 (unknown organisation), no DECP store


@pytest.fixture
def quota(monkeypatch):
    cache.clear()
    throttle = next(t for t in api.throttle if isinstance(t, AnonymousQuota))
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(throttle, "timer", lambda: clock["now"])
    monkeypatch.setattr(throttle, "num_requests", 3)
    yield throttle, clock
    cache.clear()


def test_the_quota_is_sixty_calls_a_minute():
    throttle = AnonymousQuota()
    assert API_ANONYMOUS_RATE == "60/min"
    assert (throttle.num_requests, throttle.duration) == (60, 60)


def test_the_window_closes_after_its_period(client, quota):
    _throttle, clock = quota
    assert [client.get(URL).status_code for _ in range(3)] == [404, 404, 404]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert "Trop de requêtes" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    clock["now"] += 30
    assert client.get(URL).status_code == 429  # still inside the minute
    clock["now"] += 31
    assert client.get(URL).status_code == 404  # served again: no day-long lock


def test_quota_is_per_address_and_ignores_forwarded_header(client, quota):
    for _ in range(3):
        client.get(URL, REMOTE_ADDR="10.0.0.1")
    assert client.get(URL, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 404


def test_members_are_not_counted(client, quota):
    client.force_login(UserFactory())
    assert all(client.get(URL).status_code != 429 for _ in range(6))
