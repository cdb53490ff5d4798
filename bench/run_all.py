"""DECP benchmark (`make bench`): national-scale synthetic corpus → our import, against the bare-load floor.

Steps: generate the corpus with ../shared/bench/decp_synth.py (cached in bench/out/ by arguments); bare load
(split the envelope to NDJSON, DuckDB read_ndjson → Parquet, no cleaning); our import (`manage.py decp import`,
in a fresh PILOTE_DATA_DIR) with wall time and peak memory of the whole process tree (parent + workers,
sampled from /proc); dedup precision/recall pairwise against the key's `group`; every record accounted for
(stored copy or reject); cleaning score from bench/score_cleaning.py when present. Results go to the DECP
section of docs/benchmarks.md (between markers) and to bench/out/decp-bench.json.

Usage: python bench/run_all.py [--n 1600000] [--seed 7] [--skip-generate] [--no-docs]
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
import threading
import time
from pathlib import Path

import duckdb
import polars as pl


ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SYNTH = ROOT.parent / "shared" / "bench" / "decp_synth.py"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- DECP:BEGIN -->", "<!-- DECP:END -->"
TARGET_WALL_S, TARGET_RSS_MB, TARGET_RATIO, TARGET_PR = 120, 1536, 5.0, 0.99


def tree_rss_kb(pid):
    """RSS of a process and all its descendants (kB), from /proc."""
    children = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", text).group(1))
        rss = re.search(r"VmRSS:\s+(\d+)", text)
        children.setdefault(ppid, []).append((int(status.parent.name), int(rss.group(1)) if rss else 0))
    total, stack = 0, [pid]
    own = Path(f"/proc/{pid}/status")
    if own.exists():
        m = re.search(r"VmRSS:\s+(\d+)", own.read_text())
        total += int(m.group(1)) if m else 0
    while stack:
        for child, rss in children.get(stack.pop(), []):
            total += rss
            stack.append(child)
    return total


def run_measured(cmd, env=None):
    """Run cmd; return (wall seconds, peak tree RSS MB, completed process)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    done.set()
    thread.join()
    wall = time.monotonic() - started
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"échec de {' '.join(map(str, cmd))}")
    return wall, peak[0] / 1024, out.decode()


def generate(n, seed):
    corpus, truth = OUT / f"decp-{n}-{seed}.json", OUT / f"decp-{n}-{seed}.truth.jsonl"
    if corpus.exists() and truth.exists():
        return corpus, truth
    OUT.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, SYNTH, "--n", str(n), "--seed", str(seed), "--jobs", "2", "--out", corpus, "--truth", truth]
    subprocess.run(cmd, check=True)
    return corpus, truth


def bare_load(corpus):
    """The floor: envelope → NDJSON (stream), then DuckDB read_ndjson → Parquet."""
    OUT.mkdir(parents=True, exist_ok=True)
    ndjson, parquet = OUT / "bare.ndjson", OUT / "bare.parquet"
    started = time.monotonic()
    with open(corpus, "rb") as src, open(ndjson, "wb") as dst:
        for line in src:
            line = line.strip()
            if line.startswith(b"{") and line.endswith((b"}", b"},")):
                dst.write(line.rstrip(b",") + b"\n")
    split = time.monotonic() - started
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        "COPY (SELECT * FROM read_ndjson(?, maximum_object_size=16777216, sample_size=-1)) TO ? (FORMAT parquet)",
        [str(ndjson), str(parquet)],
    )
    con.close()
    wall = time.monotonic() - started
    ndjson.unlink()
    parquet.unlink()
    return wall, split


def dedup_scores(truth, gen_dir):
    """Pairwise precision / recall of our contracts against the key's duplicate groups; accounting."""
    key = pl.scan_ndjson(truth, schema={"array": pl.String, "pos": pl.Int64, "group": pl.Int64}).collect()
    copies = pl.read_parquet(gen_dir / "copies.parquet", columns=["tableau", "position", "contrat_uid", "retenue"])
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
    import score_cleaning

    contrats = pl.read_parquet(gen_dir / "contrats.parquet")
    titulaires = pl.read_parquet(gen_dir / "titulaires.parquet")
    modifications = pl.read_parquet(gen_dir / "modifications.parquet")
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


