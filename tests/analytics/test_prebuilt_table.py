"""The cockpit table written after an import gives the same figures as the one computed on the fly, so web
processes load it instead of recomputing it on their first cockpit request."""

from pathlib import Path

import pytest
from django.core.cache import cache

from pilote.analytics import cockpit, duck, queries
from pilote.analytics.apps import build_cockpit_table
from pilote.analytics.filters import parse_filters
from pilote.decp import hooks, store
from pilote.decp.importer import run_import


SAMPLE = Path(__file__).parent / "data" / "decp-59920013600241-2024-07-09-01.json"


def fresh_process(monkeypatch):
    """What a newly started web process sees: no DuckDB database yet, no cached figures."""
    monkeypatch.setattr(duck, "_state", {"key": None, "con": None})
    cache.clear()


def figures():
    filters, _ = parse_filters({"perimetre": "acheteur", "acheteur": "59920013600241"})
    return {code: (v.valeur, v.couverture) for code, v in cockpit.overview(filters)["values"].items()}


def test_cockpit_registers_its_table_build():
    assert build_cockpit_table in hooks._AFTER_IMPORT


@pytest.mark.django_db
def test_prebuilt_table_gives_the_same_figures(settings, monkeypatch):
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR)
    prebuilt = store.current_generation_dir() / queries.PREBUILT_FILE
    fresh_process(monkeypatch)
    computed = figures()
    assert not prebuilt.exists()

    build_cockpit_table()
    assert prebuilt.exists()
    assert not prebuilt.with_name(prebuilt.name + ".tmp").exists()
    fresh_process(monkeypatch)
    assert queries.cockpit_tables(store.current_generation_dir())[0][1].startswith("SELECT * FROM read_parquet(")
    assert figures() == computed
    assert computed["nb_contrats"][0] == 5
