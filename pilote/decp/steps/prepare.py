"""Step 6, prepare: the derived artefacts other apps register (pilote.decp.hooks.register_preparer: the cockpit's
DuckDB file, the search index…) are built INTO the new generation's directory while it is still unpublished, so
that they appear with it atomically and are never those of another generation (decision 0005)."""

from pilote.decp import hooks, store


# Preparers side by side when the import changed a published generation: each then updates its artefact for the
# changed contracts (small memory), and a monthly file's update left a core idle half the time when they ran one
# after the other (the cockpit file's update is many small statements and a checkpoint): at 1.6 M, the cockpit
# file's 5 s hide the index's 1 s. A whole build (first import, `decp rebuild`) runs them one after the other:
# each is bounded by its own budget, and side by side their peaks added up (1.9 GB at 1.6 M, session 16).
SIDE_BY_SIDE = 2


def prepare(generation_dir, *, enabled=True, ahead=None):
    """Run every registered preparer on `generation_dir`; returns their names (recorded in the manifest).

    Raises hooks.PreparationFailed (an ImportFailed) on the first failure: the caller removes the unpublished
    generation. `enabled=False` (`decp import --sans-preparations`, the import benchmark) publishes the data
    without its artefacts: the apps then build them lazily, as they do for a generation written before them.
    `ahead`: the preparers' work started with the reading (hooks.Ahead), or None."""
    if not enabled:
        return []
    incremental = store.changes(generation_dir) is not None
    hooks.run_preparers(generation_dir, workers=SIDE_BY_SIDE if incremental else 1, ahead=ahead)
    return hooks.preparer_names()
