"""Sections of docs/benchmarks.md that `make bench` (bench/run_all.py) generates, each between its own markers
(the hand-written text around them is kept)."""

import re
from pathlib import Path


DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
TARGET_RATIO_SHIPPED, TARGET_PEAK_MB = 2.0, 1536  # issue 16: national pretty-printed import, everything included
TARGET_WALL_S, TARGET_RATIO_ALONE, TARGET_PR = 120, 5.0, 0.99  # issue 4: the import alone
SLOW_S, WORKER_TARGET_MB = 1.0, 400  # issue 16: serving while importing
MONTHLY_WALL_S, MONTHLY_PEAK_MB = 10.0, 1024  # issue 16: a 30 k-record monthly file into the store
SEARCH_P95_MS, RANKING_BEFORE = 30.0, 0.461  # issue 16: search p95 at 1.6 M; the ranking evaluation not worse
# The ranking evaluation's five draws (run_all.RANKING_SEEDS) with the code of 2026-12-05 09:52 UTC (c0c8ad3, the
# last one measured at 46.7 % on the first draw), measured 2026-12-07: what "not worse" is compared with.
RANKING_DRAWS_BEFORE = (0.467, 0.494, 0.479, 0.491, 0.469)
COCKPIT_TARGETS = {("organisation", "froid"): 200, ("organisation", "préparée"): 200, ("nationale", "préparée"): 500,
                   ("nationale", "froid"): 500, ("liste (50, 2024, 1 offre)", "froid"): 200,
                   ("nationale 2025 marchés", "froid"): 500}  # fmt: skip
# Issue 16's cold targets (p95, at 1.6 M, load ≤ 2): stricter than issue 5's above.
COCKPIT_TARGETS_16 = {("organisation", "froid"): 100, ("nationale", "froid"): 300}


def ok(cond) -> str:
    return "✅" if cond else "❌"


def write_section(begin: str, end: str, lines: list[str]) -> None:
    section = "\n".join([begin, *lines, "", end])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def machine_line(m: dict) -> str:
    return f"{m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}"


def _steps(t: dict) -> str:
    return (f"{t.get('lecture_nettoyage', 0):.1f} / {t.get('dedoublonnage_ecriture', 0):.1f} / "
            f"{t.get('preparer', 0):.1f} / {t.get('apres_publication', 0):.1f} s")  # fmt: skip


