#!/usr/bin/env python
"""Monthly update benchmark (issue 16, decision 0021): a monthly file of M records imported into a store of N.

SYNTHETIC data only (shared/bench/decp_synth.py): N + M records are generated with one seed and split, so that
the monthly file holds new contracts *and* republications of contracts already in the store (the generator's
duplicates point anywhere in the file). The store is imported once per version of the code (`decp import`, as
shipped); then, each on its own copy of that store, the monthly file is imported
  - as shipped (preparations and after-publish work included): what users run; `--repeat` times (3), each on a
    fresh copy, the run of median wall time reported with every run's time and the highest peak;
  - with `--sans-preparations`: the data alone (the difference is the derived artefacts' share);
and `decp rebuild --sans-preparations` runs on the result (the full path the incremental one must equal). The
store's database holds `--organisations` organisations (20), the store's largest buyers: the work after an import
grows with them.
Each command runs under /usr/bin/time -v (wall time, peak RSS of the command and its children). Disk of the
store (`du`, hard-linked files counted once) before and after, and at the import's peak (the store's size
before plus the largest growth of the file system's used space while it ran).

    .venv/bin/python bench/monthly_update_bench.py --store 200000 --monthly 30000 [--workdir /tmp/monthly]

Prints one JSON object (also written to <workdir>/monthly-<N>.json) and a Markdown table row.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import measure


REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "bench" / "decp_synth.py"


def split(src, n_store, store_path, monthly_path):
    """Cut a generated file (one record per line in the 2022 envelope) into the store's records and the monthly
    file's, marchés and concessions in proportion; returns (records in the store, records in the monthly file)."""
    marches, concessions, current = [], [], None
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            text = line.strip()
            if text.startswith('{"marches"'):
                current = marches
            elif text.startswith('], "contrat-concession"'):
                current = concessions
            elif text and not text.startswith("]}}"):
                current.append(text.rstrip(","))
    share = n_store / (len(marches) + len(concessions))
    km, kc = round(len(marches) * share), round(len(concessions) * share)
    for path, m, c in ((store_path, marches[:km], concessions[:kc]), (monthly_path, marches[km:], concessions[kc:])):
        with open(path, "w", encoding="utf-8") as out:
            out.write('{"marches": {"marche": [\n' + ",\n".join(m) + '\n], "contrat-concession": [\n')
            out.write(",\n".join(c) + "\n]}}\n")
    return km + kc, len(marches) + len(concessions) - km - kc


class DiskPeak(threading.Thread):
    """The largest growth of the used space of `path`'s file system while the command runs (sampled every
    0.2 s; meaningful on a machine where nothing else writes), in MB: with the store's size before, the store's
    size at the import's peak (the generations it holds while it writes the new one)."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.base, self.peak, self.done = path, shutil.disk_usage(path).used, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            self.peak = max(self.peak, shutil.disk_usage(self.path).used - self.base)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return round(self.peak / 2**20)


def timed(args, data_dir, disk=None):
    """Run `manage.py decp <args> --json` under /usr/bin/time -v; returns (report, wall s, peak RSS MB); `disk`
    (a dict) receives the peak growth of the disk used while it ran (`DiskPeak`)."""
    env = dict(os.environ, PILOTE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    cmd = ["/usr/bin/time", "-v", sys.executable, str(REPO / "manage.py"), "decp", *args, "--json"]
    sampler = DiskPeak(data_dir)
    sampler.start()
    try:
        done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    finally:
        grown = sampler.stop()
    if disk is not None:
        disk["growth_mb"] = grown
    if done.returncode != 0:
        raise SystemExit(f"échec de « decp {' '.join(args)} » :\n{done.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr).group(1)
    seconds = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) // 1024
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report, round(seconds, 1), rss


def disk_mb(data_dir):
    out = subprocess.run(["du", "-sm", str(Path(data_dir) / "decp")], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


# The organisations of a deployment (each with one buyer SIRET, the store's largest buyers): what follows an import
# scales with them (their cockpit views are warmed: by a task of the worker since session 17, by the import before).
ORGANISATIONS = """
from pilote.core.models import BuyerEntity, Organisation
from pilote.decp import store, tables
n = {n} - Organisation.objects.count()
if n > 0:
    top = (tables.scan(store.current_generation_dir(), "contrats").group_by("acheteur_id").len()
           .drop_nulls().sort(["len", "acheteur_id"], descending=True).head({n}).collect()["acheteur_id"])
    for siret in top.to_list()[-n:]:
        o = Organisation.objects.create(name=f"Acheteur {{siret}}", slug=f"bench-{{siret}}", kind="commune")
        BuyerEntity.objects.create(organisation=o, siret=siret)
