"""Background work runs at a lower priority than the web (PILOTE_BACKGROUND_NICE): checked in child processes,
since a niceness once raised cannot be lowered back by the test process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, django
django.setup()
from django.core.management import call_command
from pilote.core.priority import lower_priority
{body}
"""


def run(body: str, tmp_path, nice: str = "7") -> str:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PILOTE_BACKGROUND_NICE": nice,
        "PILOTE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(body=body)], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(os.nice(0) >= 7, reason="the test process already runs at niceness 7 or more")
def test_lower_priority_raises_niceness_and_children_inherit_it(tmp_path):
    out = run(
        "print(lower_priority()); import subprocess, sys; "
        "print(subprocess.run([sys.executable, '-c', 'import os; print(os.nice(0))'], "
        "capture_output=True, text=True).stdout.strip())",
        tmp_path,
    )
    assert out.split() == ["7", "7"]


@pytest.mark.skipif(os.nice(0) >= 7, reason="the test process already runs at niceness 7 or more")
def test_lower_priority_never_lowers_it(tmp_path):
    assert run("os.nice(9); print(lower_priority())", tmp_path) == "9"


@pytest.mark.skipif(os.nice(0) >= 7, reason="the test process already runs at niceness 7 or more")
def test_decp_import_runs_at_the_background_niceness(tmp_path):
    """The command lowers its priority before processing (here on a file it refuses: the niceness is set first)."""
    body = (
        "from django.core.management.base import CommandError\n"
        "try:\n    call_command('decp', 'import', '/nonexistent/file.json')\n"
        "except (CommandError, SystemExit):\n    pass\n"
        "print(os.nice(0))"
    )
    assert run(body, tmp_path).splitlines()[-1] == "7"
