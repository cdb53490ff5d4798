"""Registration of preparers and after-publish functions (pilote.decp.hooks), and their failure reporting."""

import threading

import pytest

from pilote.decp import hooks, store
from pilote.decp.errors import ImportFailed
from pilote.decp.steps import prepare as prepare_step


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(hooks, "_PREPARERS", {})
    monkeypatch.setattr(hooks, "_AHEAD", {})
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


def test_preparers_run_side_by_side_and_the_first_failure_is_raised_once_all_ended(registry, tmp_path):
    both = threading.Barrier(2, timeout=10)  # the first two wait for each other: one after the other times out
    ended = []

    def preparer(name, *, waits, fails):
        def run(generation_dir):
            if waits:
                both.wait()
            ended.append(name)
            if fails:
                raise ValueError(f"{name} en panne")

        return run

    registry.register_preparer("cockpit", preparer("cockpit", waits=True, fails=False))
    registry.register_preparer("recherche", preparer("recherche", waits=True, fails=True))
    registry.register_preparer("catégories", preparer("catégories", waits=False, fails=True))
    with pytest.raises(hooks.PreparationFailed) as failure:
        registry.run_preparers(tmp_path, workers=2)
    assert sorted(ended) == ["catégories", "cockpit", "recherche"]  # every one ran to its end
    assert failure.value.preparer == "recherche"  # the first failure in registration order


def test_an_import_on_a_published_generation_prepares_side_by_side(registry, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "run_preparers", lambda d, workers=1, ahead=None: seen.append(workers))
    monkeypatch.setattr(store, "changes", lambda d: None)
    prepare_step.prepare(tmp_path)
    monkeypatch.setattr(store, "changes", lambda d: object())
    prepare_step.prepare(tmp_path)
    assert seen == [1, prepare_step.SIDE_BY_SIDE]


def test_a_preparer_gets_its_work_ahead_which_runs_beside_the_caller(registry, tmp_path, caplog):
    base, scratch, generation = tmp_path / "base", tmp_path / "avance", tmp_path / "nouvelle"
    started, reading = threading.Event(), threading.Event()
    got = {}

    def copy(base_dir, scratch_dir):
        started.set()
        if not reading.wait(timeout=10):  # the import's reading goes on meanwhile: one after the other, it times out
            raise RuntimeError("pas en parallèle")
        (scratch_dir / "copie").write_text(base_dir.name)
        return scratch_dir / "copie"

    def fails(base_dir, scratch_dir):
        raise OSError("disque plein")

    registry.register_preparer("cockpit", lambda d, ahead: got.update(cockpit=ahead), ahead=copy)
    registry.register_preparer("recherche", lambda d: got.update(recherche=d))
    registry.register_preparer("catégories", lambda d, ahead: got.update(categories=ahead), ahead=fails)
    ahead = registry.Ahead(base, scratch)
    assert started.wait(timeout=10)
    reading.set()
    registry.run_preparers(generation, ahead=ahead)
    ahead.close()
    assert got["cockpit"].read_text() == "base"
    assert got["cockpit"].parent.parent == scratch  # a directory of its own
    assert got["recherche"] == generation  # a preparer without work ahead is called as before
    assert got["categories"] is None  # its work ahead failed: it does without
    assert "travail en avance en echec" in caplog.text
    registry.run_preparers(generation)  # no work ahead (a first import, a rebuild)
    assert got["cockpit"] is None


def test_registering_a_preparer_again_without_work_ahead_drops_it(registry, tmp_path):
    got = []
    registry.register_preparer("cockpit", lambda d, ahead: got.append(ahead), ahead=lambda b, s: "copie")
    registry.register_preparer("cockpit", lambda d: got.append(d))
    ahead = registry.Ahead(tmp_path / "base", tmp_path / "avance")
    registry.run_preparers(tmp_path, ahead=ahead)
    ahead.close()
    assert got == [tmp_path]


def test_no_work_ahead_for_a_preparer_that_will_not_run(registry, tmp_path, monkeypatch):
    ran = []
    registry.register_preparer("cockpit", lambda d, ahead: None, ahead=lambda b, s: ran.append(b))
    monkeypatch.setattr(hooks, "_PREPARERS", {})  # as the tests' imports without preparers do
    ahead = registry.Ahead(tmp_path / "base", tmp_path / "avance")
    ahead.close()
    assert ran == []
    assert ahead.result("cockpit") is None
