"""Work that other apps need done once a new DECP generation is in service (e.g. the explorer's search index).

Apps register a function in their AppConfig.ready. The import task and `manage.py decp import` call them after
a successful import, so that the first web request after an import does not pay for it. A failing hook never
undoes the import: it is logged and reported, and the app falls back to building lazily."""

import logging


logger = logging.getLogger("pilote.decp")

_AFTER_IMPORT: list = []


def register_after_import(function) -> None:
    if function not in _AFTER_IMPORT:
        _AFTER_IMPORT.append(function)


def run_after_import(report: dict) -> list[str]:
    """Run every registered hook when the import changed the store; returns French problem messages."""
    if report.get("statut") == "deja_importe":
        return []
    problems = []
    for function in _AFTER_IMPORT:
        try:
            function()
        except Exception as error:  # one app's preparation must not hide the import's success
            logger.exception("preparation apres import", extra={"hook": function.__qualname__})
            problems.append(f"Préparation après import « {function.__qualname__} » en échec : {error}")
    return problems