def write_doc(res):
    m, d, imp = res["machine"], res["dedup"], res["import"]
    ok = lambda cond: "✅" if cond else "❌"  # noqa: E731
    clean = res.get("cleaning")
    lines = [
        BEGIN,
        "## DECP import (issue 4)",
        "",
        f"Date: {res['date']} · command: `python bench/run_all.py --n {res['n']} --seed {res['seed']}` · machine: "
        f"{m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']} · load average at start "
        f"{m['load_avg_start'][0]:.1f}"
        + (" (other work shared the machine: wall times are inflated)." if m["load_avg_start"][0] >= 1.5 else ".")
        + " The explorer's search index, built after the import by a hook, is measured in its own section.",
        "",
        "| Measure | Result | Target |",
        "|---|---|---|",
        f"| Records (marchés + concessions) | {d['records_in_key']:,} | |",
        f"| Bare load floor (split to NDJSON + DuckDB read_ndjson → Parquet) | {res['bare_s']:.1f} s | |",
        f"| Our import, wall (`decp import`, every cleaning rule, dedup, store swap) | {imp['wall_s']:.1f} s | "
        f"≤ {TARGET_WALL_S} s {ok(imp['wall_s'] <= TARGET_WALL_S)} |",
        f"| — of which reading + cleaning / dedup + writing | {imp['timings'].get('lecture_nettoyage', 0):.1f} s / "
        f"{imp['timings'].get('dedoublonnage_ecriture', 0):.1f} s | |",
        f"| Ratio to the bare load | {imp['wall_s'] / res['bare_s']:.2f}× | ≤ {TARGET_RATIO}× "
        f"{ok(imp['wall_s'] / res['bare_s'] <= TARGET_RATIO)} |",
        f"| Peak memory (process tree: parent + workers) | {imp['peak_mb']:.0f} MB | ≤ {TARGET_RSS_MB} MB "
        f"{ok(imp['peak_mb'] <= TARGET_RSS_MB)} |",
        f"| Dedup precision / recall (pairwise vs key `group`) | {d['precision']:.4f} / {d['recall']:.4f} | "
        f"≥ {TARGET_PR} {ok(min(d['precision'], d['recall']) >= TARGET_PR)} |",
        f"| Contracts: ours / true groups | {d['contracts_ours']:,} / {d['groups_true']:,} | |",
        f"| Records unaccounted for (neither stored copy nor reject) | {d['unaccounted']} | 0 {ok(d['unaccounted'] == 0)} |",
        f"| Report identity read = stored + duplicates + rejected | {imp['read']:,} = {imp['stored']:,} + "
        f"{imp['duplicates']:,} + {imp['rejected']:,} | holds {ok(imp['identity'])} |",
    ]  # fmt: skip
    if clean:
        lines.append(
            f"| Injected defects corrected or flagged (bench/score_cleaning.py, retained copies) | "
            f"{clean['part']:.4f} | ≥ 0.99 {ok(clean['part'] >= 0.99)} |"
        )
    lines += ["", END]
    section = "\n".join(lines)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


C_BEGIN, C_END = "<!-- COCKPIT:BEGIN -->", "<!-- COCKPIT:END -->"
COCKPIT_TARGETS = {("organisation", "froid"): 200, ("organisation", "préparée"): 200, ("nationale", "préparée"): 500,
                   ("nationale", "froid"): 500, ("liste (50, 2024, 1 offre)", "froid"): 200,
                   ("nationale 2025 marchés", "froid"): 500}  # fmt: skip


def cockpit_bench(store_dir, runs=20):
    """Server time of the cockpit on the store just imported (manage.py cockpit_bench --store), after the
    after-import preparation (prepared DuckDB file, views computed into the shared cache)."""
    work = OUT / "cockpit"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, PILOTE_DATA_DIR=str(store_dir), DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
               CACHE_URL=f"filecache://{work / 'cache'}")  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    os.sync()  # the import just wrote ~0.5 GB: flush it before measuring, not during the measures
    out = work / "cockpit.json"
    cmd = [sys.executable, "manage.py", "cockpit_bench", "--store", str(store_dir), "--runs", str(runs), "--json", out]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    return json.loads(out.read_text())


