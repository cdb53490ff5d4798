"""The app serving while it imports (issue 16: « no request during an import slower than 1 s; each web worker
≤ 400 MB RSS after searches, cockpit and API calls »).

    python bench/serving_bench.py --store bench/out/store --update bench/out/decp-30000-8.json \
        [--workers 3 --threads 4 --clients 3 --before 20 --after 30] [--database-url postgres://…] [--json out.json]

1. The store (`--store`, a PILOTE_DATA_DIR holding an imported generation, e.g. the one `bench/run_all.py` just
   imported with its preparations) is served as the README deploys it: `collectstatic`, then gunicorn with
   PILOTE_ENV=production, a real secret key, ALLOWED_HOSTS, PILOTE_TRUSTED_PROXIES=127.0.0.1 and the README's
   options (3 workers × 4 threads, timeout 120 s). Database: a fresh SQLite file beside the bench (the default
   database) or `--database-url` (PostgreSQL, recreated). One organisation whose buyer is the store's busiest
   SIRET, one member (« acheteur ») with a personal API token.
2. `--clients` client threads (this process) send requests back to back, each on a signed-in session (after
   one warm-up cycle each, reported apart: the first requests of a worker open the index and the files), cycling
   through: explorer search (a different word each time), the organisation's cockpit, the national cockpit,
   the peers' national reference, and the contracts API with the token. Phases: `--before` seconds of serving,
   then `manage.py decp import <update file>` (the command as shipped: preparations included, same production
   environment) into the same store while the clients go on, then `--after` seconds once it has published.
3. Every `--sample` seconds each gunicorn worker's /proc/<pid>/status (VmRSS, VmHWM, RssAnon, RssFile) is read.

A request is « during the import » when its time span overlaps the import's. Reported per phase and page:
count, errors (5xx or no answer), p50, p95, max; the requests above 1 s during the import with their start
relative to the import's; each worker's memory at the end of each phase and its peak. Exit status 0 whatever the
figures (the report says whether the targets are met).
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests


sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrency import free_port, manage, production_env, recreate_postgres_database, wait_ready
from measure import TreeSampler, children, proc_status


BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Banc-service-" + secrets.token_hex(6)
SLOW_S = 1.0
WORKER_TARGET_MB = 400
WORDS = [
    "travaux", "restauration scolaire", "nettoyage des locaux", "fournitures de bureau", "entretien espaces verts",
    "maintenance informatique", "transport scolaire", "assurance", "voirie", "énergie", "formation", "impression",
    "chauffage", "éclairage public", "mobilier", "vidéoprotection", "assainissement", "toiture", "logiciel",
]  # fmt: skip

SETUP_CODE = """
import json, os
from pilote.core.api_tokens import do_create_api_token
from pilote.core.enums import Role
from pilote.core.models import User
from pilote.core.services import do_add_member, do_create_organisation
organisation = do_create_organisation(name="Banc de service", kind="region", sirets=[os.environ["BENCH_SIRET"]],
                                      actor=None, slug="banc-service")
