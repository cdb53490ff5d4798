"""The measuring tools of `make bench` (bench/floors.py, bench/measure.py): the pretty-printed national file is the
same data as the one-per-line corpus, laid out as `json.dump(indent=2)` writes it, and the memory of a command
counts the processes it forks."""

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest


BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name):
    """A bench script as a module (the scripts import each other: their directory on the path meanwhile)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_the_measured_commands_cache_their_bytecode_as_a_deployment_does(monkeypatch, tmp_path):
    measure = load("measure")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    assert measure.cached_bytecode(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
    assert os.environ["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")  # not in the checkout
    assert not measure.cached_bytecode(tmp_path)  # nothing to change any more


RECORDS = [
    {"id": "2024A1", "acheteur": {"id": "21690123100011"}, "objet": "Cantine « école » — lot 1", "montant": 1.5},
    {"id": "2024A2", "titulaires": [{"titulaire": {"id": "1", "typeIdentifiant": "SIRET"}}], "vide": []},
]
CONCESSIONS = [{"id": "C1", "autoriteConcedante": {"id": "2"}, "valeurGlobale": 10}]


@pytest.fixture
def corpus(tmp_path):
    """The synthetic generator's layout: the envelope, one record per line."""
    lines = ['{"marches": {"marche": [']
    lines += [json.dumps(r, ensure_ascii=False) + ("," if i < len(RECORDS) - 1 else "") for i, r in enumerate(RECORDS)]
    lines += ['], "contrat-concession": [', json.dumps(CONCESSIONS[0]), "]}}"]
    path = tmp_path / "corpus.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pretty_copy_is_json_dump_indent_2_of_the_same_data(corpus, tmp_path):
    floors = load("floors")
    pretty = tmp_path / "pretty.json"
    assert floors.to_pretty(corpus, pretty) == 3
    data = {"marches": {"marche": RECORDS, "contrat-concession": CONCESSIONS}}
    assert json.loads(corpus.read_text()) == data
    assert pretty.read_text(encoding="utf-8") == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_floors_load_every_record_of_both_layouts(corpus, tmp_path):
    floors = load("floors")
    pretty = tmp_path / "pretty.json"
    floors.to_pretty(corpus, pretty)
    seen = []
    original = floors._duckdb_to_parquet

    def count(ndjson, parquet):  # the NDJSON handed to DuckDB holds every record, once, intact
        seen.append([json.loads(line) for line in ndjson.read_text(encoding="utf-8").splitlines()])
        original(ndjson, parquet)

    floors._duckdb_to_parquet = count
    assert floors.bare_load(corpus, tmp_path / "w1")["wall_s"] > 0
    assert floors.bare_load_pretty(pretty, tmp_path / "w2")["wall_s"] > 0
    assert seen[0] == seen[1] == [*RECORDS, *CONCESSIONS]


def test_peak_memory_counts_the_forked_processes():
    measure = load("measure")
    # a child that forks a grandchild holding ~300 MB: the tree's peak and the largest process both see it
    code = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(300 * 1024 * 1024); time.sleep(1.5)'], check=True); print('fini')"
    )
    run = measure.run_measured([sys.executable, "-c", code])
    assert run["stdout"].strip() == "fini"
    assert run["max_processes"] >= 2
    assert run["max_process_hwm_mb"] >= 300
    assert run["peak_mb"] >= 300


def test_the_monthly_figure_is_the_median_run_with_every_run_and_the_highest_peak():
    monthly = load("monthly_update_bench")
    runs = [
        {"wall_s": w, "peak_rss_mb": p, "timings_s": {"preparer": w / 2}}
        for w, p in ((15.4, 900), (12.1, 950), (19.8, 880))
    ]
    median = monthly._median_run(runs)
    assert median["wall_s"] == 15.4
    assert median["timings_s"] == {"preparer": 7.7}  # the median run's own steps
    assert median["wall_s_runs"] == [12.1, 15.4, 19.8]
    assert median["peak_rss_mb"] == 950  # the highest of the runs, not the median run's
    docs = load("bench_docs")
    row = {**median, "load_avg_1min_before": 1.2, "disk_peak_mb": 3, "disk_after_mb": 2}
    res = {
        "monthly": {
            "tel_que_livre": row,
            "sans_preparations": {**row, "wall_s_runs": [8.0], "wall_s": 8.0},
            "store_disk_mb": 1,
            "store_records": 10,
            "monthly_records": 3,
            "rebuild_sans_preparations": {"wall_s": 20.0},
        },
        "machine": {"nproc": 2, "cpu": "Xeon", "ram_gib": 23, "python": "3.11.7"},
        "date": "2026-12-06",
        "seed": 7,
    }
    lines = "\n".join(docs.monthly_lines(res))
    assert "| as shipped | 15.4 s (median of 3: 12.1-19.8) | 950 MB |" in lines
    assert "| `--sans-preparations` | 8.0 s | 950 MB |" in lines