def write_cockpit_doc(res):
    m, c = res["machine"], res["cockpit"]
    ok = lambda cond: "✅" if cond else "❌"  # noqa: E731
    lines = [
        C_BEGIN,
        "## Cockpit (issue 5)",
        "",
        f"Date: {res['date']} · `make bench` (`manage.py cockpit_bench --store bench/out/store --runs {c['runs']}`) "
        f"on the store the DECP benchmark just imported: **{c['contracts']:,} contracts**; measured organisation = "
        f"the most active buyer ({c['organisation_contracts']:,} contracts) · machine: {m['nproc']} cores, "
        f"{m['ram_gib']} GiB · load average at the end of the import {m.get('load_avg_end', [0])[0]:.1f}.",
        "",
        "Server time = `cockpit.build()` as the cockpit view calls it (every query of the page, peers included; "
        "the peers' national reference column is a second request, its own row) + rendering of the page "
        "content, in the process. *froid*: query cache emptied before each run (a view "
        "nobody asked since the import); *préparée*: the views computed right after the import (national, each "
        "organisation's default and national views, last three years) served from the shared cache.",
        "",
        "| View | Mode | Median | p95 | Target p95 |",
        "|---|---|---|---|---|",
    ]
    for case in c["cases"]:
        target = COCKPIT_TARGETS.get((case["label"], case["mode"]))
        verdict = f"≤ {target} ms {ok(case['p95_ms'] <= target)}" if target else ""
        lines.append(f"| {case['label']} | {case['mode']} | {case['median_ms']:,.0f} ms | {case['p95_ms']:,.0f} ms | "
                     f"{verdict} |")  # fmt: skip
    lines += [
        "",
        f"Preparation after import: prepared DuckDB file {c.get('prepare_s', '—')} s, views computed into the "
        f"cache {c.get('warm_s', '—')} s. Peak memory of the measuring process (it also wrote the prepared file): "
        f"{c['rss_mb']:,} MB.",
        "",
        C_END,
    ]
    section = "\n".join(lines)
    text = DOC.read_text(encoding="utf-8")
    if C_BEGIN in text:
        text = re.sub(re.escape(C_BEGIN) + ".*?" + re.escape(C_END), section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_600_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, help="use this corpus (with --truth) instead of generating")
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--no-cockpit", action="store_true", help="skip the cockpit server-time benchmark")
    parser.add_argument(
        "--cleaning-max",
        type=int,
        default=300_000,
        help="score cleaning only up to this many records (bench/score_cleaning.py holds the corpus in memory: "
        "8 GB at 1.6 M records, measured)",
    )
    args = parser.parse_args()
    res = {"date": datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "n": args.n,
           "seed": args.seed, "machine": machine()}  # fmt: skip
    corpus, truth = (args.corpus, args.truth) if args.corpus else generate(args.n, args.seed)
    print(f"corpus {corpus} ({corpus.stat().st_size / 1e9:.2f} GB)", flush=True)
    res["bare_s"], res["bare_split_s"] = bare_load(corpus)
    print(f"bare load {res['bare_s']:.1f} s", flush=True)
    store_dir = OUT / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    env = dict(os.environ, PILOTE_DATA_DIR=str(store_dir))
    wall, peak, out = run_measured(
        [sys.executable, "manage.py", "decp", "import", str(corpus), "--json", "--sans-preparations"], env=env
    )
    report = json.loads(out.strip().splitlines()[-1])
    res["import"] = {
        "wall_s": wall, "peak_mb": peak, "read": report["read"], "stored": report["stored"],
        "duplicates": report["duplicates"], "rejected": report["rejected"], "timings": report.get("timings_s", {}),
        "identity": report["read"] == report["stored"] + report["duplicates"] + report["rejected"],
        "flagged": report["flagged"],
    }  # fmt: skip
    print(f"import {wall:.1f} s, peak {peak:.0f} MB", flush=True)
    gen_dir = store_dir / "decp" / "generations" / report["generation"]
    res["dedup"] = dedup_scores(truth, gen_dir)
    print(json.dumps(res["dedup"]), flush=True)
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
    (OUT / "decp-bench.json").write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str))
    if not args.no_docs:
        write_doc(res)
        if "cockpit" in res:
            write_cockpit_doc(res)
    print(json.dumps({k: v for k, v in res.items() if k != "import"} | {"import": res["import"] | {"flagged": "…"}},
                     indent=2, default=str))  # fmt: skip


if __name__ == "__main__":
    main()
