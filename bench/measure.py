"""Memory of a running command, read from /proc (no psutil: not a dependency of the project).

`run_measured(cmd)` runs a command and samples its whole process tree (the command and every worker it forks)
every 0.1 s: the peak of the tree's summed VmRSS (sampled, so a spike shorter than the period can be missed),
and the largest VmHWM any single process of the tree reached (exact: the kernel keeps each process's high-water
mark, read at every sample until the process exits). `proc_status(pid)` gives the memory lines of one process
(VmRSS, VmHWM, RssAnon, RssFile, RssShmem) in MB, as the serving benchmark reports each web worker.
"""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path


FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")


def cached_bytecode(cache_dir) -> bool:
    """Let the measured commands (children of this process) cache their compiled bytecode, as Python does by
    default in every deployment: an environment with PYTHONDONTWRITEBYTECODE (the benchmarks' machine sets it)
    recompiles the 278 modules a command imports at each start, ~0.5 s of a monthly update's 1.1-1.2 s start-up
    (measured session 18). The cache goes under `cache_dir` (PYTHONPYCACHEPREFIX): the checkout stays clean.
    Returns whether the environment was changed."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return False
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(cache_dir) / "pycache"))
    return True


_FIELD = re.compile(r"^(\w+):\s+(\d+) kB", re.M)


def proc_status(pid: int) -> dict | None:
    """Memory lines of /proc/<pid>/status in MB (None when the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {name: int(kb) / 1024 for name, kb in _FIELD.findall(text) if name in FIELDS}
    return values or None


def children(pid: int) -> set[int]:
    """Direct children of a process (every thread's list: a child forked by a thread is listed under it)."""
    found = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                found.update(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    except OSError:
        pass
    return found


def tree(pid: int) -> set[int]:
    """A process and all its descendants."""
    seen, stack = {pid}, [pid]
    while stack:
        for child in children(stack.pop()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


class TreeSampler:
    """Samples a process tree in a thread: peak summed VmRSS, largest single-process VmHWM, a timeline."""

    def __init__(self, pid: int, period: float = 0.1):
        self.pid, self.period = pid, period
        self.peak_tree_mb = 0.0
        self.max_process_hwm_mb = 0.0
        self.max_processes = 0
        self.timeline: list[tuple[float, float]] = []  # (seconds since start, tree RSS MB), one point a second
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()

    def _run(self):
        last_point = -1.0
        while not self._done.is_set():
            pids = tree(self.pid)
            total = 0.0
            for pid in pids:
                status = proc_status(pid)
                if status:
                    total += status.get("VmRSS", 0)
                    self.max_process_hwm_mb = max(self.max_process_hwm_mb, status.get("VmHWM", 0))
            self.peak_tree_mb = max(self.peak_tree_mb, total)
            self.max_processes = max(self.max_processes, len(pids))
            elapsed = time.monotonic() - self._started
            if elapsed - last_point >= 1.0:
                self.timeline.append((round(elapsed, 1), round(total)))
                last_point = elapsed
            self._done.wait(self.period)


def run_measured(cmd, env=None, cwd=None):
    """Run cmd to completion; returns dict(wall_s, peak_mb (tree sum), max_process_hwm_mb, stdout, timeline).
    Exits with the command's stderr when it fails."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    wall = time.monotonic() - started
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"échec de {' '.join(map(str, cmd))}")
    return {
        "wall_s": wall,
        "peak_mb": sampler.peak_tree_mb,
        "max_process_hwm_mb": sampler.max_process_hwm_mb,
        "max_processes": sampler.max_processes,
        "timeline": sampler.timeline,
        "stdout": out.decode(),
    }


def wait_quiet(max_load: float = 2.0, timeout_s: float = 240.0) -> dict:
    """Wait until the 1-minute load average is at most `max_load` (issue 16 states the cockpit's targets « at
    load ≤ 2 »): after a national import the 2-core machine reads 2.3-2.9, and what runs then measures the tail
    of the import (its dirty pages written back, its processes exiting) as much as the code under test. The
    average decays with a 1-minute time constant, so the wait is ~10-60 s; past `timeout_s` the measure runs
    anyway, and the load it ran at is reported beside it. Returns {"load": reached, "waited_s": seconds}."""
    started = time.monotonic()
    while os.getloadavg()[0] > max_load and time.monotonic() - started < timeout_s:
        time.sleep(2.0)
    return {"load": round(os.getloadavg()[0], 2), "waited_s": round(time.monotonic() - started, 1)}
