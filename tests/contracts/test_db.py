"""The read layer's database: each query timed into the log, a pathological one interrupted at the time limit."""

import logging
from pathlib import Path

import pytest

from pilote.contracts import db


@pytest.mark.django_db
def test_a_query_past_the_time_limit_is_interrupted_with_a_french_message(real_store):
    endless = "SELECT count(*) FROM range(100000000000) a"  # ~forever
    with pytest.raises(db.QueryInterrupted, match=r"temps maximal de 0\.2 s"):
        db.fetch_all(endless, time_limit_s=0.2)
    # the database stays usable
    assert db.fetch_one("SELECT count(*) AS n FROM contrats")["n"] > 10_000


@pytest.mark.django_db
def test_each_query_is_logged_with_its_duration(real_store, caplog):
    with caplog.at_level(logging.DEBUG, logger="pilote.contracts.sql"):
        db.fetch_all("SELECT count(*) AS n FROM contrats WHERE acheteur_id = ?", ["75920075100130"])
    record = next(r for r in caplog.records if r.name == "pilote.contracts.sql")
    assert record.duree_ms >= 0
    assert record.lignes == 1


def test_no_store_says_so(settings):
    db.database.reset()
    with pytest.raises(db.StoreMissing, match="Aucune donnée DECP"):
        db.fetch_all("SELECT 1")


@pytest.mark.django_db
def test_an_interrupted_query_answers_a_french_page_and_a_503(real_store, client, org_a, members_a, monkeypatch):
    from pilote.core.enums import Role

    def too_long(*args, **kwargs):
        raise db.QueryInterrupted(
            "Le calcul a dépassé le temps maximal de 30 s et a été interrompu : restreignez les filtres."
        )

    monkeypatch.setattr(db.database, "fetch_all", too_long)
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/cockpit/", {"perimetre": "national", "annee": "2019"})
    assert page.status_code == 503
    assert "restreignez les filtres" in page.content.decode()
    api = client.get("/api/v1/indicateurs", {"perimetre": "national", "annee": "2018"})
    assert api.status_code == 503
    assert "temps maximal" in api.json()["detail"]


@pytest.mark.django_db
def test_duckdb_memory_is_bounded_and_spills_into_the_data_directory(real_store, settings):
    """Without a bound DuckDB keeps in each web worker every block of the prepared file it ever read (its default
    limit is 80 % of the machine's memory)."""
    settings.PILOTE_DUCKDB_MEMORY_LIMIT = "200MB"
    db.database.reset()
    try:
        row = db.fetch_one("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t")
    finally:
        db.database.reset()
    assert row["m"] == "190.7 MiB"  # DuckDB's spelling of 200 MB
    assert row["t"].startswith(str(Path(settings.PILOTE_DATA_DIR) / "tmp" / "duckdb"))
