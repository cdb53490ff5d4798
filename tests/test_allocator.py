"""The importing commands return the pages Polars frees at once (config/allocator.py): the import's peak."""

from config.allocator import RETURN_FREED_PAGES, tune_for


def test_an_import_command_returns_freed_pages():
    for argv in (["manage.py", "decp", "import", "f.json"], ["manage.py", "worker", "--queue-name", "*"]):
        environ = {}
        tune_for(argv, environ)
        assert environ == {"_RJEM_MALLOC_CONF": RETURN_FREED_PAGES}


def test_other_commands_and_an_operators_setting_are_left_alone():
    environ = {}
    tune_for(["manage.py", "runserver"], environ)
    tune_for(["manage.py"], environ)
    assert environ == {}
    environ = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:1000"}
    tune_for(["manage.py", "decp", "import"], environ)
    assert environ == {"_RJEM_MALLOC_CONF": "dirty_decay_ms:1000"}


def test_manage_py_sets_it_before_django_is_loaded():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "manage.py").read_text()
    assert source.index("tune_for(sys.argv)") < source.index("from django")