user = User.objects.create_user(email="banc-service@banc.pilote.test", password=os.environ["BENCH_PASSWORD"])
do_add_member(organisation, user=user, role=Role.ACHETEUR, actor=None)
_, raw = do_create_api_token(user, name="banc de service", actor=user)
print("BENCH-JSON" + json.dumps({"email": user.email, "slug": organisation.slug, "token": raw}))
"""


def busiest_buyer(data_dir: Path) -> tuple[str, int, int]:
    """(SIRET of the buyer with most contracts, its contracts, contracts in the store)."""
    gen = (data_dir / "decp" / "CURRENT").read_text().strip()
    sys.path.insert(0, str(BASE_DIR))
    from pilote.decp import tables  # the generation's tables, merge-on-read

    contrats = tables.scan(data_dir / "decp" / "generations" / gen, "contrats")
    counts = contrats.group_by("acheteur_id").len().sort("len", descending=True).collect()
    return counts["acheteur_id"][0], int(counts["len"][0]), int(counts["len"].sum())


class Client:
    """One signed-in browser (cookies kept by hand: they are Secure and the loopback speaks plain HTTP)."""

    def __init__(self, n: int, base: str, person: dict, record):
        self.n, self.base, self.person, self.record = n, base, person, record
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.16.0.{n + 1}",
                        "Origin": "https://" + urlsplit(base).netloc}  # fmt: skip

    def get(self, page: str, path: str, expected=200, method="GET", **kwargs):
        headers = dict(self.headers) | kwargs.pop("headers", {})
        if self.cookies and "Authorization" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started_wall, started = time.time(), time.perf_counter()
        status, error = None, ""
        try:
            response = self.http.request(method, self.base + path, headers=headers, allow_redirects=False,
                                         timeout=300, **kwargs)  # fmt: skip
            status = response.status_code
            self.cookies.update(response.cookies.items())
        except requests.RequestException as exc:
            response, error = None, repr(exc)
        self.record(page, started_wall, time.perf_counter() - started, status, expected, error)
        return response

    def login(self):
        self.get("connexion (formulaire)", "/connexion/")
        data = {"email": self.person["email"], "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}  # fmt: skip
        self.get("connexion (envoi)", "/connexion/", expected=302, method="POST", data=data,
                 headers={"Referer": self.headers["Origin"] + "/connexion/"})  # fmt: skip

    def cycle(self, i: int):
        slug, word = self.person["slug"], WORDS[(self.n * 7 + i) % len(WORDS)]
        self.get("recherche (explorateur)", f"/o/{slug}/explorer/?q={quote(word)}")
        self.get("cockpit (organisation)", f"/o/{slug}/cockpit/")
        self.get("cockpit (national)", f"/o/{slug}/cockpit/?perimetre=national")
        self.get("pairs + référence nationale", f"/o/{slug}/cockpit/pairs/?perimetre=national")
        self.get("API /api/v1/contrats (jeton)", f"/api/v1/contrats?q={quote(word)}",
                 headers={"Authorization": "Bearer " + self.person["token"]})  # fmt: skip


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[dict] = []

    def record(self, page, start, seconds, status, expected, error):
        with self.lock:
            self.rows.append({"page": page, "start": start, "end": start + seconds, "s": seconds, "status": status,
                              "expected": expected, "error": error})  # fmt: skip


class WorkerWatch:
    """Reads each gunicorn worker's memory every `period` seconds; keeps the last reading and the peaks."""

    def __init__(self, master: int, period: float):
        self.master, self.period = master, period
        self.last: dict[int, dict] = {}
        self.peak: dict[int, dict] = defaultdict(dict)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            self.read()
            self.stop.wait(self.period)

    def read(self):
        for pid in children(self.master):
            status = proc_status(pid)
            if status:
                self.last[pid] = status
                for key, value in status.items():
                    self.peak[pid][key] = max(self.peak[pid].get(key, 0), value)

    def snapshot(self) -> dict:
        self.read()
        alive = children(self.master)
        return {
            str(pid): {k: round(v) for k, v in self.last[pid].items()} for pid in sorted(alive) if pid in self.last
        }

    def reset_peaks(self) -> dict:
        out = {str(pid): {k: round(v) for k, v in peak.items()} for pid, peak in self.peak.items()}
        self.peak = defaultdict(dict)
        return out


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else None


def summarise(rows: list[dict]) -> list[dict]:
    pages = defaultdict(list)
    for row in rows:
        pages[row["page"]].append(row)
    out = []
    for page, items in pages.items():
        times = [r["s"] for r in items]
        errors = sum(1 for r in items if r["status"] is None or r["status"] >= 500)
        unexpected = sum(1 for r in items if r["status"] is not None and r["status"] < 500
                         and r["status"] != r["expected"])  # fmt: skip
        out.append({"page": page, "n": len(items), "errors": errors, "unexpected": unexpected,
                    "p50_ms": percentile(times, 0.5) * 1000, "p95_ms": percentile(times, 0.95) * 1000,
                    "max_ms": max(times) * 1000, "over_1s": sum(1 for t in times if t > SLOW_S)})  # fmt: skip
    return out


# The import's steps in the order they run (pilote.decp.pipeline); their durations come from its report.
STEPS = ["materialiser", "lire_nettoyer", "identifier", "noter_qualite", "ecrire_tables", "changements", "preparer",
         "verifier", "publier", "apres_publication"]  # fmt: skip


def step_windows(import_start, import_end, timings):
    """(name, start, end) of each step, laid back to back so that the last one ends when the command exits
    (a few tenths of a second early: the JSON report is printed after it); before the first step, Django's
    start-up and the store lock: « démarrage »."""
    windows, end = [], import_end
    for name in reversed(STEPS):
        duration = timings.get(name, 0.0)
        windows.append((name, end - duration, end))
        end -= duration
    windows.append(("démarrage", import_start, end))
    return list(reversed(windows))


def by_step(rows, windows):
    """Requests of the import grouped by the step running when they started: n, p95, max, above 1 s."""
    out = []
    for name, start, end in windows:
        times = [r["s"] for r in rows if start <= r["start"] < end]
        out.append({"step": name, "duration_s": round(end - start, 1), "n": len(times),
                    "p95_ms": (percentile(times, 0.95) or 0) * 1000, "max_ms": max(times, default=0) * 1000,
                    "over_1s": sum(1 for t in times if t > SLOW_S)})  # fmt: skip
    return out


def phase_of(row, import_start, import_end):
    if row["end"] < import_start:
        return "avant"
    if row["start"] > import_end:
        return "après"
    return "pendant"


