"""Concurrent sessions against Pilote deployed as the README says (issue 15: « 50 concurrent sessions on loopback
give 0 errors »).

    nice -n 10 .venv/bin/python bench/concurrency.py [--sessions 50] [--rounds 4] [--workers 3]
        [--database-url postgres://postgres@127.0.0.1:5432/pilote_bench_concurrency]

1. Prepares a demo store in a temporary PILOTE_DATA_DIR (`manage.py demo`, `manage.py decp demo`, with
   PILOTE_DEMO=1, as `make demo` does), then creates `--sessions` people spread over the demo organisations and
   roles, each with a personal API token (demo accounts are refused in production, so these are ordinary ones).
2. Runs `collectstatic` and starts gunicorn with PILOTE_ENV=production, a real secret key, ALLOWED_HOSTS and
   PILOTE_TRUSTED_PROXIES=127.0.0.1, with the README's options (`--workers 3 --threads 4 --timeout 120`). The
   clients speak as nginx would: `X-Forwarded-Proto: https` and one `X-Forwarded-For` address per session (the
   cookies are `Secure`, so the client sends them itself over the loopback's plain HTTP).
3. Logs the sessions in at once, then each session walks the main pages for a fixed number of rounds, all
   sessions at the same time: home, cockpit, explorer search, « Préparer un achat », a contract page, the fiche
   list, the census and the JSON API with the personal token.
4. Restarts the web workers (SIGHUP to gunicorn, as a deployment or a crash would) and sends every session's
   « Préparer un achat » at once while the new workers boot (the stemmer race of the audit), several times.

An error is a 5xx or a connection error; any other status than the page's expected one is counted apart (it would
mean the walk is not measuring what it claims). Prints a Markdown table: requests, errors, p50/p95/max per page.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests


BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Banc-concurrence-" + secrets.token_hex(6)
WORDS = [
    "travaux", "restauration scolaire", "nettoyage des locaux", "fournitures de bureau", "entretien espaces verts",
    "maintenance informatique", "transport", "assurance", "voirie", "énergie", "formation", "impression",
]  # fmt: skip

# Creates the bench's people (ordinary accounts: demo ones are refused in production) and their API tokens.
SETUP_CODE = """
import json, os
from pilote.core.api_tokens import do_create_api_token
from pilote.core.enums import Role
from pilote.core.models import Organisation, User
from pilote.core.services import do_add_member
organisations = list(Organisation.objects.order_by("pk"))
roles = [Role.AGENT, Role.ACHETEUR, Role.APPUI, Role.ELU, Role.ADMIN]
people = []
for n in range(int(os.environ["BENCH_SESSIONS"])):
    organisation, role = organisations[n % len(organisations)], roles[(n // len(organisations)) % len(roles)]
    user = User.objects.create_user(email=f"banc{n:02d}@banc.pilote.test", password=os.environ["BENCH_PASSWORD"])
    do_add_member(organisation, user=user, role=role, actor=None)
    _, raw = do_create_api_token(user, name="banc de charge", actor=user)
    people.append({"email": user.email, "slug": organisation.slug, "role": role.value, "token": raw})
print("BENCH-JSON" + json.dumps(people))
"""


def base_env(data_dir: Path, database_url: str) -> dict:
    # a clean environment, as a service manager gives, with the operator's bounds (to compare settings)
    kept = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "PILOTE_BACKGROUND_NICE"}
    env = {k: v for k, v in os.environ.items() if k in kept or k.startswith("PILOTE_DUCKDB_")}
    env.update(PILOTE_DATA_DIR=str(data_dir), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    return env


def production_env(data_dir: Path, database_url: str) -> dict:
    return base_env(data_dir, database_url) | {
        "PILOTE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PILOTE_TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str, timeout: int = 1800) -> str:
    started = time.monotonic()
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:2])} a échoué :\n{result.stderr[-3000:]}")
    print(f"  manage.py {' '.join(args[:2])}: {time.monotonic() - started:.1f} s", flush=True)
    return result.stdout


def recreate_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(data_dir: Path, database_url: str, sessions: int) -> list[dict]:
    if database_url.startswith("postgres"):
        recreate_postgres_database(database_url)
    demo = base_env(data_dir, database_url) | {"PILOTE_DEMO": "1"}
    manage(demo, "migrate", "--noinput", "-v0")
    manage(demo, "demo")
    manage(demo, "decp", "demo")
    setup = demo | {"BENCH_SESSIONS": str(sessions), "BENCH_PASSWORD": PASSWORD}
    out = manage(setup, "shell", "-c", SETUP_CODE)
    return json.loads(out.split("BENCH-JSON", 1)[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One browser: its cookies (Secure, so kept by hand over the loopback's HTTP) and its own client address."""

    def __init__(self, n: int, person: dict, base: str, record):
        self.n, self.person, self.base, self.record = n, person, base, record
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.15.{n // 250}.{n % 250 + 1}",
            "Origin": "https://" + urlsplit(base).netloc,
        }

    def request(self, page: str, method: str, path: str, expected: int = 200, **kwargs):
        headers = dict(self.headers)
        if self.cookies and "Authorization" not in kwargs.get("headers", {}):
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers |= kwargs.pop("headers", {})
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=180, **kwargs
            )
        except requests.RequestException as error:
            self.record(page, None, time.perf_counter() - started, expected, repr(error))
            return None
        self.record(page, response.status_code, time.perf_counter() - started, expected, "")
        for name, value in response.cookies.items():
            self.cookies[name] = value
        return response

    def login(self):
        self.request("connexion (formulaire)", "GET", "/connexion/")
        self.request(
            "connexion (envoi)",
            "POST",
            "/connexion/",
            expected=302,
            data={
                "email": self.person["email"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
            headers={"Referer": self.headers["Origin"] + "/connexion/"},
        )

    def walk(self, round_: int, uid: str):
        slug, word = self.person["slug"], WORDS[(self.n + round_) % len(WORDS)]
        self.request("accueil", "GET", "/", expected=302)
        self.request("accueil de l'organisation", "GET", f"/o/{slug}/")
        self.request("cockpit", "GET", f"/o/{slug}/cockpit/")
        self.request("explorateur (recherche)", "GET", f"/o/{slug}/explorer/?q={quote(word)}")
        self.request("préparer un achat", "GET", f"/o/{slug}/explorer/preparer/?objet={quote(word)}&montant=90000")
        self.request("page d'un contrat", "GET", f"/o/{slug}/explorer/contrats/{quote(uid, safe='')}/")
        self.request("fiches visa (liste)", "GET", f"/o/{slug}/fiches/")
        self.request("recensement", "GET", f"/o/{slug}/recensement/")
        self.request(
            "API contrats (jeton)",
            "GET",
            f"/api/v1/contrats?q={quote(word)}",
            headers={"Authorization": "Bearer " + self.person["token"]},
        )


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = Counter()
        self.unexpected = Counter()
        self.samples: list[str] = []

    def record(self, page, status, seconds, expected, error):
        with self.lock:
            self.times[page].append(seconds)
            if status is None or status >= 500:
                self.errors[page] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{page}: {status or error}")
            elif status != expected:
                self.unexpected[(page, status)] += 1

    def table(self) -> str:
        lines = ["| Page | Requests | Errors | p50 (ms) | p95 (ms) | max (ms) |", "|---|---|---|---|---|---|"]
        for page, times in self.times.items():
            ordered = sorted(times)
            p50, p95 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            lines.append(
                f"| {page} | {len(ordered)} | {self.errors[page]} | {p50 * 1000:.0f} | {p95 * 1000:.0f} "
                f"| {ordered[-1] * 1000:.0f} |"
            )
        return "\n".join(lines)


def all_at_once(sessions: list[Session], work) -> float:
    barrier = threading.Barrier(len(sessions))

    def run(session):
        barrier.wait()
        work(session)

    threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task")
    return {int(c) for task in tasks.iterdir() for c in (task / "children").read_text().split()}


def fresh_workers(server: subprocess.Popen, workers: int) -> None:
    """SIGHUP: gunicorn replaces every worker, as after a deployment or a crash. Returns as soon as only new
    workers are left (before they have answered anything), so that the next requests are their first."""
    old = children(server.pid)
    server.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = children(server.pid)
        if len(now) == workers and not now & old:
            return
        time.sleep(0.05)
    sys.exit("gunicorn n'a pas remplacé ses processus")


def wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté (code {server.returncode})")
        try:
            requests.get(base + "/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    sys.exit("gunicorn ne répond pas")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--database-url", default="", help="défaut : SQLite dans le dossier temporaire")
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire")
    args = parser.parse_args()
    load_before = os.getloadavg()
    data_dir = Path(tempfile.mkdtemp(prefix="pilote-banc-"))
    database_url = args.database_url or f"sqlite:///{data_dir / 'db.sqlite3'}"
    print(f"Préparation ({data_dir}, {database_url.split('@')[-1]})", flush=True)
    people = prepare(data_dir, database_url, args.sessions)
    env = production_env(data_dir, database_url)
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120"]
    server = subprocess.Popen(gunicorn, cwd=BASE_DIR, env=env, stderr=open(data_dir / "gunicorn.log", "w"))  # noqa: SIM115
    try:
        wait_ready(base, server)
        results = Results()
        sessions = [Session(n, person, base, results.record) for n, person in enumerate(people)]
        login_s = all_at_once(sessions, Session.login)
        probe = sessions[0].request(
            "API contrats (jeton)", "GET", "/api/v1/contrats?q=travaux",
            headers={"Authorization": "Bearer " + people[0]["token"]},
        )  # fmt: skip
        uid = probe.json()["resultats"][0]["contrat_uid"]
        load_during = []
        walk_s = 0.0
        for round_ in range(args.rounds):
            walk_s += all_at_once(sessions, lambda s, r=round_: s.walk(r, uid))
            load_during.append(os.getloadavg()[0])
            print(f"  tour {round_ + 1}/{args.rounds} : {walk_s:.1f} s", flush=True)
        restart = Results()
        for s in sessions:
            s.record = restart.record
        for attempt in range(args.restarts):
            fresh_workers(server, args.workers)
            salt = secrets.token_hex(3)  # words never asked before: nothing answered from a cache
            all_at_once(
                sessions,
                lambda s, salt=salt, attempt=attempt: s.request(
                    "préparer un achat, juste après un redémarrage",
                    "GET",
                    f"/o/{s.person['slug']}/explorer/preparer/?objet="
                    + quote(f"{WORDS[s.n % len(WORDS)]} {WORDS[(s.n + attempt) % len(WORDS)]} {salt}"),
                ),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()
    total = sum(len(t) for t in results.times.values())
    print()
    print(
        f"Sessions: {args.sessions}, rounds: {args.rounds}, gunicorn {args.workers} workers × {args.threads} threads"
    )
    print(f"Database: {database_url.split(':')[0]}; logins {login_s:.1f} s; walk {walk_s:.1f} s")
    print(f"Load average before {load_before[0]:.1f}, during the walk {load_during}, after {load_after[0]:.1f}")
    print(f"Requests {total}, errors {sum(results.errors.values())}; unexpected statuses {dict(results.unexpected)}")
    print(results.table())
    print()
    print(
        f"Restarts: {args.restarts}, requests {sum(len(t) for t in restart.times.values())}, "
        f"errors {sum(restart.errors.values())}; unexpected {dict(restart.unexpected)}"
    )
    print(restart.table())
    for sample in results.samples + restart.samples:
        print("  error:", sample)
    if args.keep:
        print(f"Kept: {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(1 if results.errors or restart.errors else 0)


if __name__ == "__main__":
    main()