@pytest.mark.parametrize(("p95", "share", "marks"), [(19.5, 0.47, ("✅", "✅")), (31.0, 0.45, ("❌", "❌"))])
def test_the_search_section_states_each_figure_against_its_target(p95, share, marks):
    docs = load("bench_docs")
    serve = {
        "contracts": 1_438_838,
        "search_ms": {"n": 300, "p50": 4.1, "p95": p95, "max": 80.0},
        "memory_mb_after_searches": {"VmRSS": 250, "RssAnon": 120},
        "similar_ms": {"p50": 20.0, "p95": 60.0},
    }
    ranking = {
        "complet": {"share_top10_same_class": share},
        "complet_autre_acheteur": {"share_top10_same_class": 0.3},
        "chance_top10_same_class": 0.02,
        "held_out": 900,
        "index": 8100,
        "draws": {2026: share, 2027: share + 0.03, 2028: share + 0.02, 2029: share + 0.04, 2030: share + 0.01},
    }
    res = {"search": {"serve": serve, "ranking": ranking}, "machine": {"nproc": 2, "cpu": "EPYC", "ram_gib": 23,
           "python": "3.11.7"}, "date": "2026-12-07"}  # fmt: skip
    lines = "\n".join(docs.search_lines(res))
    assert f"| Search p50 / p95 / max | 4.1 / **{p95}** / 80.0 ms | p95 ≤ 30 ms {marks[0]} |" in lines
    assert f"**{share:.1%}** (30.0% without its own buyer; chance 2.0%) | ≥ 46.1%, not worse {marks[1]} |" in lines
    assert "1,438,838 contracts" in lines
    assert "900 held out of 9,000" in lines
    mean = share + 0.02
    assert (
        f"| The same, mean of 5 draws of the held-out contracts | **{mean:.1%}** ({share:.1%}-{share + 0.04:.1%})"
        in lines
    )
    assert f"≥ 48.0%, the code of 2026-12-05 on the same draws {marks[1]} |" in lines


def test_the_cockpit_section_states_the_first_page_apart_from_the_percentiles():
    docs = load("bench_docs")
    cases = [
        {"label": "organisation", "mode": "froid", "median_ms": 72.0, "p95_ms": 79.0},
        {"label": "nationale", "mode": "froid", "median_ms": 85.0, "p95_ms": 320.0},
    ]
    cockpit = {"runs": 20, "contracts": 1_438_838, "organisation_contracts": 7031, "cases": cases, "rss_mb": 1400}
    res = {"date": "2026-12-07", "machine": {"nproc": 2, "ram_gib": 23}, "cockpit": cockpit | {"first_page_ms": 118.0}}
    lines = "\n".join(docs.cockpit_lines(res))
    assert (
        "that first page of the process (template engine and compiled templates, DuckDB's connection) took 118 ms"
        in lines
    )
    assert "| organisation | froid | 72 ms | 79 ms | ≤ 200 ms ✅ | ≤ 100 ms ✅ |" in lines
    assert "| nationale | froid | 85 ms | 320 ms | ≤ 500 ms ✅ | ≤ 300 ms ❌ |" in lines
    older = "\n".join(docs.cockpit_lines(res | {"cockpit": cockpit}))
    assert "The first page of the process is among the runs" in older


def test_the_monthly_section_states_the_update_at_every_store_size():
    docs = load("bench_docs")

    def measured(records, wall, peak):
        row = {"wall_s": wall, "wall_s_runs": [wall - 0.2, wall, wall + 0.3], "peak_rss_mb": peak, "timings_s": {},
               "load_avg_1min_before": 1.0, "disk_peak_mb": 3, "disk_after_mb": 2}  # fmt: skip
        alone = row | {"wall_s": wall / 2, "wall_s_runs": [wall / 2]}
        return {"tel_que_livre": row, "sans_preparations": alone, "store_disk_mb": 1, "store_records": records,
                "monthly_records": 30_000, "rebuild_sans_preparations": {"wall_s": 20.0}}  # fmt: skip

    res = {"machine": {"nproc": 2, "cpu": "Xeon", "ram_gib": 23, "python": "3.11.7"}, "date": "2026-12-07",
           "seed": 7, "monthly": measured(1_600_000, 10.4, 900)}  # fmt: skip
    assert "| 200,000 records |" not in "\n".join(docs.monthly_lines(res))  # one size: its table says it all
    # the smaller stores as run_all writes them, then as the JSON of --docs-only reads them back (string keys)
    for smaller in ({200_000: measured(200_000, 4.2, 580)}, {"800000": measured(800_000, 6.3, 1100)}):
        lines = "\n".join(docs.monthly_lines(res | {"monthly_smaller": smaller}))
        assert "| 1,600,000 records | **10.4 s** | 10.2, 10.4, 10.7 s | 900 MB | 5.2 s / 900 MB | ❌ |" in lines
    assert "| 800,000 records | **6.3 s** | 6.1, 6.3, 6.6 s | 1,100 MB | 3.1 s / 1,100 MB | ❌ |" in lines
    assert lines.index("800,000 records") < lines.index("1,600,000 records")
    small = "\n".join(docs.monthly_lines(res | {"monthly_smaller": {200_000: measured(200_000, 4.2, 580)}}))
    assert "| 200,000 records | **4.2 s** | 4.0, 4.2, 4.5 s | 580 MB | 2.1 s / 580 MB | ✅ |" in small


def test_the_measures_wait_for_a_load_of_two_and_say_the_load_they_ran_at(monkeypatch):
    measure = load("measure")
    loads = iter([2.9, 2.4, 1.8, 1.8])
    monkeypatch.setattr(measure.os, "getloadavg", lambda: (next(loads), 0.0, 0.0))
    slept = []
    monkeypatch.setattr(measure.time, "sleep", slept.append)
    assert measure.wait_quiet()["load"] == 1.8
    assert slept == [2.0, 2.0]  # polled until the average fell to 2
    monkeypatch.setattr(measure.os, "getloadavg", lambda: (3.5, 0.0, 0.0))
    clock = iter([0.0, 0.0, 100.0, 300.0, 300.0])
    monkeypatch.setattr(measure.time, "monotonic", lambda: next(clock))
    assert measure.wait_quiet(timeout_s=240) == {"load": 3.5, "waited_s": 300.0}  # runs anyway, and says so
