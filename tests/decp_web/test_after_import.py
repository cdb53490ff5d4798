"""Preparations after an import (the explorer's search index) run in the import, not on the first search."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core.enums import Role
from pilote.decp import hooks, store
from pilote.decp.models import ImportRun
from pilote.explorer.apps import build_search_index
from tests.decp_web.conftest import REAL_2022


def import_file(client, org, capture):
    with capture(execute=True):
        client.post(f"/o/{org.slug}/donnees/", {"fichier": SimpleUploadedFile("megalis.json", REAL_2022.read_bytes())})
    return ImportRun.objects.latest("created_at")


def test_explorer_registers_its_index_build():
    assert build_search_index in hooks._AFTER_IMPORT


@pytest.mark.django_db
def test_search_index_is_ready_when_the_import_finishes(client, org_a, members_a, django_capture_on_commit_callbacks):
    from pilote.contracts.search import index

    client.force_login(members_a[Role.APPUI])
    run = import_file(client, org_a, django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.SUCCEEDED
    generation = store.current_generation_dir()
    built = index._cache_dir(None, generation.name)
    assert index._complete(built)


@pytest.mark.django_db
def test_a_failing_preparation_is_reported_but_the_import_stands(
    client, org_a, members_a, django_capture_on_commit_callbacks, monkeypatch
):
    def broken():
        raise RuntimeError("disque plein")

    monkeypatch.setattr(hooks, "_AFTER_IMPORT", [broken])
    client.force_login(members_a[Role.APPUI])
    run = import_file(client, org_a, django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert "disque plein" in run.message
    assert store.current_generation_dir() is not None


def test_hooks_do_not_run_when_nothing_changed(monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "_AFTER_IMPORT", [lambda: calls.append(1)])
    hooks.run_after_import({"statut": "deja_importe"})
    assert calls == []
    hooks.run_after_import({"statut": "ok"})
    assert calls == [1]
