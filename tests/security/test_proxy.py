"""Behind the reverse proxy of the README: the client address is the person's, not the proxy's, and no one
can lock others out (login throttle, API quota, password reset) or buy a fresh quota with a forged header."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from pilote.api import api
from pilote.core.throttling import AnonymousQuota, client_address
from tests.core.factories import UserFactory


pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"
API_URL = "/api/v1/indicateurs/objectifs?organisation=inconnue"  # cheap: 404, no DECP store


@pytest.fixture
def behind_proxy(settings):
    settings.PILOTE_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    cache.clear()
    yield
    cache.clear()


def via_proxy(forwarded: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def address(**meta) -> str | None:
    return client_address(RequestFactory().get("/", **meta))


def test_forwarded_header_is_ignored_without_trusted_proxies(settings):
    settings.PILOTE_TRUSTED_PROXIES = []
    assert address(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4") == "203.0.113.9"


def test_forwarded_header_is_ignored_from_an_untrusted_peer(behind_proxy):
    assert address(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4") == "203.0.113.9"


def test_right_most_untrusted_address_is_the_client(behind_proxy):
    assert address(**via_proxy("198.51.100.7")) == "198.51.100.7"
    # the client wrote "1.2.3.4" itself; nginx appended the address it saw, then a second trusted hop
    assert address(**via_proxy("1.2.3.4, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    assert address(**via_proxy("2001:db8::1")) == "2001:db8::1"


def test_malformed_or_inside_only_header_falls_back_to_the_proxy(behind_proxy):
    assert address(**via_proxy("pas-une-adresse")) == PROXY
    assert address(**via_proxy("10.0.0.7")) == PROXY


def test_invalid_trusted_proxy_setting_refuses_to_start(settings):
    settings.PILOTE_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(SystemCheckError, match="PILOTE_TRUSTED_PROXIES"):
        call_command("check")


def test_one_client_behind_the_proxy_does_not_lock_out_the_others(client, behind_proxy, settings):
    victim = UserFactory(password="mot-de-passe-solide-42")
    settings.LOGIN_MAX_FAILURES = 5
    for n in range(25):  # more than the per-address limit (4 x 5), with a different account each time
        client.post("/connexion/", {"email": f"inconnu{n}@exemple.fr", "password": "faux"}, **via_proxy("1.2.3.4"))
    attacker = client.post("/connexion/", {"email": "autre@exemple.fr", "password": "faux"}, **via_proxy("1.2.3.4"))
    assert "Trop de tentatives" in attacker.content.decode()
    response = client.post(
        "/connexion/", {"email": victim.email, "password": "mot-de-passe-solide-42"}, **via_proxy("198.51.100.7")
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_login_is_throttled_per_account_whatever_the_address(client, behind_proxy, settings):
    victim = UserFactory(password="mot-de-passe-solide-42")
    settings.LOGIN_MAX_FAILURES = 3
    for n in range(3):
        client.post("/connexion/", {"email": victim.email, "password": "faux"}, **via_proxy(f"198.51.100.{n}"))
    response = client.post(
        "/connexion/", {"email": victim.email, "password": "mot-de-passe-solide-42"}, **via_proxy("198.51.100.99")
    )
    assert "Trop de tentatives" in response.content.decode()


@pytest.fixture
def small_quota(monkeypatch, behind_proxy):
    throttle = next(t for t in api.throttle if isinstance(t, AnonymousQuota))
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(throttle, "timer", lambda: clock["now"])
    monkeypatch.setattr(throttle, "num_requests", 3)
    return clock


def test_api_quota_is_per_real_address_behind_the_proxy(client, small_quota):
    assert [client.get(API_URL, **via_proxy("1.2.3.4")).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert client.get(API_URL, **via_proxy("198.51.100.7")).status_code == 404
    # a forged left part gives no fresh quota: the proxy appended the real address
    assert client.get(API_URL, **via_proxy("9.9.9.9, 1.2.3.4")).status_code == 429


def test_api_quota_window_closes_after_its_period_even_when_refused_calls_go_on(client, small_quota):
    for _ in range(3):
        client.get(API_URL, **via_proxy("1.2.3.4"))
    for _ in range(5):  # refused calls must not extend the window
        small_quota["now"] += 10
        assert client.get(API_URL, **via_proxy("1.2.3.4")).status_code == 429
    small_quota["now"] += 11  # 61 s after the first call
    assert client.get(API_URL, **via_proxy("1.2.3.4")).status_code == 404


def test_the_cached_history_expires_with_the_period_not_the_cache_default(client, small_quota, monkeypatch):
    timeouts = []

    class Recording:
        def get(self, key, default=None):
            return cache.get(key, default)

        def set(self, key, value, timeout):
            timeouts.append(timeout)
            cache.set(key, value, timeout)

    throttle = next(t for t in api.throttle if isinstance(t, AnonymousQuota))
    monkeypatch.setattr(throttle, "cache", Recording())
    client.get(API_URL, **via_proxy("1.2.3.4"))
    assert timeouts == [60]


def test_password_reset_is_limited_per_address(client, behind_proxy):
    statuses = [
        client.post("/mot-de-passe/oublie/", {"email": f"p{n}@exemple.fr"}, **via_proxy("1.2.3.4")).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    refused = client.post("/mot-de-passe/oublie/", {"email": "x@exemple.fr"}, **via_proxy("1.2.3.4"))
    assert "Trop de demandes" in refused.content.decode()
    other = client.post("/mot-de-passe/oublie/", {"email": "x@exemple.fr"}, **via_proxy("198.51.100.7"))
    assert other.status_code == 302


def test_password_reset_sends_few_mails_per_account(client, behind_proxy):
    user = UserFactory()
    for n in range(6):
        response = client.post("/mot-de-passe/oublie/", {"email": user.email.upper()}, **via_proxy(f"198.51.100.{n}"))
        assert response.status_code == 302  # the page answers as usual: nothing tells the limit from an account
    assert len(mail.outbox) == 3
