"""Step 6, prepare: the derived artefacts other apps register (pilote.decp.hooks.register_preparer: the cockpit's
DuckDB file, the search index…) are built INTO the new generation's directory while it is still unpublished, so
that they appear with it atomically and are never those of another generation (decision 0005)."""

from pilote.decp import hooks


def prepare(generation_dir, *, enabled=True):
    """Run every registered preparer on `generation_dir`; returns their names (recorded in the manifest).

    Raises hooks.PreparationFailed (an ImportFailed) on the first failure: the caller removes the unpublished
    generation. `enabled=False` (`decp import --sans-preparations`, the import benchmark) publishes the data
    without its artefacts: the apps then build them lazily, as they do for a generation written before them."""
    if not enabled:
        return []
    hooks.run_preparers(generation_dir)
    return hooks.preparer_names()