def import_lines(res: dict) -> list[str]:
    """The DECP import section: the command as shipped on both layouts, then the import alone (sub-measure)."""
    m, n = res["machine"], res["n"]
    line, pretty, alone = res["shipped"], res.get("pretty"), res.get("alone")
    loads = ", ".join(f"{k} {v:.1f}" for k, v in res["loads"].items())
    quiet = max(res["loads"].values()) < 2
    cols = [("One record per line", line, res["floor"])] + (
        [("Pretty-printed (published layout)", pretty, res["floor_pretty"])] if pretty else []
    )
    head = "| Measure | " + " | ".join(c[0] for c in cols) + " | Target (issue 16, at 1.6 M) |"
    rows = [head, "|---|" + "---|" * len(cols) + "---|"]

    def row(label, fmt, target=""):
        rows.append(f"| {label} | " + " | ".join(fmt(r, f) for _, r, f in cols) + f" | {target} |")

    row("File", lambda r, f: f"{r['file_gb']:.2f} GB")
    row("Bare floor of this file (cut to NDJSON + DuckDB read_ndjson → Parquet)", lambda r, f: f"{f['wall_s']:.1f} s")
    row("**`manage.py decp import FILE --json`**, wall", lambda r, f: f"**{r['wall_s']:.1f} s**")
    row("— reading + cleaning / identity + tables / preparations (cockpit file, search index, peers) / after "
        "publication (cockpit views warmed)", lambda r, f: _steps(r["timings"]))  # fmt: skip
    row("Ratio to this file's floor", lambda r, f: f"{r['wall_s'] / f['wall_s']:.2f}× "
        f"{ok(r['wall_s'] / f['wall_s'] <= TARGET_RATIO_SHIPPED)}", f"≤ {TARGET_RATIO_SHIPPED:.0f}×")  # fmt: skip
    row("Ratio to the one-record-per-line floor", lambda r, f: f"{r['wall_s'] / res['floor']['wall_s']:.2f}×")
    row("Peak memory, whole command (sum of the process tree's VmRSS, sampled every 0.1 s)",
        lambda r, f: f"{r['peak_mb']:,.0f} MB {ok(r['peak_mb'] <= TARGET_PEAK_MB)}",
        f"≤ {TARGET_PEAK_MB:,} MB")  # fmt: skip
    row("Largest single process (its VmHWM)", lambda r, f: f"{r['max_process_hwm_mb']:,.0f} MB")
    row("Dedup precision / recall (pairwise vs key `group`)", lambda r, f: f"{r['dedup']['precision']:.4f} / "
        f"{r['dedup']['recall']:.4f} {ok(min(r['dedup']['precision'], r['dedup']['recall']) >= TARGET_PR)}",
        f"≥ {TARGET_PR}")  # fmt: skip
    row("Contracts: ours / true groups", lambda r, f: f"{r['dedup']['contracts_ours']:,} / "
        f"{r['dedup']['groups_true']:,}")  # fmt: skip
    row("Records unaccounted for (neither stored copy nor reject)",
        lambda r, f: f"{r['dedup']['unaccounted']} {ok(r['dedup']['unaccounted'] == 0)}", "0")  # fmt: skip
    row("Report identity read = stored + duplicates + rejected", lambda r, f: f"{r['read']:,} = {r['stored']:,} + "
        f"{r['duplicates']:,} + {r['rejected']:,} {ok(r['identity'])}")  # fmt: skip
    lines = [
        "## DECP import (issues 4 and 16)",
        "",
        f"Date: {res['date']} · command: `python bench/run_all.py --n {n} --seed {res['seed']}` (`make bench`) · "
        f"machine: {machine_line(m)} · load average (1 min): {loads}"
        + (
            "."
            if quiet
            else " — **above 2 (the import's own workers count in it, and any other job): wall times "
            "may include waiting for a core**."
        ),
        "",
        f"**{n:,} synthetic records** (`../shared/bench/decp_synth.py --n {n} --seed {res['seed']}`, never shown "
        "as real). The pretty-printed file holds the same records in the same order, indented by two spaces, one "
        "key per line, as the national file is published (`bench/floors.py`). The command is measured as "
        "shipped: preparations built inside the generation before it is published, then the after-publication "
        "hooks, in a fresh store with a migrated database. The targets are issue 16's for the national file "
        "(1.6 M records)" + (": at this size they are indicative only." if n < 1_600_000 else "."),
        "",
        *rows,
    ]
    if alone:
        f = res["floor"]
        lines += [
            "",
            "Sub-measure, the import alone (`decp import --sans-preparations`, one record per line, the measure of "
            "issue 4 and of earlier rounds):",
            "",
            "| Measure | Result | Target (issue 4) |",
            "|---|---|---|",
            f"| Wall | {alone['wall_s']:.1f} s | ≤ {TARGET_WALL_S} s {ok(alone['wall_s'] <= TARGET_WALL_S)} |",
            f"| — of which reading + cleaning / dedup + writing | {alone['timings'].get('lecture_nettoyage', 0):.1f} s"
            f" / {alone['timings'].get('dedoublonnage_ecriture', 0):.1f} s | |",
            f"| Ratio to the bare floor | {alone['wall_s'] / f['wall_s']:.2f}× | ≤ {TARGET_RATIO_ALONE:.0f}× "
            f"{ok(alone['wall_s'] / f['wall_s'] <= TARGET_RATIO_ALONE)} |",
            f"| Peak memory (process tree) / largest process | {alone['peak_mb']:,.0f} / "
            f"{alone['max_process_hwm_mb']:,.0f} MB | ≤ {TARGET_PEAK_MB:,} MB {ok(alone['peak_mb'] <= TARGET_PEAK_MB)}"
            " |",
        ]  # fmt: skip
    clean = res.get("cleaning")
    if clean:
        lines += ["", f"Injected defects corrected or flagged (bench/score_cleaning.py, retained copies): "
                  f"**{clean['part']:.4f}** of {clean.get('injectes', 0):,} (target ≥ 0.99 {ok(clean['part'] >= 0.99)})."]  # fmt: skip
    elif res.get("cleaning_skipped") or res.get("cleaning_error"):
        lines += ["", f"Cleaning score not computed: {res.get('cleaning_skipped') or res.get('cleaning_error')}."]
    return lines


