"""Registration of preparers and after-publish functions (pilote.decp.hooks), and their failure reporting."""

import pytest

from pilote.decp import hooks
from pilote.decp.errors import ImportFailed


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(hooks, "_PREPARERS", {})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    return hooks


def test_preparers_run_in_order_on_the_directory_and_stop_at_the_first_failure(registry, tmp_path):
    calls = []
    registry.register_preparer("cockpit", lambda d: calls.append(("cockpit", d)))

    def broken(generation_dir):
        raise ValueError("colonne manquante")

    registry.register_preparer("recherche", broken)
    registry.register_preparer("après", lambda d: calls.append(("après", d)))
    assert registry.preparer_names() == ["cockpit", "recherche", "après"]
    with pytest.raises(hooks.PreparationFailed) as failure:
        registry.run_preparers(str(tmp_path))
    assert calls == [("cockpit", tmp_path)]  # a Path, even when given a string; "après" never ran
    assert isinstance(failure.value, ImportFailed)
    assert failure.value.preparer == "recherche"
    assert failure.value.french() == "La préparation « recherche » a échoué : colonne manquante"
    assert isinstance(failure.value.__cause__, ValueError)


def test_registering_a_preparer_again_replaces_it(registry, tmp_path):
    calls = []
    registry.register_preparer("cockpit", lambda d: calls.append(1))
    registry.register_preparer("cockpit", lambda d: calls.append(2))
    registry.run_preparers(tmp_path)
    assert calls == [2]


def test_after_publish_failures_are_returned_and_the_others_still_run(registry):
    calls = []

    def warm():
        raise RuntimeError("cache plein")

    registry.register_after_publish(warm)
    registry.register_after_publish(warm)  # registered once
    registry.register_after_publish(lambda: calls.append("suivant"))
    problems = registry.run_after_publish({"statut": "ok"})
    assert problems == [
        "Préparation après publication « test_after_publish_failures_are_returned_and_the_others_still_run."
        "<locals>.warm » en échec : cache plein"
    ]
    assert calls == ["suivant"]
    assert registry.run_after_publish({"statut": "deja_importe"}) == []
    assert calls == ["suivant"]
