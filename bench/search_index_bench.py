"""Search index shared between processes (issue 16): build time and peak memory, index size, search latency and
the memory of a fresh web-worker-like process after N searches. Results go in the "Search index shared between
processes (issue 16)" section of docs/benchmarks.md.

Corpus: the scaled generation of bench/explorer_bench.py (the 10,193 real 2019 contracts replicated, each copy
with its own uid, buyer, titulaires, date and amount). Each measurement runs in its own child process, so the peak
memory (VmHWM) is that of the build or of the worker alone. The worker's memory is read from /proc: RssAnon is
its private memory, RssFile its file-backed pages (code of the libraries and the index pages it has mapped,
shared with every other worker through the page cache, reclaimable), index_mapped the index pages alone (from
/proc/self/smaps), Pss its proportional share. The worker opens the index through `index.load()` before each
search, as a view does, so `Index.release` runs (at most once a second).

    .venv/bin/python bench/search_index_bench.py --rows 200000 400000 [--searches 300] [--repo PATH] [--serve-only]

--repo runs the same measurement with another checkout's code (e.g. /work/main before this change) on a copy of
the generation, to compare formats on the same corpus and the same machine load.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]


def proc_memory() -> dict:
    """This process's memory in MB: resident (total, private, file-backed), high-water mark and Pss."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = round(int(value.split()[0]) / 1024)
    out["index_mapped"] = round(_index_mapped_kb() / 1024)
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    out["Pss"] = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return out


def _rss_mb() -> int:
    """VmRSS in MB from /proc/self/statm (cheap enough to read after every search)."""
    with open("/proc/self/statm", "rb") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)


