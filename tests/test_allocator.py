"""The importing commands return the pages Polars frees at once (config/allocator.py): the import's peak."""

from pathlib import Path

from config.allocator import RETURN_FREED_PAGES, tune_for


def test_an_import_command_returns_freed_pages():
    for argv in (["manage.py", "decp", "import", "f.json"], ["manage.py", "worker", "--queue-name", "*"]):
        environ = {}
        tune_for(argv, environ)
        assert environ == {"_RJEM_MALLOC_CONF": RETURN_FREED_PAGES}


def test_it_wins_over_the_defaults_a_parent_that_loaded_polars_passes_on():
    # Polars writes its own defaults into the variable when imported; jemalloc takes the last value of an option
    environ = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:500,muzzy_decay_ms:1000"}
    tune_for(["manage.py", "decp", "import"], environ)
    assert environ["_RJEM_MALLOC_CONF"].endswith("," + RETURN_FREED_PAGES)


def test_other_commands_are_left_alone_and_an_operator_may_replace_or_drop_it():
    environ = {}
    tune_for(["manage.py", "runserver"], environ)
    tune_for(["manage.py"], environ)
    assert environ == {}
    environ = {"PILOTE_IMPORT_MALLOC_CONF": "dirty_decay_ms:250"}
    tune_for(["manage.py", "decp", "import"], environ)
    assert environ["_RJEM_MALLOC_CONF"] == "dirty_decay_ms:250"
    environ = {"PILOTE_IMPORT_MALLOC_CONF": ""}
    tune_for(["manage.py", "decp", "import"], environ)
    assert "_RJEM_MALLOC_CONF" not in environ


def test_manage_py_sets_it_before_django_is_loaded():
    source = (Path(__file__).resolve().parents[1] / "manage.py").read_text()
    assert source.index("tune_for(sys.argv)") < source.index("from django")
