"""The census keeps its writes and its reads apart: services.py holds the `do_*` writes, queries.py the reads."""

import inspect

from pilote.recensement import queries, services


def _public_functions(module):
    return sorted(
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    )


def test_services_hold_only_writes():
    # The staged-upload helpers (files, not records) are in pilote.recensement.staging.
    others = [name for name in _public_functions(services) if not name.startswith("do_")]
    assert others == []


def test_queries_hold_the_reads_and_write_nothing():
    assert _public_functions(queries) == ["existing_keys", "fiche_fields", "suggest_cpv"]
    source = inspect.getsource(queries)
    for write in (".save(", ".create(", ".delete(", ".update(", "record_event"):
        assert write not in source


def test_cpv_suggestion_without_imported_contracts_comes_from_the_labels():
    found = queries.suggest_cpv("restauration scolaire", 3)
    assert found
    assert all(len(item["code"]) == 8 for item in found)
    assert queries.suggest_cpv("   ") == []
