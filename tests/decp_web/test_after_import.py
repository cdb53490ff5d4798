"""Preparations of a generation (the cockpit file, the search index) run in the import, inside the generation,
before it is published; after-publish work (cache warming) cannot undo the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.contracts.prepared import write_prepared_file
from pilote.contracts.search.segments import prepare_index
from pilote.core.enums import Role
from pilote.decp import hooks, store
from pilote.decp.models import ImportRun
from tests.decp_web.conftest import REAL_2022


def import_file(client, org, capture):
    with capture(execute=True):
        client.post(f"/o/{org.slug}/donnees/", {"fichier": SimpleUploadedFile("megalis.json", REAL_2022.read_bytes())})
    return ImportRun.objects.latest("created_at")


def test_the_read_layer_registers_its_preparations():
    assert hooks._PREPARERS["index de recherche"] is prepare_index
    assert hooks._PREPARERS["tables du cockpit"] is write_prepared_file


@pytest.mark.django_db
def test_search_index_is_ready_when_the_import_finishes(client, org_a, members_a, django_capture_on_commit_callbacks):
    from pilote.contracts.search import index

    client.force_login(members_a[Role.APPUI])
    run = import_file(client, org_a, django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.SUCCEEDED
    generation = store.current_generation_dir()
    assert index.is_complete(generation)
    assert (generation / "prepare-8.duckdb").exists()


@pytest.mark.django_db
def test_a_failing_preparation_is_reported_but_the_import_stands(
    client, org_a, members_a, django_capture_on_commit_callbacks, monkeypatch
):
    def broken():
        raise RuntimeError("disque plein")

    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [broken])
    client.force_login(members_a[Role.APPUI])
    run = import_file(client, org_a, django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert "disque plein" in run.message
    assert store.current_generation_dir() is not None


def test_hooks_do_not_run_when_nothing_changed(monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [lambda: calls.append(1)])
    hooks.run_after_publish({"statut": "deja_importe"})
    assert calls == []
    hooks.run_after_publish({"statut": "ok"})
    assert calls == [1]
