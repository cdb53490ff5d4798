"""`manage.py decp …` subcommands, the ImportRun task and the start-import service."""

import json

import polars as pl
import pytest
from django.core.management import call_command

from pilote.decp import store, tables
from pilote.decp.demo import real_files
from pilote.decp.demo.synth import SYNTHETIC_SOURCE, generate
from pilote.decp.models import ImportRun
from pilote.decp.services import do_start_import
from pilote.decp.tasks import execute_import_run
from tests.decp.conftest import LOCAL


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"


def test_import_json_output_and_status_and_exports(capsys, data_dir, tmp_path):
    call_command("decp", "import", str(GOOD), str(LOCAL / "ci_raw_marches.json"), "--source", "essai", "--json")
    report = json.loads(capsys.readouterr().out)
    assert {"read", "stored", "duplicates", "rejected", "flagged", "generation"} <= set(report)
    assert report["read"] == report["stored"] + report["duplicates"] + report["rejected"] == 8
    call_command("decp", "import", str(GOOD))
    assert "déjà importé" in capsys.readouterr().out
    call_command("decp", "status")
    out = capsys.readouterr().out
    assert report["generation"] in out
    assert "contrats : 8 lignes" in out
    for fmt in ("csv", "parquet", "xlsx"):
        target = tmp_path / f"export.{fmt}"
        call_command("decp", "export", "--format", fmt, "-o", str(target), "--acheteur", "59920013600241")
        assert "5 contrats exportés" in capsys.readouterr().out
        assert target.stat().st_size > 0
    frame = pl.read_parquet(tmp_path / "export.parquet")
    assert set(frame["acheteur_id"]) == {"59920013600241"}
    call_command("decp", "export", "--format", "csv", "-o", str(tmp_path / "a.csv"), "--annee", "2024", "--cpv", "45")
    assert "5 contrats exportés" in capsys.readouterr().out


def test_import_with_forced_format(capsys, tmp_path):
    call_command("decp", "import", str(LOCAL / "tabular_2024_head.csv"), "--format", "csv", "--json")
    assert json.loads(capsys.readouterr().out)["files"][0]["format"] == "tabulaire-csv"


@pytest.mark.django_db
def test_demo_is_idempotent_and_labels_synthetic(capsys, data_dir):
    call_command("decp", "demo", "--synthetiques", "300", "--json")
    first = store.current_manifest(data_dir)
    contrats = tables.scan(store.current_generation_dir(data_dir), "contrats").collect()
    synthetic = contrats.filter(pl.col("source") == SYNTHETIC_SOURCE)
    assert synthetic.height == 300
    assert synthetic["id"].str.starts_with("SYN").all()
    real_buyers = set(contrats.filter(pl.col("source") != SYNTHETIC_SOURCE)["acheteur_id"])
    assert set(synthetic["acheteur_id"]) <= real_buyers  # bound to real buyer SIRETs
    assert len(first["inputs"]) == len(real_files()) + 1
    # the preparations ran inside the generation: cockpit tables and search index
    from pilote.contracts import db as duck
    from pilote.contracts.search import index

    generation = store.current_generation_dir(data_dir)
    assert (generation / duck.PREPARED_DB).exists()
    assert index.is_complete(generation)
    capsys.readouterr()
    call_command("decp", "demo", "--synthetiques", "300")
    assert store.current_manifest(data_dir)["generation"] == first["generation"]


def test_synthetic_generator_is_deterministic():
    assert generate(50, seed=1) == generate(50, seed=1)
    assert generate(50, seed=1) != generate(50, seed=2)


@pytest.mark.django_db
def test_task_runs_import_and_updates_progress(user, data_dir):
    run = ImportRun.objects.create(source=str(GOOD), source_name="megalis", actor=user)
    result = execute_import_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.progress == 1.0
    assert run.report["read"] == 5
    assert run.report["files"][0]["source"] == "megalis"
    assert result["generation"] == store.current_manifest(data_dir)["generation"]
    assert run.started_at <= run.finished_at
    assert "5 enregistrements lus" in run.message


@pytest.mark.django_db
def test_task_failure_is_recorded_in_french(tmp_path, data_dir):
    bad = tmp_path / "vide.json"
    bad.write_bytes(b"")
    run = ImportRun.objects.create(source=str(bad))
    execute_import_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "vide.json" in run.message
    assert "fichier vide" in run.message
    assert store.current_manifest(data_dir) is None


@pytest.mark.django_db(transaction=True)
def test_do_start_import_enqueues_the_task(user, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        run = do_start_import(source_path_or_url=str(GOOD), source_name="", actor=user)
    assert run.actor == user
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.report["stored"] == 5
