"""Personal API tokens: created from the account page and shown once, stored hashed, read-only, revocable,
each with its own quota, and documented in the OpenAPI schema."""

import hashlib

import pytest
from django.core.cache import cache

from pilote.api import api
from pilote.core.api_tokens import ApiToken, do_create_api_token, do_revoke_api_token
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.core.throttling import TokenQuota
from tests.core.factories import UserFactory


pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/contrats"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def agent(members_a):
    return members_a[Role.AGENT]


def test_the_account_page_creates_a_token_shown_once_and_stored_hashed(client, agent):
    client.force_login(agent)
    response = client.post("/compte/jetons/", {"name": "tableau DSI"})
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get(user=agent)
    secret = html.split("<code data-jeton>")[1].split("</code>")[0]
    assert secret.startswith("plt_")
    assert len(secret) > 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.key_hash, token.hint, token.name}
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get("/compte/jetons/").content.decode()  # never shown again
    assert AuditEvent.objects.filter(verb="jeton.cree", actor=agent).exists()


def test_a_token_reads_the_contracts_api_without_a_session(client, agent, store):
    _token, secret = do_create_api_token(agent, name="script", actor=agent)
    assert client.get(SEARCH, {"q": "voirie"}).status_code == 401
    response = client.get(SEARCH, {"q": "restaurations scolaires"}, **bearer(secret))
    assert response.status_code == 200
    assert response.json()["total"] >= 1
    assert client.get(SEARCH, {"q": "voirie"}, **bearer(secret + "x")).status_code == 401
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_is_read_only(client, agent):
    _token, secret = do_create_api_token(agent, name="script", actor=agent)
    assert client.post(SEARCH, {}, **bearer(secret)).status_code in (401, 405)
    for method in (client.put, client.delete, client.patch):
        assert method(SEARCH, **bearer(secret)).status_code in (401, 405)


def test_a_revoked_token_or_an_inactive_person_has_no_access(client, agent, store):
    token, secret = do_create_api_token(agent, name="script", actor=agent)
    do_revoke_api_token(token, actor=agent)
    assert client.get(SEARCH, {"q": "voirie"}, **bearer(secret)).status_code == 401
    _other, secret2 = do_create_api_token(agent, name="autre", actor=agent)
    agent.is_active = False
    agent.save()
    assert client.get(SEARCH, {"q": "voirie"}, **bearer(secret2)).status_code == 401


def test_revocation_asks_for_confirmation_and_only_the_owner_can(client, agent):
    token, _secret = do_create_api_token(agent, name="script", actor=agent)
    intruder = UserFactory()
    client.force_login(intruder)
    assert client.get(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404
    assert client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404
    client.force_login(agent)
    confirm = client.get(f"/compte/jetons/{token.pk}/revoquer/")
    assert "définitivement" in confirm.content.decode()
    token.refresh_from_db()
    assert token.active
    assert client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 302
    token.refresh_from_db()
    assert not token.active
    assert AuditEvent.objects.filter(verb="jeton.revoque").exists()


def test_a_token_needs_a_name_and_a_person_has_few(client, agent):
    client.force_login(agent)
    assert "Ce champ est obligatoire" in client.post("/compte/jetons/", {"name": ""}).content.decode()
    for n in range(10):
        do_create_api_token(agent, name=f"jeton {n}", actor=agent)
    assert "révoquez-en un" in client.post("/compte/jetons/", {"name": "un de trop"}).content.decode()
    assert ApiToken.objects.filter(user=agent).count() == 10


def test_each_token_has_its_own_quota(client, agent, store, monkeypatch):
    cache.clear()
    quota = next(t for t in api.throttle if isinstance(t, TokenQuota))
    monkeypatch.setattr(quota, "num_requests", 2)
    _a, first = do_create_api_token(agent, name="premier", actor=agent)
    _b, second = do_create_api_token(agent, name="second", actor=agent)
    statuses = [client.get(SEARCH, {"q": "voirie"}, **bearer(first)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(SEARCH, {"q": "voirie"}, **bearer(second)).status_code == 200
    cache.clear()


def test_the_openapi_schema_documents_the_token(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["PersonalToken"]["type"] == "http"
    assert schemes["PersonalToken"]["scheme"] == "bearer"
    assert "Jetons d'API" in schemes["PersonalToken"]["description"]
    operation = schema["paths"]["/api/v1/contrats"]["get"]
    assert {"PersonalToken": []} in operation["security"]


def test_a_token_reads_the_members_only_indicators_and_a_wrong_one_is_refused(client, agent, org_a):
    _token, secret = do_create_api_token(agent, name="script", actor=agent)
    url = f"/api/v1/indicateurs/objectifs?organisation={org_a.slug}"
    assert client.get(url).status_code == 401  # members only
    assert client.get(url, **bearer(secret)).status_code == 200
    assert client.get(url, **bearer("plt_faux")).status_code == 401
    assert client.get("/api/v1/indicateurs", **bearer("plt_faux")).status_code == 401


def test_token_calls_do_not_use_the_anonymous_quota(client, agent, store, monkeypatch):
    cache.clear()
    anonymous = next(t for t in api.throttle if t.scope == "anon")
    monkeypatch.setattr(anonymous, "num_requests", 1)
    _token, secret = do_create_api_token(agent, name="script", actor=agent)
    statuses = [client.get(SEARCH, {"q": "voirie"}, **bearer(secret)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    cache.clear()
