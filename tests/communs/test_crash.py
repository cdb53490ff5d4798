"""The ledger never loses an entry nor keeps half of one: a process killed (SIGKILL) inside a transaction on a
SQLite file database leaves the committed approvals whole, the interrupted one absent, and a zero trial balance."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_sigkill_during_a_write_keeps_the_ledger_whole(tmp_path):
    database = tmp_path / "crash.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "PILOTE_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.communs.crash_writer", "3"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    lines = []
    for line in child.stdout:
        lines.append(line.strip())
        if line.strip() == "PAUSED":
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert lines == ["COMMITTED"] * 3 + ["PAUSED"]

    with sqlite3.connect(database) as db:
        (check,) = db.execute("PRAGMA integrity_check").fetchone()
        assert check == "ok"
        movements = db.execute("SELECT kind, debit_id, credit_id, amount, booking_id FROM communs_movement").fetchall()
        # the grant and the three committed approvals; the interrupted movement is gone
        assert sorted(m[0] for m in movements) == ["allocation", "reservation", "reservation", "reservation"]
        balances = {}
        for _, debit, credit, amount, _ in movements:
            balances[debit] = balances.get(debit, 0) - amount
            balances[credit] = balances.get(credit, 0) + amount
        assert sum(balances.values()) == 0
        approved = {row[0] for row in db.execute("SELECT id FROM communs_booking WHERE status = 'approuvee'")}
        charged = {m[4] for m in movements if m[0] == "reservation"}
        assert approved == charged
        assert len(approved) == 3
        assert db.execute("SELECT COUNT(*) FROM communs_booking WHERE status = 'demandee'").fetchone() == (1,)
