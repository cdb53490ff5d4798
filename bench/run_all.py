"""DECP benchmark (`make bench`): the national import as users run it, against the bare floor, and the app
serving while it imports.

Steps (every figure of one run measured in that run, on the same machine):
1. Generate the corpus with ../shared/bench/decp_synth.py (cached in bench/out/ by arguments) and its
   pretty-printed copy (the published layout, bench/floors.py).
2. Floors: the bare streaming parse of each file (cut to NDJSON, DuckDB read_ndjson → Parquet, no cleaning).
3. `manage.py decp import FILE --json` as shipped (preparations built inside the generation, after-publication
   hooks), in a fresh PILOTE_DATA_DIR with a migrated database, for both files: wall time, peak memory of the
   whole process tree and largest single process (bench/measure.py, from /proc), step timings from the report,
   dedup precision/recall against the key's `group`, every record accounted for.
4. Sub-measure: the import alone (`--sans-preparations`, one record per line), the measure of earlier rounds.
5. Cleaning score (bench/score_cleaning.py, up to --cleaning-max records), cockpit server time on the store
   (`manage.py cockpit_bench`), then bench/serving_bench.py: gunicorn in production serving a hard-linked copy
   of the store while a new file (--update-n records, another seed) is imported into it (the store itself keeps
   the corpus alone, for bench/score_indicators.py).
6. The monthly update (bench/monthly_update_bench.py): a store of --n records and a 30 k-record file cut from
   one corpus, the file imported as shipped and without preparations, then `decp rebuild`; the same into stores
   of 200 k and 800 k records when --n is larger.
7. Search (bench/search_index_bench.py): a fresh worker-like process answers 300 searches on the store's index;
   then the held-out ranking evaluation (bench/explorer_ranking_eval.py, the real 2019 contracts).
Results go to docs/benchmarks.md (sections between markers, bench/bench_docs.py) and bench/out/decp-bench.json.

Usage: python bench/run_all.py [--n 200000] [--seed 7] [--update-n 30000] [--no-pretty] [--no-alone]
       [--no-cockpit] [--no-serving] [--no-monthly] [--no-search] [--serving-database-url postgres://…]
       [--no-docs]
   The default size runs in about 10-15 minutes on 2 idle cores; `--n 1600000` is the national scale.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl


sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_docs
import floors
import measure
import monthly_update_bench
import search_index_bench
import serving_bench
from measure import run_measured


ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SYNTH = ROOT.parent / "shared" / "bench" / "decp_synth.py"
DOC = bench_docs.DOC


def generate(n, seed):
    corpus, truth = OUT / f"decp-{n}-{seed}.json", OUT / f"decp-{n}-{seed}.truth.jsonl"
    if corpus.exists() and truth.exists():
        return corpus, truth
    OUT.mkdir(parents=True, exist_ok=True)
    # written under temporary names: an interrupted generation must not be taken for a cached corpus next time
    tmp_corpus, tmp_truth = corpus.with_suffix(".json.part"), truth.with_suffix(".jsonl.part")
    cmd = [sys.executable, SYNTH, "--n", str(n), "--seed", str(seed), "--jobs", "2", "--out", tmp_corpus,
           "--truth", tmp_truth]  # fmt: skip
    subprocess.run(cmd, check=True)
    tmp_truth.replace(truth)
    tmp_corpus.replace(corpus)
    return corpus, truth


def linked_copy(store_dir, target):
    """A copy of a store whose files are hard links (imports only add files and remove directories: the store's
    own files are never written), but for the SQLite databases, copied, and the lock file, left out."""
    shutil.rmtree(target, ignore_errors=True)

    def link_or_copy(source, destination):
        if str(source).endswith(".sqlite3"):
            return shutil.copy2(source, destination)
        return os.link(source, destination)

    shutil.copytree(store_dir, target, copy_function=link_or_copy, ignore=shutil.ignore_patterns(".lock"))
    return target


def dedup_scores(truth, gen_dir):
    """Pairwise precision / recall of our contracts against the key's duplicate groups; accounting."""
    sys.path.insert(0, str(ROOT))
    from pilote.decp import tables  # the generation's tables, merge-on-read

    key = pl.scan_ndjson(truth, schema={"array": pl.String, "pos": pl.Int64, "group": pl.Int64}).collect()
    copies = tables.scan(gen_dir, "copies").select("tableau", "position", "contrat_uid", "retenue").collect()
    rejets = pl.read_parquet(gen_dir / "rejets.parquet", columns=["tableau", "position"])
    joined = key.join(copies, left_on=["array", "pos"], right_on=["tableau", "position"], how="left")
    missing = joined.filter(pl.col("contrat_uid").is_null())
    missing = missing.join(rejets, left_on=["array", "pos"], right_on=["tableau", "position"], how="anti")

    def pairs(frame, cols):
        return frame.group_by(cols).len().select((pl.col("len") * (pl.col("len") - 1) // 2).sum()).item()

    found = joined.filter(pl.col("contrat_uid").is_not_null())
    true_pairs = pairs(found, ["group"])
    pred_pairs = pairs(found, ["contrat_uid"])
    both = pairs(found, ["group", "contrat_uid"])
    return {
        "records_in_key": key.height,
        "copies_stored": copies.height,
        "rejected": rejets.height,
        "unaccounted": missing.height,
        "precision": both / pred_pairs if pred_pairs else 1.0,
        "recall": both / true_pairs if true_pairs else 1.0,
        "groups_true": found["group"].n_unique(),
        "contracts_ours": found["contrat_uid"].n_unique(),
    }


def cleaning_score(truth, gen_dir):
    path = ROOT / "bench" / "score_cleaning.py"
    if not path.exists():
        return None
    sys.path.insert(0, str(path.parent))
    sys.path.insert(0, str(ROOT))
    import score_cleaning

    from pilote.decp import tables

    contrats = tables.scan(gen_dir, "contrats").collect()
    titulaires = tables.scan(gen_dir, "titulaires").collect()
    modifications = tables.scan(gen_dir, "modifications").collect()
    # Only retained copies are in the store: defects injected on duplicates are counted as "introuvables".
    result = score_cleaning.score(truth, contrats, titulaires, modifications, quiet=True)
    return {k: result[k] for k in ("part", "injectes", "traites", "introuvables", "non_evalues") if k in result}


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024**2
    return {"nproc": os.cpu_count(), "ram_gib": round(mem, 1), "cpu": cpu, "python": platform.python_version(),
            "load_avg_start": os.getloadavg()}  # fmt: skip


def cockpit_bench(store_dir, runs=20):
    """Server time of the cockpit on the store just imported (manage.py cockpit_bench --store), after the
    after-import preparation (prepared DuckDB file, views computed into the shared cache)."""
    work = OUT / "cockpit"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, PILOTE_DATA_DIR=str(store_dir), DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
               CACHE_URL=f"filecache://{work / 'cache'}")  # fmt: skip
    if (store_dir / "db.sqlite3").exists():  # migrated before the import: migrate is then a no-op
        shutil.copy(store_dir / "db.sqlite3", work / "db.sqlite3")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    os.sync()  # the import just wrote ~0.5 GB: flush it before measuring, not during the measures
    quiet = measure.wait_quiet()  # the targets are stated at load ≤ 2
    out = work / "cockpit.json"
    cmd = [sys.executable, "manage.py", "cockpit_bench", "--store", str(store_dir), "--runs", str(runs), "--json", out]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    return json.loads(out.read_text()) | {"quiet": quiet}


# Stores smaller than the bench's own that the monthly update also goes into (issue 16: 200 k, 800 k and 1.6 M).
MONTHLY_SMALLER = (200_000, 800_000)
RANKING_SEEDS = (2026, 2027, 2028, 2029, 2030)  # the draw the figure used first, then four others


def search_bench(store_dir, searches=300):
    """Search latency and a worker's memory on the store just imported (search_index_bench's child: a fresh
    process opens the index and answers `searches` searches as a web worker does), then the held-out ranking
    evaluation on the real 2019 contracts (its own store under bench/out/ranking)."""
    serve = search_index_bench.run_child("serve", store_dir, ROOT, searches)
    draws = {}
    for seed in RANKING_SEEDS:
        cmd = [
            sys.executable,
            "bench/explorer_ranking_eval.py",
            "--workdir",
            str(OUT / "ranking"),
            "--seed",
            str(seed),
        ]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        draws[seed] = json.loads(done.stdout[done.stdout.index("{") :])
    ranking = draws[RANKING_SEEDS[0]] | {
        "draws": {seed: d["complet"]["share_top10_same_class"] for seed, d in draws.items()}
    }
    print(f"search p95 {serve['search_ms']['p95']} ms; ranking top 10 {ranking['draws']}", flush=True)
    return {"serve": serve, "ranking": ranking}


def import_env(store_dir: Path) -> dict:
    """A fresh store with a migrated database beside it (the after-publication hooks read the organisations)."""
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir(parents=True)
    template = OUT / "migrated.sqlite3"  # migrated once per run, copied for each store
    if not template.exists():
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{template}")
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    shutil.copy(template, store_dir / "db.sqlite3")
    return dict(os.environ, PILOTE_DATA_DIR=str(store_dir), DATABASE_URL=f"sqlite:///{store_dir / 'db.sqlite3'}")


def measured_import(path: Path, store_dir: Path, *extra) -> dict:
    env = import_env(store_dir)
    os.sync()  # the previous step's writes are flushed before, not during, the measure
    run = run_measured([sys.executable, "manage.py", "decp", "import", str(path), "--json", *extra], env=env, cwd=ROOT)
    report = json.loads(run["stdout"].strip().splitlines()[-1])
    result = {k: v for k, v in run.items() if k != "stdout"} | {
        "file_gb": path.stat().st_size / 1e9, "read": report["read"], "stored": report["stored"],
        "duplicates": report["duplicates"], "rejected": report["rejected"], "timings": report.get("timings_s", {}),
        "identity": report["read"] == report["stored"] + report["duplicates"] + report["rejected"],
        "generation": report["generation"], "after_publish_problems": report.get("apres_publication", []),
    }  # fmt: skip
    print(f"import {path.name} {' '.join(extra)}: {run['wall_s']:.1f} s, peak {run['peak_mb']:.0f} MB "
          f"(largest process {run['max_process_hwm_mb']:.0f} MB)", flush=True)  # fmt: skip
    return result


def pretty_copy(corpus: Path) -> Path:
    pretty = corpus.with_name(corpus.stem + ".pretty.json")
    if not pretty.exists():
        count = floors.to_pretty(corpus, pretty)
        print(f"pretty-printed copy: {count:,} records, {pretty.stat().st_size / 1e9:.2f} GB", flush=True)
    return pretty


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000, help="records of the national file (1600000: national)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, help="use this corpus (with --truth) instead of generating")
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--update-n", type=int, default=30_000, help="records of the file imported while serving")
    parser.add_argument("--no-pretty", action="store_true", help="skip the pretty-printed file")
    parser.add_argument("--no-alone", action="store_true", help="skip the import without preparations")
    parser.add_argument("--no-cockpit", action="store_true", help="skip the cockpit server-time benchmark")
    parser.add_argument("--no-serving", action="store_true", help="skip serving while importing")
    parser.add_argument("--no-monthly", action="store_true", help="skip the monthly update into the store")
    parser.add_argument("--no-search", action="store_true", help="skip search latency and the ranking evaluation")
    parser.add_argument("--serving-database-url", default="", help="PostgreSQL for the serving bench (default SQLite)")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--docs-only", action="store_true", help="rewrite the sections from bench/out/decp-bench.json")
    parser.add_argument(
        "--cleaning-max",
        type=int,
        default=300_000,
        help="score cleaning only up to this many records (bench/score_cleaning.py holds the corpus in memory: "
        "8 GB at 1.6 M records, measured)",
    )
    return parser.parse_args()


def run_imports(args, res, corpus, truth):
    res["floor"] = floors.bare_load(corpus, OUT)
    print(f"floor (one per line) {res['floor']['wall_s']:.1f} s", flush=True)
    res["loads"] = {"start": os.getloadavg()[0]}
    store_dir = OUT / "store"
    res["shipped"] = measured_import(corpus, store_dir)
    res["loads"]["after the import"] = os.getloadavg()[0]
    gen_dir = store_dir / "decp" / "generations" / res["shipped"]["generation"]
    res["shipped"]["dedup"] = res["dedup"] = dedup_scores(truth, gen_dir)
    print(json.dumps(res["dedup"]), flush=True)
    if not args.no_pretty:
        pretty = pretty_copy(corpus)
        res["floor_pretty"] = floors.bare_load_pretty(pretty, OUT)
        print(f"floor (pretty) {res['floor_pretty']['wall_s']:.1f} s", flush=True)
        other = OUT / "store-pretty"
        res["pretty"] = measured_import(pretty, other)
        res["loads"]["after the pretty import"] = os.getloadavg()[0]
        res["pretty"]["dedup"] = dedup_scores(truth, other / "decp" / "generations" / res["pretty"]["generation"])
        shutil.rmtree(other, ignore_errors=True)
    if not args.no_alone:
        other = OUT / "store-alone"
        res["alone"] = measured_import(corpus, other, "--sans-preparations")
        shutil.rmtree(other, ignore_errors=True)
    return store_dir, gen_dir


def markers(name, n):
    """The default size and the national scale each have their own section, so that one does not erase the other."""
    name += "-NATIONAL" if n >= 1_600_000 else ""
    return f"<!-- {name}:BEGIN -->", f"<!-- {name}:END -->"


def write_docs(res):
    bench_docs.write_section(*markers("DECP", res["n"]), bench_docs.import_lines(res))
    if "cockpit" in res:
        bench_docs.write_section(*markers("COCKPIT", res["n"]), bench_docs.cockpit_lines(res))
    if "serving" in res:
        bench_docs.write_section(*markers("SERVING", res["n"]), bench_docs.serving_lines(res))
    if "monthly" in res:
        bench_docs.write_section(*markers("MONTHLY", res["n"]), bench_docs.monthly_lines(res))
    if "search" in res:
        bench_docs.write_section(*markers("SEARCH", res["n"]), bench_docs.search_lines(res))


def main():
    args = parse_args()
    measure.cached_bytecode(OUT)
    if args.docs_only:
        write_docs(json.loads((OUT / "decp-bench.json").read_text()))
        return
    res = {"date": datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "n": args.n,
           "seed": args.seed, "machine": machine()}  # fmt: skip
    corpus, truth = (args.corpus, args.truth) if args.corpus else generate(args.n, args.seed)
    print(f"corpus {corpus} ({corpus.stat().st_size / 1e9:.2f} GB)", flush=True)
    (OUT / "migrated.sqlite3").unlink(missing_ok=True)  # migrated again: the code may have new migrations
    store_dir, gen_dir = run_imports(args, res, corpus, truth)
    try:
        if args.n <= args.cleaning_max:
            res["cleaning"] = cleaning_score(truth, gen_dir)
        else:
            res["cleaning_skipped"] = f"corpus above --cleaning-max ({args.cleaning_max})"
    except Exception as exc:
        res["cleaning_error"] = repr(exc)
    res["machine"]["load_avg_end"] = os.getloadavg()
    if not args.no_cockpit:
        res["cockpit"] = cockpit_bench(store_dir)
    if not args.no_serving:
        update, _ = generate(args.update_n, args.seed + 1)
        # on a copy: the store keeps the corpus alone, which bench/score_indicators.py requires afterwards
        serving_store = linked_copy(store_dir, OUT / "store-serving")
        argv = ["--store", str(serving_store), "--update", str(update), "--json", str(OUT / "serving.json")]
        if args.serving_database_url:
            argv += ["--database-url", args.serving_database_url]
        try:
            res["serving"] = serving_bench.main(argv)
        finally:
            shutil.rmtree(serving_store, ignore_errors=True)
    if not args.no_search:
        res["search"] = search_bench(store_dir)
    if not args.no_monthly:
        # a store of n records and a 30 k monthly file cut from one generated corpus (its own, so that the file
        # republishes stored contracts), imported as shipped and without preparations
        res["monthly"] = monthly_update_bench.run(args.n, 30_000, OUT / "monthly", args.seed)
        # issue 16 asks for the figure at every size up to the national one, whatever the store's size
        res["monthly_smaller"] = {
            size: monthly_update_bench.run(size, 30_000, OUT / f"monthly-{size}", args.seed)
            for size in MONTHLY_SMALLER
            if size < args.n
        }
    (OUT / "decp-bench.json").write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str))
    if not args.no_docs:
        write_docs(res)
    print(f"Figures written to {OUT / 'decp-bench.json'}" + ("" if args.no_docs else f" and {DOC}"))


if __name__ == "__main__":
    main()
