"""/healthz runs the readiness checks apps register in pilote.core.health (decp registers the analytics store)."""

import json

import pytest

from pilote.core import health


pytestmark = pytest.mark.django_db


def test_decp_registers_the_store_check(client):
    assert "analytics" in health.registered_checks()
    body = json.loads(client.get("/healthz").content)
    assert body["analytics"] == {"status": "vide", "detail": "aucune donnée importée"}


def test_a_corrupt_manifest_makes_the_probe_not_ready(client, settings):
    generation = settings.PILOTE_DATA_DIR / "decp" / "generations" / "g1"
    generation.mkdir(parents=True)
    (generation / "manifest.json").write_text("{pas du json", encoding="utf-8")
    (settings.PILOTE_DATA_DIR / "decp" / "CURRENT").write_text("g1", encoding="utf-8")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["analytics"] == {"status": "erreur", "detail": "JSONDecodeError"}


def test_a_registered_check_is_reported_and_can_fail_the_probe(client, monkeypatch):
    monkeypatch.setattr(health, "_CHECKS", dict(health._CHECKS))
    health.register_check("essai", lambda: {"status": "erreur", "detail": "file pleine"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["essai"] == {"status": "erreur", "detail": "file pleine"}


def test_an_unexpected_failure_of_a_check_is_not_hidden(client, monkeypatch):
    def broken():
        raise RuntimeError("bogue")

    monkeypatch.setattr(health, "_CHECKS", {"essai": broken})
    with pytest.raises(RuntimeError, match="bogue"):
        client.get("/healthz")


def test_a_name_is_registered_once(monkeypatch):
    monkeypatch.setattr(health, "_CHECKS", {})
    health.register_check("essai", dict)
    health.register_check("essai", dict)  # the same check again (ready() run twice) is harmless
    with pytest.raises(ValueError, match="already registered"):
        health.register_check("essai", list)
