"""The import as named, timed steps; preparations inside the unpublished generation; after-publish reporting."""

import json
import threading

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from pilote.decp import hooks, store
from pilote.decp.errors import ImportFailed
from pilote.decp.models import ImportRun
from pilote.decp.pipeline import run_import
from pilote.decp.tasks import execute_import_run
from tests.decp.conftest import LOCAL, snapshot


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"
OTHER = LOCAL / "ci_raw_marches.json"
STEPS = ["materialiser", "lire_nettoyer", "identifier", "noter_qualite", "ecrire_tables", "preparer", "verifier"]


@pytest.fixture
def registry(monkeypatch):
    """Only the preparers and after-publish functions a test registers (not the apps' own)."""
    monkeypatch.setattr(hooks, "_PREPARERS", {})
    monkeypatch.setattr(hooks, "_AHEAD", {})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    return hooks


def test_every_step_is_timed_in_the_report(data_dir, registry):
    report = run_import([GOOD], data_dir=data_dir)
    timings = report["timings_s"]
    assert [k for k in timings if k in (*STEPS, "publier")] == [*STEPS, "publier"]
    assert all(v >= 0 for v in timings.values())
    # the former totals stay (the benchmark reads them); preparation is not counted in dedup + writing
    reading = timings["materialiser"] + timings["lire_nettoyer"]
    assert timings["lecture_nettoyage"] == pytest.approx(reading, abs=0.011)
    writing = sum(timings[k] for k in ("identifier", "noter_qualite", "ecrire_tables", "verifier", "publier"))
    assert timings["dedoublonnage_ecriture"] == pytest.approx(writing, abs=0.021)


def test_a_preparer_writes_into_the_unpublished_generation(data_dir, registry):
    run_import([GOOD], data_dir=data_dir)
    previous = store.current_generation_dir(data_dir)
    seen = {}

    def write_index(generation_dir):
        seen["dir"] = generation_dir
        seen["current"] = store.current_generation_dir(data_dir)
        rows = pl.scan_parquet(generation_dir / "contrats.parquet").select(pl.len()).collect().item()
        (generation_dir / "index-test.json").write_text(json.dumps({"contrats": rows}))

    registry.register_preparer("index de test", write_index)
    report = run_import([OTHER], data_dir=data_dir)
    published = store.current_generation_dir(data_dir)
    assert seen["current"] == previous  # not published yet while preparing
    assert seen["dir"].name == f".tmp-{report['generation']}"
    assert json.loads((published / "index-test.json").read_text()) == {"contrats": report["totals"]["contrats"]}
    assert store.current_manifest(data_dir)["preparations"] == ["index de test"]


def test_a_failing_preparer_publishes_nothing(data_dir, registry):
    first = run_import([GOOD], data_dir=data_dir)
    before = snapshot(data_dir)

    def half_written(generation_dir):
        (generation_dir / "moitie.duckdb").write_bytes(b"x")
        raise OSError("disque plein")

    registry.register_preparer("tableau de bord", half_written)
    with pytest.raises(ImportFailed) as failure:
        run_import([OTHER], data_dir=data_dir)
    assert failure.value.french() == "La préparation « tableau de bord » a échoué : disque plein"
    assert isinstance(failure.value, hooks.PreparationFailed)
    assert store.current_manifest(data_dir)["generation"] == first["generation"]
    assert snapshot(data_dir) == before
    assert not list((data_dir / "decp" / "generations").glob(".tmp-*"))
    assert not list((data_dir / "decp" / "generations").rglob("moitie.duckdb"))


def test_the_command_exits_non_zero_when_a_preparer_fails(data_dir, registry):
    registry.register_preparer("recherche", lambda generation_dir: 1 / 0)
    with pytest.raises(CommandError, match="La préparation « recherche » a échoué : division by zero"):
        call_command("decp", "import", str(GOOD))
    assert store.current_generation_dir(data_dir) is None