def _index_mapped_kb() -> int:
    """Resident KB of this process's mappings of index files (explorer_*): shared page-cache pages."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            head = line.split(maxsplit=1)[0] if line.strip() else ""
            if "-" in head and not head.endswith(":"):  # a mapping's header line: address range, perms, path
                inside = "explorer_" in line
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


def pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))], 2)


def child_build(data_dir: Path) -> dict:
    """Child mode: build the index of the current generation (as the import's preparer does)."""
    from pilote.contracts.search import index
    from pilote.decp import store

    gen = store.current_generation_dir(data_dir)
    for f in gen.glob("explorer_*"):
        if not f.name.startswith(
            ("explorer_titulaires", "explorer_modifications", "explorer_actes", "explorer_copies")
        ):
            f.unlink()
    started = time.perf_counter()
    index.build_index(gen)
    seconds = time.perf_counter() - started
    files = {f.name: f.stat().st_size for f in gen.glob("explorer_*") if f.suffix in (".arrow", ".parquet")}
    index_files = {k: v for k, v in files.items() if k.endswith(".arrow")}
    return {
        "build_s": round(seconds, 1),
        "index_mb": round(sum(index_files.values()) / 1e6, 1),
        "files_mb": {k: round(v / 1e6, 1) for k, v in sorted(index_files.items())},
        "memory_mb": proc_memory(),
    }


def child_serve(data_dir: Path, searches: int) -> dict:
    """Child mode: a fresh process opens the index and answers `searches` searches (national, then filtered by
    year and CPV division, then sorted by amount), like a web worker; memory is read before and after."""
    import polars as pl

    from pilote.contracts.filters import parse_filters
    from pilote.contracts.search import guidance, index, query as queries

    before = proc_memory()
    # The knob of the measured checkout: a mapped-page budget (this version) or a release period (before it).
    knob = "MAPPED_BUDGET" if hasattr(index, "MAPPED_BUDGET") else "RELEASE_EVERY"
    shipped = getattr(index, knob)
    started = time.perf_counter()
    ix = index.load(data_dir)
    opened = {"load_s": round(time.perf_counter() - started, 2), "memory_mb": proc_memory()}
    rng = random.Random(7)
    objets = [o for o in ix.docs["objet"].head(10_193).to_list() if o]
    words = []
    while len(words) < searches:
        parts = [w for w in rng.choice(objets).split() if len(w) > 3]
        if parts:
            words.append(" ".join(parts[: rng.randint(1, 3)]))
    national, _ = parse_filters({"perimetre": "national"})
    year, _ = parse_filters({"perimetre": "national", "annee": "2019", "cpv": "45"})
    plans = [(national, "pertinence"), (year, "pertinence"), (national, "montant_desc")]
    # First without releasing the mapped pages (what RSS would show without `Index.release`), then as shipped.
    setattr(index, knob, float("inf"))
    times = []
    for i, q in enumerate(words):
        filters, sort = plans[i % len(plans)]
        t = time.perf_counter()
        ix = index.load(data_dir)  # as a view does at each request
        queries.search(ix, q=q, filters=filters, sort=sort)
        times.append((time.perf_counter() - t) * 1000)
    after_search = proc_memory()
    # As shipped: the pages are released when the worker's mapped index pages exceed MAPPED_BUDGET (before:
    # RELEASE_EVERY = 0, at the start of every request), so a search maps again the pages it reads after a release
    # (latency cost) and the memory is what the worker keeps mapped within its budget.
    setattr(index, knob, shipped)
    released, releases, rss_max = [], 0, 0
    for i, q in enumerate(words):
        filters, sort = plans[i % len(plans)]
        t = time.perf_counter()
        before_release = ix.released_at
        ix = index.load(data_dir)
        queries.search(ix, q=q, filters=filters, sort=sort)
        released.append((time.perf_counter() - t) * 1000)
        releases += ix.released_at != before_release
        rss_max = max(rss_max, _rss_mb())  # the worker's RSS between two requests, at its largest
    after_released = proc_memory()
    similar = []
    for o in objets[:50]:
        t = time.perf_counter()
        guidance.similar_contracts(objet=o)
        similar.append((time.perf_counter() - t) * 1000)
    return {
        "contracts": ix.size,
        "memory_mb_start": before,
        "opened": opened,
        "search_ms_never_released": {
            "n": len(times),
            "p50": pct(times, 50),
            "p95": pct(times, 95),
            "max": round(max(times), 1),
        },
        "memory_mb_never_released": after_search,
        "search_ms": {
            "n": len(released),
            "p50": pct(released, 50),
            "p95": pct(released, 95),
            "max": round(max(released), 1),
            "releases": releases,
        },
        "rss_mb_max_between_searches": rss_max,
        "memory_mb_after_searches": after_released,
        "similar_ms": {"n": len(similar), "p50": pct(similar, 50), "p95": pct(similar, 95)},
        "memory_mb_after_similar": proc_memory(),
        "polars_threads": pl.thread_pool_size(),
    }


def run_child(mode: str, data_dir: Path, repo: Path, searches: int) -> dict:
    env = dict(os.environ, PILOTE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    env["PYTHONPATH"] = str(repo)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--data-dir", str(data_dir)]
    cmd += ["--searches", str(searches)]
    out = subprocess.run(cmd, env=env, cwd=repo, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare_corpus(workdir: Path, rows: int, label: str) -> Path:
    """A data directory holding the scaled generation of `rows` contracts (copied per code version)."""
    sys.path.insert(0, str(REPO / "bench"))
    import explorer_bench as eb

    data_dir = workdir / f"{label}-{rows}"
    if not (data_dir / "decp" / "CURRENT").exists():
        gen = eb.scaled_generation(eb.real_store(workdir), workdir, rows)
        shutil.copytree(gen.parents[1], data_dir / "decp", ignore=shutil.ignore_patterns("explorer_*"))
    return data_dir


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[200_000, 400_000])
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "explorer-bench"))
    parser.add_argument("--repo", default=str(REPO), help="checkout whose code is measured")
    parser.add_argument("--label", default="shared-index")
    parser.add_argument("--child", choices=["build", "serve"])
    parser.add_argument("--serve-only", action="store_true", help="reuse the index already built in the corpus")
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        data_dir = Path(args.data_dir)
        result = child_build(data_dir) if args.child == "build" else child_serve(data_dir, args.searches)
        print(json.dumps(result))
        return
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PILOTE_DATA_DIR"] = str(workdir / "real")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    results = {"repo": args.repo, "load_at_start": os.getloadavg()}
    for rows in args.rows:
        data_dir = prepare_corpus(workdir, rows, args.label)
        build = {} if args.serve_only else run_child("build", data_dir, Path(args.repo), args.searches)
        serve = run_child("serve", data_dir, Path(args.repo), args.searches)
        results[str(rows)] = {"build": build, "serve": serve}
        print(json.dumps({rows: results[str(rows)]}), flush=True)
    results["load_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
