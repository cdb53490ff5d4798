"""Production as the README deploys it: collectstatic passes, `check --deploy` is clean, gunicorn started with
PILOTE_ENV=production serves pages (with their security headers) and static files; and production refuses to
start with the development key, demo mode or DEBUG (WSGI and management commands), in French."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings


BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable


def production_env(data_dir: Path, **extra) -> dict:
    # a clean environment, as a service manager gives: nothing of the test run (DJANGO_ALLOW_ASYNC_UNSAFE set by
    # the browser tests, DATABASE_URL of the test database, ...) may leak into the production processes
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ"}}
    env.update(
        PILOTE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PILOTE_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PILOTE_TRUSTED_PROXIES="127.0.0.1",
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str):
    # as nginx forwards it: HTTPS at the proxy, plain HTTP to gunicorn
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, dict(response.headers), response.read()


def wait_for(url: str, process: subprocess.Popen, deadline: float):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn s'est arrêté (code {process.returncode})")
        try:
            return fetch(url)
        except OSError:
            time.sleep(0.3)
    pytest.fail("gunicorn ne répond pas")


def test_production_deployment_serves_pages_end_to_end(tmp_path):
    started = time.monotonic()
    env = production_env(tmp_path)
    collected = manage(env, "collectstatic", "--noinput", "-v0", timeout=180)
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    migrated = manage(env, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    deploy = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "no issues" in deploy.stdout + deploy.stderr

    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        status, headers, body = wait_for(f"http://127.0.0.1:{port}/connexion/", server, time.monotonic() + 60)
        assert status == 200
        assert "Connexion" in body.decode()
        assert "Strict-Transport-Security" in headers
        assert headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "camera=()" in headers["Permissions-Policy"]
        for path in ("/public/", "/api/v1/docs"):
            assert fetch(f"http://127.0.0.1:{port}{path}")[0] == 200
        # the page links to the hashed, collected static files, and they are served
        css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
        assert fetch(f"http://127.0.0.1:{port}{css}")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert time.monotonic() - started < 240


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"SECRET_KEY": settings.DEV_SECRET_KEY}, "clé de développement"),
        ({"PILOTE_DEMO": "1"}, "mode démonstration"),
        ({"DEBUG": "1"}, "DEBUG"),
    ],
)
def test_management_commands_refuse_unsafe_production(tmp_path, extra, reason):
    result = manage(production_env(tmp_path, **extra), "migrate", "--check", timeout=60)
    assert result.returncode == 1
    assert "Pilote refuse de démarrer en production" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_to_start_with_the_development_key(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=settings.DEV_SECRET_KEY)
    result = subprocess.run(
        [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "clé de développement" in result.stderr