def _worker_rows(s: dict) -> list[str]:
    mem, peaks = s["memory"], s["peaks"]
    rows = ["| Worker | At start: RSS | Before the import: RSS (HWM) | End of the import: RSS (HWM) | "
            "End of the bench: RSS / private (RssAnon) / HWM | Peak RSS during the import | ≤ 400 MB RSS after |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    end = mem["après (fin du banc)"]
    for i, pid in enumerate(sorted(end, key=int), 1):

        def at(phase, pid=pid):
            v = mem.get(phase, {}).get(pid)
            return f"{v['VmRSS']:,} ({v['VmHWM']:,})" if v else "—"

        e = end[pid]
        start = mem["au démarrage"].get(pid, {}).get("VmRSS", "—")
        during = peaks.get("pendant", {}).get(pid, {}).get("VmRSS", "—")
        before, after_import = at("avant l'import"), at("fin de l'import")
        rows.append(
            f"| {i} (pid {pid}) | {start} | {before} | {after_import} | {e['VmRSS']:,} / {e['RssAnon']:,} / "
            f"{e['VmHWM']:,} | {during} | {ok(e['VmRSS'] <= WORKER_TARGET_MB)} |"
        )
    return rows


def serving_lines(res: dict) -> list[str]:
    s, m = res["serving"], res["machine"]
    imp = s["import"]
    phases = s["phases"]
    pages = [p["page"] for p in phases.get("pendant", [])] or [p["page"] for p in phases.get("avant", [])]
    by = {ph: {p["page"]: p for p in rows} for ph, rows in phases.items()}

    def cell(ph, page, keys):
        p = by.get(ph, {}).get(page)
        return " / ".join(f"{p[k]:,.0f}" for k in keys) if p else "—"

    rows = ["| Request | Before: n, p50 / p95 / max (ms) | **During the import**: n | p50 / p95 / max (ms) | > 1 s | "
            "errors | After: p50 / p95 / max (ms) |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for page in pages:
        d = by.get("pendant", {}).get(page, {})
        b = by.get("avant", {}).get(page, {})
        rows.append(f"| {page} | {b.get('n', 0)}, {cell('avant', page, ('p50_ms', 'p95_ms', 'max_ms'))} | {d.get('n', 0)} | "
                    f"{cell('pendant', page, ('p50_ms', 'p95_ms', 'max_ms'))} | {d.get('over_1s', 0)} | {d.get('errors', 0)} | "
                    f"{cell('après', page, ('p50_ms', 'p95_ms', 'max_ms'))} |")  # fmt: skip
    during = phases.get("pendant", [])
    total = sum(p["n"] for p in during)
    before_total = sum(p["n"] for p in phases.get("avant", []))
    worst = max((p["max_ms"] for p in during), default=0)
    all_p95 = max((p["p95_ms"] for p in during), default=0)
    load = s["load"]
    busy = max(load["avant"][0], load["pendant (max)"][0]) >= 2
    end = s["memory"]["après (fin du banc)"]
    workers_ok = all(v["VmRSS"] <= WORKER_TARGET_MB for v in end.values())
    slow = s["slow_during"][:6]
    lines = [
        "## Serving while importing (issue 16)",
        "",
        f"Date: {s['date']} · `python bench/serving_bench.py --store bench/out/store --update {Path(s['update']).name}`"
        f" (run by `make bench` after the import and cockpit measures) · machine: {machine_line(m)} · load average "
        f"(1 min) before {load['avant'][0]:.1f}, highest during the import {load['pendant (max)'][0]:.1f}, after "
        f"{load['après'][0]:.1f}"
        + (
            " — **above 2 (the import, the server and its clients count in it, and any other job): latencies may "
            "include waiting for a core; the cockpit targets are stated at load ≤ 2**."
            if busy
            else "."
        ),
        "",
        f"gunicorn as the README deploys it ({s['workers']} workers × {s['threads']} threads, PILOTE_ENV=production,"
        f" collectstatic, {s['database']}) serving the store the import benchmark just wrote "
        f"({s.get('store_contracts', res['dedup']['contracts_ours']):,} contracts; the organisation is the busiest buyer, "
        f"{s['organisation_contracts']:,} contracts). {s['clients']} client threads, each signed in, send requests "
        "back to back (explorer search with a new word each time, organisation cockpit, national cockpit, peers' "
        "national reference, contracts API with a personal token) while `manage.py decp import` of a new file "
        f"({imp['read']:,} records, another seed) runs into the same store, as shipped: **{imp['wall_s']:.1f} s, "
        f"peak {imp['peak_mb']:,.0f} MB** (steps {_steps(imp['timings_s'])}: reading / identity + tables / "
        "preparations / after publication). A request counts "
        "as during the import when its span overlaps it.",
        "",
        *rows,
        "",
        f"**Requests above 1 s during the import: {s['over_1s_during']} of {total}** (target 0 "
        f"{ok(s['over_1s_during'] == 0)}); highest p95 of a page {all_p95:,.0f} ms, slowest request "
        f"{worst:,.0f} ms."
        + (
            " Slowest: "
            + "; ".join(f"{r['page']} {r['s']:.1f} s at +{r['start_after_import_s']:.0f} s" for r in slow)
            + " (time after the import started)."
            if slow
            else ""
        )
        + f" For comparison, before the import: {s.get('over_1s_before', '—')} of {before_total} above 1 s."
        + (
            " Warm-up (one cycle per client before the phases, not counted): slowest "
            + ", ".join(f"{w['page']} {w['max_ms']:,.0f} ms" for w in s["warmup"])
            + "."
            if s.get("warmup")
            else ""
        ),
        "",
        "Requests grouped by the import step running when they started (step durations from the import's report,"
        " laid back to back from the command's exit):",
        "",
        "| Import step | Duration | Requests | p95 / max (ms) | > 1 s |",
        "|---|---|---|---|---|",
        *[
            f"| {st['step']} | {st['duration_s']:.1f} s | {st['n']} | {st['p95_ms']:,.0f} / {st['max_ms']:,.0f} | "
            f"{st['over_1s']} |"
            for st in s.get("by_step", [])
        ],
        "",
        "Memory of each gunicorn worker, MB, from /proc/<pid>/status (RSS = VmRSS, counts the index pages the "
        "worker has mapped from the page cache, shared between workers; private = RssAnon; HWM = VmHWM, the "
        "worker's peak since it started):",
        "",
        *_worker_rows(s),
        "",
        f"Each worker ≤ {WORKER_TARGET_MB} MB RSS after searches, cockpit and API calls: "
        f"{'met' if workers_ok else '**not met**'} {ok(workers_ok)} (at "
        f"{s.get('store_contracts', res['dedup']['contracts_ours']):,} contracts"
        + ("" if res["n"] >= 1_600_000 else "; the target is stated at 1.6 M records")
        + ").",
    ]
    return lines


def cockpit_lines(res) -> list[str]:
    """The « Cockpit » section: each view's median and p95 against issue 5's and issue 16's targets."""
    m, c = res["machine"], res["cockpit"]
    lines = [
        "## Cockpit (issue 5)",
        "",
        f"Date: {res['date']} · `make bench` (`manage.py cockpit_bench --store bench/out/store --runs {c['runs']}`) "
        f"on the store the DECP benchmark just imported: **{c['contracts']:,} contracts**; measured organisation = "
        f"the most active buyer ({c['organisation_contracts']:,} contracts) · machine: {m['nproc']} cores, "
        f"{m['ram_gib']} GiB · load average at the end of the import {m.get('load_avg_end', [0])[0]:.1f}"
        + (
            f", {c['quiet']['load']:.2f} when the measures began (waited {c['quiet']['waited_s']:.0f} s for ≤ 2)."
            if "quiet" in c
            else "."
        ),
        "",
        "Server time = `cockpit.build()` as the cockpit view calls it (every query of the page, peers included; "
        "the peers' national reference column is a second request, its own row) + rendering of the page "
        "content, in the process. *froid*: query cache emptied before each run (a view "
        "nobody asked since the import); *préparée*: the views computed right after the import (national, each "
        "organisation's default and national views, last three years) served from the shared cache. "
        + (
            "The measures run in a process that has served one page before, as a web worker does: that first page "
            f"of the process (template engine and compiled templates, DuckDB's connection) took "
            f"{c['first_page_ms']:,.0f} ms, once per worker, and is not in the percentiles."
            if "first_page_ms" in c
            else "The first page of the process is among the runs (a measure made before session 20)."
        ),
        "",
        "| View | Mode | Median | p95 | Target p95 (issue 5) | Target p95 (issue 16, load ≤ 2) |",
        "|---|---|---|---|---|---|",
    ]
    for case in c["cases"]:
        verdicts = []
        for targets in (COCKPIT_TARGETS, COCKPIT_TARGETS_16):
            target = targets.get((case["label"], case["mode"]))
            verdicts.append(f"≤ {target} ms {ok(case['p95_ms'] <= target)}" if target else "")
        lines.append(f"| {case['label']} | {case['mode']} | {case['median_ms']:,.0f} ms | {case['p95_ms']:,.0f} ms | "
                     f"{' | '.join(verdicts)} |")  # fmt: skip
    lines += [
        "",
        (
            f"Prepared DuckDB file written by the benchmark: {c['prepare_s']} s"
            if "prepare_s" in c
            else "Prepared DuckDB file built by the import itself (its preparations, see « DECP import »)"
        )
        + f"; views computed into the cache {c.get('warm_s', '—')} s. Peak memory of the measuring process: "
        f"{c['rss_mb']:,} MB.",
    ]
    return lines


def monthly_lines(res: dict) -> list[str]:
    """The monthly update (bench/monthly_update_bench.py) into the store of the bench's size."""
    mo, m = res["monthly"], res["machine"]
    rows = ["| Run | Wall | Peak RSS | Load before | Read / identify / quality / write tables / preparations | "
            "Disk before → peak → after |", "|---|---|---|---|---|---|"]  # fmt: skip
    for key, label in (("tel_que_livre", "as shipped"), ("sans_preparations", "`--sans-preparations`")):
        r, t = mo[key], mo[key]["timings_s"]
        steps = " / ".join(f"{t.get(k, 0):.1f}" for k in ("lire_nettoyer", "identifier", "noter_qualite",
                                                         "ecrire_tables", "preparer"))  # fmt: skip
        runs = r.get("wall_s_runs", [r["wall_s"]])
        wall = f"{r['wall_s']:.1f} s" + (
            f" (median of {len(runs)}: {runs[0]:.1f}-{runs[-1]:.1f})" if len(runs) > 1 else ""
        )
        rows.append(f"| {label} | {wall} | {r['peak_rss_mb']:,} MB | {r['load_avg_1min_before']} | "
                    f"{steps} s | {mo['store_disk_mb']:,} → {r['disk_peak_mb']:,} → {r['disk_after_mb']:,} MB |")  # fmt: skip
    met = _monthly_met(mo["tel_que_livre"])
    return [
        "## Monthly update, generated by `make bench` (issue 16)",
        "",
        f"Date: {mo.get('date', res['date'])}. Machine: {machine_line(m)}. SYNTHETIC data only: {mo['store_records']:,} + "
        f"{mo['monthly_records']:,} records generated with seed {res['seed']} and cut in two; the monthly file holds "
        "new contracts and republications of stored ones (`bench/monthly_update_bench.py`); "
        f"{mo.get('organisations', 0)} organisations in the database. Each run starts once the 1-minute load "
        "average is ≤ 2 (`measure.wait_quiet`, since session 24), on a fresh copy of the store.",
        "",
        *rows,
        "",
        f"Target ≤ {MONTHLY_WALL_S:.0f} s and ≤ {MONTHLY_PEAK_MB} MB as shipped: {ok(met)}. "
        f"`decp rebuild --sans-preparations` of the result: {mo['rebuild_sans_preparations']['wall_s']:.1f} s.",
        *_monthly_sizes(res),
    ]


def _monthly_met(run: dict) -> bool:
    """A monthly update as shipped within issue 16's time and memory."""
    return run["wall_s"] <= MONTHLY_WALL_S and run["peak_rss_mb"] <= MONTHLY_PEAK_MB


def _monthly_sizes(res: dict) -> list[str]:
    """The same file into the smaller stores the bench also built (`monthly_smaller`), beside the bench's own:
    the target holds whatever the store's size."""
    sizes = {int(size): mo for size, mo in res.get("monthly_smaller", {}).items()} | {
        res["monthly"]["store_records"]: res["monthly"]
    }
    if len(sizes) < 2:
        return []
    rows = [
        "",
        "| Store | As shipped (median of 3) | Runs | Peak (highest) | Without preparations | Target |",
        "|---|---|---|---|---|---|",
    ]
    for size, mo in sorted(sizes.items()):
        r, alone = mo["tel_que_livre"], mo["sans_preparations"]
        runs = ", ".join(f"{x:.1f}" for x in r.get("wall_s_runs", [r["wall_s"]]))
        rows.append(f"| {size:,} records | **{r['wall_s']:.1f} s** | {runs} s | {r['peak_rss_mb']:,} MB | "
                    f"{alone['wall_s']:.1f} s / {alone['peak_rss_mb']:,} MB | {ok(_monthly_met(r))} |")  # fmt: skip
    return rows


def search_lines(res: dict) -> list[str]:
    """Search latency and a worker's memory on the bench's store, and the held-out ranking evaluation."""
    se, m = res["search"], res["machine"]
    serve, ranking = se["serve"], se["ranking"]
    ms, after = serve["search_ms"], serve["memory_mb_after_searches"]
    share = ranking["complet"]["share_top10_same_class"]
    other = ranking["complet_autre_acheteur"]["share_top10_same_class"]
    draws = list(ranking.get("draws", {}).values()) or [share]
    mean, before = sum(draws) / len(draws), sum(RANKING_DRAWS_BEFORE) / len(RANKING_DRAWS_BEFORE)
    return [
        "## Search, generated by `make bench` (issue 16)",
        "",
        f"Date: {res['date']}. Machine: {machine_line(m)}. SYNTHETIC store of the DECP benchmark above "
        f"({serve['contracts']:,} contracts): a fresh process opens its index and answers {ms['n']} searches as a "
        "web worker does (words drawn from the objects; national, by year and CPV division, by amount; the index "
        "opened at each request, its pages released past the worker's budget: `bench/search_index_bench.py`).",
        "",
        "| Measure | Result | Target |",
        "|---|---|---|",
        f"| Search p50 / p95 / max | {ms['p50']} / **{ms['p95']}** / {ms['max']} ms | p95 ≤ {SEARCH_P95_MS:.0f} ms "
        f"{ok(ms['p95'] <= SEARCH_P95_MS)} |",
        f"| Worker after the searches: RSS / private (RssAnon) | {after['VmRSS']} / {after['RssAnon']} MB | |",
        f"| Similar contracts (50 objects) p50 / p95 | {serve['similar_ms']['p50']} / {serve['similar_ms']['p95']} ms"
        " | |",
        f"| Ranking: share of the top 10 in the held-out contract's CPV class (real 2019 contracts, "
        f"{ranking['held_out']:,} held out of {ranking['index'] + ranking['held_out']:,}) | **{share:.1%}** "
        f"({other:.1%} without its own buyer; chance {ranking['chance_top10_same_class']:.1%}) | ≥ "
        f"{RANKING_BEFORE:.1%}, not worse {ok(share >= RANKING_BEFORE)} |",
        f"| The same, mean of {len(draws)} draws of the held-out contracts | **{mean:.1%}** ({min(draws):.1%}-"
        f"{max(draws):.1%}) | ≥ {before:.1%}, the code of 2026-12-05 on the same draws "
        f"{ok(len(draws) == len(RANKING_DRAWS_BEFORE) and mean >= before - 0.005)} |",
        "",
        "One draw of ~1,000 held-out contracts moves the share by ±2 points: the issue's figure (46.1 %, then 46.7 "
        "% on 2026-12-05) was one draw; five draws compare two versions of the code. A version within half a point "
        "of the former mean is not worse.",
    ]
