"""Former home of the import run, kept as a thin compatible name for callers outside pilote.decp (analytics
and explorer tests, benchmarks): the import is now pilote.decp.pipeline."""

from pilote.decp.pipeline import new_run_id, run_import


__all__ = ["new_run_id", "run_import"]
