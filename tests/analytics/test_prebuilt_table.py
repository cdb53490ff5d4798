"""The cockpit table written after an import gives the same figures as the one computed on the fly, so web
processes load it instead of recomputing it on their first cockpit request."""

from pathlib import Path

import pytest
from django.core.cache import cache

from pilote.analytics import cockpit
from pilote.contracts import db as duck, figures, prepared_update, table as cockpit_table
from pilote.contracts.filters import parse_filters
from pilote.contracts.prepared import write_prepared_file
from pilote.decp import hooks, store
from pilote.decp.importer import run_import


SAMPLE = Path(__file__).parent / "data" / "decp-59920013600241-2024-07-09-01.json"


def fresh_process(monkeypatch):
    """What a newly started web process sees: no DuckDB database yet, no cached figures."""
    duck.database.reset()
    cache.clear()


def served_figures():
    filters, _ = parse_filters({"perimetre": "acheteur", "acheteur": "59920013600241"})
    values = {code: (v.valeur, v.couverture) for code, v in figures.overview(filters)["values"].items()}
    rows, total = figures.contracts(filters, "tous")
    listed = sorted((r["contrat_uid"], r["id"], r["objet"], r["acheteur_nom"]) for r in rows)
    return {**values, "liste": (total, listed)}


def test_the_cockpit_file_is_a_preparation_of_each_generation():
    assert hooks._PREPARERS["tables du cockpit"] is write_prepared_file


@pytest.mark.django_db
def test_prebuilt_table_gives_the_same_figures(settings, monkeypatch):
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    prebuilt = store.current_generation_dir() / duck.PREPARED_DB
    fresh_process(monkeypatch)
    computed = served_figures()
    assert not prebuilt.exists()

    write_prepared_file(store.current_generation_dir())
    assert prebuilt.exists()
    assert not prebuilt.with_name(prebuilt.name + ".tmp").exists()
    fresh_process(monkeypatch)
    assert duck.has_relation(cockpit_table.COCKPIT_TABLE)  # attached from the prepared file, not computed
    assert served_figures() == computed
    assert duck.has_relation(prepared_update.META)
    assert computed["nb_contrats"][0] == 5


@pytest.mark.django_db
def test_views_prepared_after_import_are_served_without_duckdb(settings, monkeypatch, org_a):
    """After an import, the national overview and each organisation's default view are already computed (the
    latter by the task the import enqueued: run at once here)."""
    from pilote.analytics.warm import warm_cockpit

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    org_a.buyer_entities.create(siret="59920013600241")
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    fresh_process(monkeypatch)
    write_prepared_file(store.current_generation_dir())
    warm_cockpit()

    def no_query(*args, **kwargs):
        raise AssertionError("requête DuckDB alors que la vue a été préparée après l'import")

    monkeypatch.setattr(duck, "fetch_all", no_query)
    national = cockpit.build(parse_filters({"perimetre": "national"})[0], None, with_peers=False)
    assert national["overview"]["values"]["nb_contrats"].valeur == 5
    mine = cockpit.build(parse_filters({}, org_a)[0], org_a)
    assert mine["overview"]["values"]["nb_contrats"].valeur == 5
    assert mine["pairs"]["table"]
    # any other view is computed on demand
    with pytest.raises(AssertionError, match="préparée"):
        cockpit.build(parse_filters({"perimetre": "national", "nature": "Marché"})[0], None, with_peers=False)


@pytest.mark.django_db
def test_the_import_does_not_wait_for_the_organisations_views(settings, monkeypatch, org_a):
    """warm_cockpit (after publication, in the import) computes the national views and enqueues the
    organisations' ones: a task of the worker, whose time grows with the organisations (1.3-1.7 s each at 1.6 M)."""
    from django_tasks_db.models import DBTaskResult

    from pilote.analytics.warm import warm_cockpit, warm_organisations_task

    org_a.buyer_entities.create(siret="59920013600241")
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    fresh_process(monkeypatch)
    write_prepared_file(store.current_generation_dir())
    warm_cockpit()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "pilote.analytics.warm.warm_organisations_task"
    computed, fetch_all = [], duck.fetch_all
    monkeypatch.setattr(
        duck, "fetch_all", lambda sql, params=None, **kw: computed.append(sql) or fetch_all(sql, params)
    )
    mine = cockpit.build(parse_filters({}, org_a)[0], org_a)
    assert computed  # not prepared by the import itself
    cache.clear()
    warm_cockpit()  # national views again: cached
    warm_organisations_task.call()  # what the worker runs
    computed.clear()
    assert cockpit.build(parse_filters({}, org_a)[0], org_a)["overview"] == mine["overview"]
    assert computed == []


@pytest.mark.django_db
def test_an_unreadable_prepared_file_falls_back_to_computing(settings, monkeypatch):
    """A prepared file this DuckDB cannot read (another version, damaged) is ignored: same figures."""
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    fresh_process(monkeypatch)
    computed = served_figures()
    (store.current_generation_dir() / duck.PREPARED_DB).write_bytes(b"pas une base DuckDB" * 100)
    fresh_process(monkeypatch)
    assert served_figures() == computed
    assert not duck.has_relation(prepared_update.META)


@pytest.mark.django_db
def test_a_process_that_opened_the_generation_early_attaches_the_file_when_it_appears(settings, monkeypatch):
    """A web request served between the swap of CURRENT and the end of the after-import hook must not leave
    its process computing in memory for the whole generation."""
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    fresh_process(monkeypatch)
    computed = served_figures()
    assert not duck.has_relation(prepared_update.META)
    early = duck.database.snapshot()
    write_prepared_file(store.current_generation_dir())  # another process (the worker) writes the file
    duck.database.restore(early)  # this web process still holds its connection from before
    cache.clear()
    assert served_figures() == computed
    assert duck.has_relation(prepared_update.META)
