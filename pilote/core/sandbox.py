"""Run a hostile-input parser in a child process with a memory and CPU limit, so that no file can take the
web worker (or the task worker) down with it.

A reader written in another language (python-calamine is Rust) aborts the whole process when an allocation
fails: a 1.5 KB XLSX whose two cells are A1 and XFD1048576 asks for 550 GB and kills the worker with SIGABRT;
a 3 MB ODS made of repeated cells takes 6 GB. No Python `try` catches that. So the parsing runs in
`python -m <module>` whose `__main__` calls `child_main(handler)`: the child sets RLIMIT_AS (address space) and
RLIMIT_CPU on itself first (setting them from the parent would need `preexec_fn`, unsafe in a threaded
server), reads the file on stdin, writes its JSON answer on stdout. Past a limit the child dies and the parent
raises `ChildFailed` with a French reason; the worker lives on.

The handler returns a JSON-serialisable object or raises `Refused(message)`: the message is handed back to the
parent as is (a French sentence naming the file or the cell)."""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path


MB = 1024 * 1024
DEFAULT_MEMORY_BYTES = 768 * MB
DEFAULT_CPU_SECONDS = 30
_ENV_MEMORY = "PILOTE_CHILD_MEMORY_BYTES"
_ENV_CPU = "PILOTE_CHILD_CPU_SECONDS"
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class Refused(Exception):
    """Raised by a child handler: the input is refused, `str(error)` says why in French."""


class ChildFailed(Exception):
    """The child refused the input (`refused`: its message is a whole French sentence) or died (memory, CPU
    time, crash: `str(error)` is a French reason to put in a sentence)."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


def run_module(
    module: str, data: bytes, *, memory_bytes: int = DEFAULT_MEMORY_BYTES, cpu_seconds: int = DEFAULT_CPU_SECONDS
):
    """Run `python -m module` with `data` on stdin under the limits; returns the handler's JSON answer."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": _PROJECT_ROOT,
        "PYTHONHASHSEED": "0",
        "LANG": "C.UTF-8",
        _ENV_MEMORY: str(int(memory_bytes)),
        _ENV_CPU: str(int(cpu_seconds)),
    }
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
            [sys.executable, "-s", "-m", module],
            input=data,
            capture_output=True,
            env=env,
            cwd=_PROJECT_ROOT,
            timeout=cpu_seconds * 2 + 5,  # CPU time bounds the work; wall time also bounds waiting on I/O
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ChildFailed("la lecture a pris trop de temps et a été interrompue") from error
    if done.returncode == 0:
        answer = json.loads(done.stdout)
        if "refused" in answer:
            raise ChildFailed(answer["refused"], refused=True)
        return answer["result"]
    raise ChildFailed(_reason(done.returncode, done.stderr))


def _reason(returncode: int, stderr: bytes) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "la lecture a pris trop de temps et a été interrompue"
    if returncode == -signal.SIGABRT or b"MemoryError" in stderr or b"memory allocation" in stderr:
        return "sa lecture demanderait trop de mémoire"
    return "il n'a pas pu être lu"


def _apply_limits() -> None:
    memory = int(os.environ.get(_ENV_MEMORY, DEFAULT_MEMORY_BYTES))
    cpu = int(os.environ.get(_ENV_CPU, DEFAULT_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def child_main(handler) -> None:
    """The child's entry point: limits first, then `handler(stdin bytes)`, its answer as JSON on stdout."""
    _apply_limits()
    data = sys.stdin.buffer.read()
    try:
        answer = {"result": handler(data)}
    except Refused as refusal:
        answer = {"refused": str(refusal)}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()
