"""What other apps add to a DECP import, registered in their AppConfig.ready (docs/decisions/0005-pipeline.md).

- A *preparer* builds a derived artefact of the contract data (the cockpit's DuckDB file, the search index…)
  INTO the new generation's directory, before it is published: the artefact appears atomically with the data
  it derives from, and is removed with it. It receives that directory (the generation is not current yet, so
  `store.current_generation_dir()` still names the previous one) and must not keep its absolute path (the
  directory is renamed when published). A failing preparer fails the import: nothing is published.
- A preparer may also register work *ahead*: what it can do from the published generation alone (copy the file
  it will update…), started with the import's reading when that import will update the published generation,
  in a thread beside the reading, which uses one core (`Ahead`). Its result is handed to the preparer.
- An *after-publish* function runs once the new generation is current (e.g. cache warming). It cannot undo the
  import: its failure is logged and reported, never raised.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pilote.decp.errors import ImportFailed


logger = logging.getLogger("pilote.decp")

_PREPARERS: dict = {}  # name → function(generation_dir: Path), run in registration order
_AHEAD: dict = {}  # name of a preparer → function(base_dir: Path, scratch_dir: Path) -> object
_AFTER_PUBLISH: list = []  # function(), run in registration order


class PreparationFailed(ImportFailed):
    """A preparer failed: the new generation is not published (an ImportFailed, so commands exit non-zero and
    the import task records the run as failed, with this French message)."""

    def __init__(self, name: str, error: BaseException):
        self.preparer = name
        super().__init__(f"La préparation « {name} » a échoué : {error}")


def register_preparer(name: str, function, ahead=None) -> None:
    """`function(generation_dir: pathlib.Path) -> None` writes its files into the unpublished generation.

    `ahead(base_dir, scratch_dir) -> object`, optional: work done from the published generation `base_dir` alone
    while the import reads (`Ahead`), writing only into `scratch_dir` (removed with the run); the preparer is
    then called as `function(generation_dir, ahead=result)`, `result` None when that work failed or did not run
    (a first import, a rebuild): the preparer must then do without it."""
    _PREPARERS[name] = function
    _AHEAD.pop(name, None)
    if ahead is not None:
        _AHEAD[name] = ahead


def register_after_publish(function) -> None:
    """`function() -> None` runs after the new generation became current."""
    if function not in _AFTER_PUBLISH:
        _AFTER_PUBLISH.append(function)


def preparer_names() -> list[str]:
    return list(_PREPARERS)


class Ahead:
    """The preparers' work ahead of an import that updates the published generation `base_dir`: one thread,
    started with the reading (one core: the other one is idle then), each preparer's in registration order, each
    in a directory of its own under `scratch_dir`. A failure is logged and gives None: the preparer does the
    work itself. `close()` waits for the thread (before the run's scratch directory is removed)."""

    def __init__(self, base_dir, scratch_dir):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="avance")
        # only for the preparers that will run (a test, or a command, may have left none)
        work = [(name, function) for name, function in _AHEAD.items() if name in _PREPARERS]
        self._futures = {
            name: self._pool.submit(_ahead, name, function, Path(base_dir), Path(scratch_dir) / str(number))
            for number, (name, function) in enumerate(work)
        }

    def result(self, name):
        future = self._futures.get(name)
        return future.result() if future is not None else None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _ahead(name, function, base_dir, scratch_dir):
    started = time.monotonic()
    try:
        scratch_dir.mkdir(parents=True, exist_ok=True)
        result = function(base_dir, scratch_dir)
    except Exception:  # an optimisation: the preparer does the work itself
        logger.exception("travail en avance en echec", extra={"preparateur": name})
        return None
    logger.info("travail en avance", extra={"preparateur": name, "duree_s": round(time.monotonic() - started, 2)})
    return result


def run_preparers(generation_dir, workers: int = 1, ahead: Ahead | None = None) -> None:
    """Run every preparer on the unpublished generation; raises PreparationFailed on the first failure. Each
    one's duration is logged: which artefact an import spends its preparation on.

    `workers` > 1: that many run side by side, in threads (each writes its own files, and their engines, DuckDB
    and Polars, release the interpreter); the first failure in registration order is raised once all ended.
    `ahead`: the work started ahead of this import (`Ahead`), handed to the preparers that registered some."""
    generation_dir = Path(generation_dir)
    preparers = [(name, _with_ahead(name, function, ahead)) for name, function in _PREPARERS.items()]
    if workers <= 1:
        for name, function in preparers:
            _prepare(name, function, generation_dir)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preparation") as pool:
        futures = [pool.submit(_prepare, name, function, generation_dir) for name, function in preparers]
    for error in (future.exception() for future in futures):
        if error is not None:
            raise error


def _with_ahead(name, function, ahead):
    """The preparer, handed its work ahead once it starts (waited for in its own thread, not before the others)."""
    if name not in _AHEAD:
        return function

    def run(generation_dir):
        return function(generation_dir, ahead=ahead.result(name) if ahead is not None else None)

    return run


def _prepare(name, function, generation_dir) -> None:
    started = time.monotonic()
    try:
        function(generation_dir)
    except Exception as error:  # any failure of another app's preparer fails the run, with its name
        logger.exception("preparation en echec", extra={"preparateur": name})
        raise PreparationFailed(name, error) from error
    logger.info("preparation", extra={"preparateur": name, "duree_s": round(time.monotonic() - started, 2)})


def run_after_publish(report: dict) -> list[str]:
    """Run every after-publish function when the import changed the store; returns French problem messages."""
    if report.get("statut") == "deja_importe":
        return []
    problems = []
    for function in _AFTER_PUBLISH:
        try:
            function()
        except Exception as error:  # the import is published and stands: report the problem, go on with the next
            logger.exception("apres publication en echec", extra={"hook": function.__qualname__})
            problems.append(f"Préparation après publication « {function.__qualname__} » en échec : {error}")
    return problems
