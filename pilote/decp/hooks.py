"""What other apps add to a DECP import, registered in their AppConfig.ready (docs/decisions/0005-pipeline.md).

- A *preparer* builds a derived artefact of the contract data (the cockpit's DuckDB file, the search index…)
  INTO the new generation's directory, before it is published: the artefact appears atomically with the data
  it derives from, and is removed with it. It receives that directory (the generation is not current yet, so
  `store.current_generation_dir()` still names the previous one) and must not keep its absolute path (the
  directory is renamed when published). A failing preparer fails the import: nothing is published.
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
_AFTER_PUBLISH: list = []  # function(), run in registration order


class PreparationFailed(ImportFailed):
    """A preparer failed: the new generation is not published (an ImportFailed, so commands exit non-zero and
    the import task records the run as failed, with this French message)."""

    def __init__(self, name: str, error: BaseException):
        self.preparer = name
        super().__init__(f"La préparation « {name} » a échoué : {error}")


def register_preparer(name: str, function) -> None:
    """`function(generation_dir: pathlib.Path) -> None` writes its files into the unpublished generation."""
    _PREPARERS[name] = function


def register_after_publish(function) -> None:
    """`function() -> None` runs after the new generation became current."""
    if function not in _AFTER_PUBLISH:
        _AFTER_PUBLISH.append(function)


def preparer_names() -> list[str]:
    return list(_PREPARERS)


def run_preparers(generation_dir, workers: int = 1) -> None:
    """Run every preparer on the unpublished generation; raises PreparationFailed on the first failure. Each
    one's duration is logged: which artefact an import spends its preparation on.

    `workers` > 1: that many run side by side, in threads (each writes its own files, and their engines, DuckDB
    and Polars, release the interpreter); the first failure in registration order is raised once all ended."""
    generation_dir = Path(generation_dir)
    preparers = list(_PREPARERS.items())
    if workers <= 1:
        for name, function in preparers:
            _prepare(name, function, generation_dir)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preparation") as pool:
        futures = [pool.submit(_prepare, name, function, generation_dir) for name, function in preparers]
    for error in (future.exception() for future in futures):
        if error is not None:
            raise error


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