def serve(args, data_dir: Path, work: Path):
    database_url = args.database_url or f"sqlite:///{work / 'db.sqlite3'}"
    if database_url.startswith("postgres"):
        recreate_postgres_database(database_url)
    elif (data_dir / "db.sqlite3").exists():  # the import bench's migrated database: migrate is then a no-op
        shutil.copy(data_dir / "db.sqlite3", work / "db.sqlite3")
    env = production_env(data_dir, database_url)
    siret, volume, contracts = busiest_buyer(data_dir)
    manage(env, "migrate", "--noinput", "-v0")
    setup = env | {"BENCH_SIRET": siret, "BENCH_PASSWORD": PASSWORD}
    person = json.loads(manage(setup, "shell", "-c", SETUP_CODE).split("BENCH-JSON", 1)[1])
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120"]  # fmt: skip
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stderr=log)
    res = {"organisation_siret": siret, "organisation_contracts": volume, "store_contracts": contracts, "database": database_url.split(":")[0],
           "workers": args.workers, "threads": args.threads, "clients": args.clients}  # fmt: skip
    try:
        wait_ready(base, server)
        res |= run_phases(args, env, base, server.pid, person)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    return res


def run_phases(args, env, base, master, person):
    recorder, warmup = Recorder(), Recorder()
    clients = [Client(n, base, person, recorder.record) for n in range(args.clients)]
    clients[0].login()
    for client in clients[1:]:
        client.cookies = dict(clients[0].cookies)
    watch = WorkerWatch(master, args.sample)
    watch.read()
    memory = {"au démarrage": watch.snapshot()}
    watch.thread.start()
    stop = threading.Event()

    def loop(client):
        i = 0
        while not stop.is_set():
            client.cycle(i)
            i += 1

    for client in clients:  # one cycle each to warm up (index opened, first queries): not in the phases
        client.record = warmup.record
        client.cycle(len(WORDS) - 1)
        client.record = recorder.record
    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    loads = {"avant": os.getloadavg()}
    time.sleep(args.before)
    memory["avant l'import"] = watch.snapshot()
    peaks = {"avant": watch.reset_peaks()}
    cmd = [PYTHON, "manage.py", "decp", "import", str(args.update), "--json"]
    import_start = time.time()
    proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    load_during = []
    with TreeSampler(proc.pid) as sampler:
        while proc.poll() is None:
            load_during.append(os.getloadavg()[0])
            time.sleep(min(5.0, args.sample * 4))
        out, err = proc.communicate()
    import_end = time.time()
    if proc.returncode:
        stop.set()
        raise SystemExit("l'import pendant le service a échoué :\n" + err.decode(errors="replace")[-3000:])
    report = json.loads(out.decode().strip().splitlines()[-1])
    memory["fin de l'import"] = watch.snapshot()
    peaks["pendant"] = watch.reset_peaks()
    loads["pendant (max)"] = (max(load_during, default=0),)
    time.sleep(args.after)
    stop.set()
    for thread in threads:
        thread.join(timeout=320)
    watch.stop.set()
    memory["après (fin du banc)"] = watch.snapshot()
    peaks["après"] = watch.reset_peaks()
    loads["après"] = os.getloadavg()
    phases = defaultdict(list)
    for row in recorder.rows:
        if not row["page"].startswith("connexion"):
            phases[phase_of(row, import_start, import_end)].append(row)
    slow = sorted((r for r in phases["pendant"] if r["s"] > SLOW_S), key=lambda r: -r["s"])
    windows = step_windows(import_start, import_end, report.get("timings_s", {}))
    return {
        "by_step": by_step(phases["pendant"], windows),
        "over_1s_before": sum(1 for r in phases["avant"] if r["s"] > SLOW_S),
        "warmup": summarise(warmup.rows),
        "rows": [
            {k: (round(v - import_start, 3) if k in ("start", "end") else v) for k, v in r.items()}
            for r in recorder.rows
        ],
        "import": {
            "wall_s": import_end - import_start,
            "peak_mb": sampler.peak_tree_mb,
            "max_process_hwm_mb": sampler.max_process_hwm_mb,
            "read": report.get("read"),
            "stored": report.get("stored"),
            "timings_s": report.get("timings_s", {}),
            "generation": report.get("generation"),
        },
        "phases": {name: summarise(rows) for name, rows in phases.items()},
        "requests": {name: len(rows) for name, rows in phases.items()},
        "slow_during": [
            {
                "page": r["page"],
                "s": round(r["s"], 2),
                "start_after_import_s": round(r["start"] - import_start, 1),
                "status": r["status"],
            }
            for r in slow[:15]
        ],
        "over_1s_during": len(slow),
        "memory": memory,
        "peaks": peaks,
        "load": {k: [round(x, 1) for x in v] for k, v in loads.items()},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store",
        type=Path,
        required=True,
        help="PILOTE_DATA_DIR holding an imported generation; --update is imported into it (make bench passes a "
        "linked copy of its store)",
    )
    parser.add_argument("--update", type=Path, required=True, help="file imported while the app serves")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--before", type=float, default=20.0)
    parser.add_argument("--after", type=float, default=30.0)
    parser.add_argument("--sample", type=float, default=0.5)
    parser.add_argument("--database-url", default="", help="défaut : SQLite neuve à côté du banc")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    work = BASE_DIR / "bench" / "out" / "serving"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    res = {"date": started, "store": str(args.store), "update": str(args.update)} | serve(args, args.store, work)
    text = json.dumps(res, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text)
    print(text)
    return res


if __name__ == "__main__":
    main()