def test_the_command_can_publish_without_preparations(data_dir, registry, capsys):
    calls = []
    registry.register_preparer("recherche", calls.append)
    registry.register_after_publish(lambda: calls.append("après"))
    call_command("decp", "import", str(GOOD), "--json", "--sans-preparations")
    report = json.loads(capsys.readouterr().out)
    assert calls == []
    assert "apres_publication" not in report
    assert store.current_manifest(data_dir)["preparations"] == []


@pytest.mark.django_db
def test_the_task_records_a_failed_preparation(user, data_dir, registry):
    def full_disk(generation_dir):
        raise OSError("plein")

    registry.register_preparer("tableau de bord", full_disk)
    run = ImportRun.objects.create(source=str(GOOD), actor=user)
    execute_import_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message == "La préparation « tableau de bord » a échoué : plein"
    assert store.current_generation_dir(data_dir) is None


def test_an_after_publish_failure_is_reported_and_the_import_stands(data_dir, registry, capsys):
    calls = []

    def warm_cache():
        calls.append(store.current_manifest(data_dir)["generation"])
        raise RuntimeError("cache indisponible")

    registry.register_after_publish(warm_cache)
    registry.register_after_publish(lambda: calls.append("suivante"))
    report = run_import([GOOD], data_dir=data_dir, after_publish=True)
    assert calls == [report["generation"], "suivante"]  # ran on the published generation, the next one too
    assert report["apres_publication"] == [
        "Préparation après publication « test_an_after_publish_failure_is_reported_and_the_import_stands."
        "<locals>.warm_cache » en échec : cache indisponible"
    ]
    assert store.current_manifest(data_dir)["generation"] == report["generation"]
    assert "apres_publication" in report["timings_s"]
    call_command("decp", "import", str(OTHER))
    assert "cache indisponible" in capsys.readouterr().err


def test_nothing_after_publish_when_nothing_changed(data_dir, registry):
    calls = []
    registry.register_after_publish(lambda: calls.append(1))
    run_import([GOOD], data_dir=data_dir, after_publish=True)
    again = run_import([GOOD], data_dir=data_dir, after_publish=True)
    assert again["statut"] == "deja_importe"
    assert "apres_publication" not in again
    assert calls == [1]


def test_the_tables_are_verified_while_the_preparers_run(data_dir, registry, monkeypatch):
    verifying, real = threading.Event(), store.verify

    def verify(generation_dir):
        verifying.set()
        return real(generation_dir)

    def preparer(generation_dir):
        if not verifying.wait(timeout=10):  # verified after the preparations: never set while this one runs
            raise RuntimeError("vérification pas encore commencée")

    monkeypatch.setattr(store, "verify", verify)
    registry.register_preparer("attend la vérification", preparer)
    report = run_import([GOOD], data_dir=data_dir)
    assert report["statut"] == "ok"
    assert store.current_manifest(data_dir)["counts"]["contrats"] == report["totals"]["contrats"]


def test_work_ahead_starts_with_the_reading_of_an_import_that_updates_the_store(data_dir, registry):
    """The preparers' work ahead (hooks.Ahead) reads the published generation while the new files are read; a first
    import, a rebuild and an import that reads nothing have none; what it wrote goes with the run's staging."""
    seen = []

    def ahead(base_dir, scratch_dir):
        (scratch_dir / "copie").write_text(base_dir.name)
        seen.append(("avance", base_dir.name))
        return scratch_dir / "copie"

    def preparer(generation_dir, ahead):
        seen.append(("preparation", ahead.read_text() if ahead is not None else None))
        seen.append(("copie", ahead))

    registry.register_preparer("cockpit", preparer, ahead=ahead)
    run_import([GOOD], data_dir=data_dir)  # first import: nothing to update
    first = store.current_generation_dir(data_dir).name
    assert seen == [("preparation", None), ("copie", None)]
    seen.clear()
    run_import([OTHER], data_dir=data_dir)
    assert seen[:2] == [("avance", first), ("preparation", first)]
    assert not seen[2][1].exists()  # removed with the run's staging directory
    seen.clear()
    assert run_import([OTHER], data_dir=data_dir)["statut"] == "deja_importe"
    call_command("decp", "rebuild")
    assert seen == [("preparation", None), ("copie", None)]  # the rebuild's: whole