"""


def code_version() -> str:
    """A hash of the app's sources. A store imported by other code is imported again: its artefacts, written by
    other definitions, would be rebuilt whole by the first update (a store of session 19 cost the monthly file 32 s
    instead of 10 in session 20), which is what an upgrade costs once, not what a monthly file costs."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "pilote").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def add_organisations(data_dir, n):
    """`n` organisations in the store's database (the largest buyers of its contracts), once."""
    env = dict(os.environ, PILOTE_DATA_DIR=str(data_dir))
    cmd = [sys.executable, str(REPO / "manage.py"), "shell", "-c", ORGANISATIONS.format(n=n)]
    subprocess.run(cmd, env=env, cwd=REPO, check=True, capture_output=True)


def migrate(data_dir):
    env = dict(os.environ, PILOTE_DATA_DIR=str(data_dir))
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "-v0"], env=env, cwd=REPO, check=True)


def run(store_n, monthly_n, workdir, seed, repeat=3, organisations=20):
    workdir.mkdir(parents=True, exist_ok=True)
    every = workdir / f"all-{store_n}-{monthly_n}-{seed}.json"
    store_file, monthly_file = workdir / f"store-{store_n}.json", workdir / f"monthly-{monthly_n}.json"
    if not every.exists():
        cmd = [sys.executable, str(GENERATOR), "--n", str(store_n + monthly_n), "--seed", str(seed)]
        subprocess.run([*cmd, "--out", str(every), "--quiet"], check=True)
    split(every, store_n, store_file, monthly_file)
    base = workdir / f"store-{store_n}"
    built_by, version = base / "code-version", code_version()
    if not (base / "decp" / "CURRENT").exists() or not built_by.exists() or built_by.read_text() != version:
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        migrate(base)
        timed(["import", str(store_file)], base)
        built_by.write_text(version)
    add_organisations(base, organisations)
    result = {"store_records": store_n, "monthly_records": monthly_n, "store_disk_mb": disk_mb(base)}
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    result["organisations"] = organisations
    for name, extra, times in (("tel_que_livre", [], repeat), ("sans_preparations", ["--sans-preparations"], 1)):
        runs = [_monthly_run(base, workdir / f"run-{name}", monthly_file, extra, result["store_disk_mb"])
                for _ in range(max(times, 1))]  # fmt: skip
        result[name] = _median_run(runs)
    report, wall, rss = timed(["rebuild", "--sans-preparations"], workdir / "run-sans_preparations")
    result["rebuild_sans_preparations"] = {"wall_s": wall, "peak_rss_mb": rss, "timings_s": report["timings_s"]}
    return result


def _monthly_run(base, copy, monthly_file, extra, store_disk_mb) -> dict:
    """One import of the monthly file into a fresh copy of the store."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(base, copy, symlinks=True)
    load, disk = measure.wait_quiet()["load"], {}  # the previous run's tail is not this one's cost
    report, wall, rss = timed(["import", str(monthly_file), *extra], copy, disk)
    return {
        "wall_s": wall,
        "peak_rss_mb": rss,
        "load_avg_1min_before": round(load, 2),
        "disk_peak_mb": store_disk_mb + disk["growth_mb"],
        "disk_after_mb": disk_mb(copy),
        "timings_s": report["timings_s"],
        "stored": report["stored"],
        "duplicates": report["duplicates"],
        "replaced": report["replaced"],
    }


def _median_run(runs: list[dict]) -> dict:
    """The run of median wall time, with every run's wall time and the highest peak: a shared 2-core machine's
    speed changes by 15-50 % within the hour (docs/benchmarks.md, sessions 15-17), and one run says little."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    median = dict(ordered[len(ordered) // 2])
    median["wall_s_runs"] = [r["wall_s"] for r in ordered]
    median["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=int, default=200_000)
    parser.add_argument("--monthly", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pilote-monthly-bench")
    parser.add_argument("--repeat", type=int, default=3, help="imports as shipped, each on a fresh copy (median)")
    parser.add_argument("--organisations", type=int, default=20, help="organisations of the store's database")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    measure.cached_bytecode(args.workdir)
    result = run(args.store, args.monthly, args.workdir, args.seed, args.repeat, args.organisations)
    result.update(
        {"date": started, "machine": f"{platform.node()} {os.cpu_count()} cœurs", "python": platform.python_version()}
    )
    (args.workdir / f"monthly-{args.store}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    shipped, bare = result["tel_que_livre"], result["sans_preparations"]
    print(
        f"| {args.store:,} | {args.monthly:,} | {shipped['wall_s']} s ({', '.join(map(str, shipped['wall_s_runs']))}) / "
        f"{shipped['peak_rss_mb']} MB | "
        f"{bare['wall_s']} s / {bare['peak_rss_mb']} MB | {shipped['timings_s'].get('preparer', 0)} s | "
        f"{result['store_disk_mb']} → {shipped['disk_peak_mb']} (pic) → {shipped['disk_after_mb']} MB | "
        f"{shipped['load_avg_1min_before']} |"
    )


if __name__ == "__main__":
    main()
