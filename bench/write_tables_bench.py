#!/usr/bin/env python
"""The write-tables step alone (issue 16): its time and peak memory on the inputs of one monthly import, for one or
more checkouts of Pilote run back to back, alternated, each in a fresh process.

SYNTHETIC data only: the store and the monthly file are those of bench/monthly_update_bench.py.

    # 1. capture the step's inputs (the run's cleaned parts, the winners frame, the rejects) from a real import
    #    of the monthly file into a copy of the store; the import is stopped before the step (store untouched)
    .venv/bin/python bench/write_tables_bench.py capture --store /tmp/monthly/store-200000 \
        --monthly /tmp/monthly/monthly-30000.json --capture /tmp/monthly/capture
    # 2. replay the step on those inputs, alternating the checkouts, N rounds
    .venv/bin/python bench/write_tables_bench.py replay --capture /tmp/monthly/capture \
        --repo /path/to/main --repo /path/to/branch --runs 3

Each replay prints the step's wall time, the peak RSS of the process (VmHWM: the step is the only work it does
besides loading its inputs), the load average before it, and an order-independent fingerprint of every table
written (schema + the sum of the row hashes), so that two checkouts are shown to write the same content.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]

CAPTURE = r"""
import json, os, shutil, sys
from pathlib import Path
import django
django.setup()
from pilote.decp import pipeline
from pilote.decp.pipeline import run_import

capture = Path(sys.argv[1])

class Captured(Exception):
    pass

def capture_args(out, parts, old_dir, run_id, win, results, workers=1):
    shutil.copytree(parts, capture / "parts")
    shutil.copy(out / "copies.parquet", capture / "copies.parquet")  # written by the identify step
    win.write_parquet(capture / "win.parquet")
    rejects = [list(r.rejects) for r in results]
    meta = {"old_dir": str(old_dir), "run_id": run_id, "workers": workers}
    (capture / "meta.json").write_text(json.dumps({"meta": meta, "rejects": rejects}), encoding="utf-8")
    raise Captured()

pipeline.write_tables = capture_args
try:
    run_import([sys.argv[2]], prepare=False)
except Captured:
    print("captured")
"""

REPLAY = r"""
import json, os, shutil, sys, time, types
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import polars as pl
from pilote.decp import store, tables
from pilote.decp.steps.write_tables import write_tables

capture, out = Path(sys.argv[2]), Path(sys.argv[3])
captured = json.loads((capture / "meta.json").read_text(encoding="utf-8"))
meta, rejects = captured["meta"], [[tuple(r) for r in rs] for rs in captured["rejects"]]
win = pl.read_parquet(capture / "win.parquet")
results = [types.SimpleNamespace(rejects=r) for r in rejects]

def rss_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

shutil.copy(capture / "copies.parquet", out / "copies.parquet")
before = rss_mb("VmRSS:")
started, cpu = time.monotonic(), os.times()
write_tables(out, capture / "parts", Path(meta["old_dir"]), meta["run_id"], win, results, workers=meta["workers"])
wall = time.monotonic() - started
totals = {t: tables.row_count(out, t) for t in store.TABLES}
cpu = sum(os.times()[:2]) - sum(cpu[:2])
prints = {}
for table in sorted(totals):
    frame = pl.read_parquet(out / f"{table}.parquet")
    frame = frame.select(sorted(frame.columns))
    schema = {c: str(t) for c, t in frame.schema.items()}
    prints[table] = [frame.height, int(frame.hash_rows(seed=1).sum()) if frame.height else 0, schema]
print(json.dumps({"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rss_before_mb": before, "peak_rss_mb": rss_mb("VmHWM:"),
                  "totals": totals, "fingerprints": prints}))
"""


def capture(args):
    args.capture.mkdir(parents=True, exist_ok=False)
    work = Path(tempfile.mkdtemp(prefix="write-capture-"))
    try:
        store_copy = work / "store"
        shutil.copytree(args.store, store_copy, symlinks=True)
        env = dict(os.environ, PILOTE_DATA_DIR=str(store_copy), DJANGO_SETTINGS_MODULE="config.settings")
        subprocess.run(
            [sys.executable, "-c", CAPTURE, str(args.capture), str(args.monthly)], env=env, cwd=REPO, check=True
        )
        # the replay reads the previous generation from the copy: keep it beside the capture
        meta_path = args.capture / "meta.json"
        captured = json.loads(meta_path.read_text(encoding="utf-8"))
        shutil.copytree(captured["meta"]["old_dir"], args.capture / "old")
        captured["meta"]["old_dir"] = str(args.capture / "old")
        meta_path.write_text(json.dumps(captured), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def replay_once(repo, capture_dir):
    out = Path(tempfile.mkdtemp(prefix="write-replay-"))
    try:
        load = os.getloadavg()[0]
        env = dict(os.environ, PYTHONPATH=str(repo))
        done = subprocess.run(
            [sys.executable, "-c", REPLAY, str(repo), str(capture_dir), str(out)],
            env=env, cwd=repo, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"échec du rejeu ({repo}) :\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["load_avg_1min_before"] = round(load, 2)
        return result
    finally:
        shutil.rmtree(out, ignore_errors=True)


def replay(args):
    rows = []
    for n in range(args.runs):
        for repo in args.repo:
            result = replay_once(repo, args.capture)
            result.update({"repo": str(repo), "round": n})
            rows.append(result)
            print(
                f"round {n} {repo}: {result['wall_s']} s (CPU {result['cpu_s']} s), peak {result['peak_rss_mb']} MB "
                f"(inputs {result['rss_before_mb']} MB), load {result['load_avg_1min_before']}",
                flush=True,
            )
    first = rows[0]["fingerprints"]
    same = all(r["fingerprints"] == first for r in rows)
    print("contenu identique entre les rejeux :" if same else "CONTENU DIFFÉRENT entre les rejeux :", same)
    if not same:
        for r in rows:
            print(r["repo"], json.dumps(r["fingerprints"]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("--store", type=Path, required=True, help="data dir of the store (contains decp/)")
    cap.add_argument("--monthly", type=Path, required=True)
    cap.add_argument("--capture", type=Path, required=True)
    rep = sub.add_parser("replay")
    rep.add_argument("--capture", type=Path, required=True)
    rep.add_argument("--repo", type=Path, action="append", required=True)
    rep.add_argument("--runs", type=int, default=3)
    rep.add_argument("--json", type=Path)
    args = parser.parse_args()
    capture(args) if args.command == "capture" else replay(args)


if __name__ == "__main__":
    main()
