"""Allocator settings of the processes that import DECP files, set before anything loads Polars.

Polars allocates through its own jemalloc, which keeps the pages a step frees to reuse them later. An import frees
gigabytes between its steps (the read, the identity, the tables), so at the national scale those pages stayed
resident under the next steps and set the import's peak: 1.6 M records, 1.66-1.89 GB for the whole command
(issue 16's bound: 1.5 GB). Returned to the system at once, the peak is 1.23 GB for ~20 % more time
(docs/decisions/0022-memoire-des-processus.md). jemalloc reads `_RJEM_MALLOC_CONF` once, when Polars is first
loaded: hence here, called by manage.py before Django. An operator's own setting is kept.
"""

import os


# The commands that run imports: `decp` (import, rebuild) and the background task worker (imports from the page).
IMPORTING_COMMANDS = frozenset({"decp", "worker"})
RETURN_FREED_PAGES = "dirty_decay_ms:0,muzzy_decay_ms:0"


def tune_for(argv: list[str], environ=os.environ) -> None:
    """Set Polars' allocator to return freed pages at once when `argv` runs an importing command."""
    if len(argv) > 1 and argv[1] in IMPORTING_COMMANDS:
        environ.setdefault("_RJEM_MALLOC_CONF", RETURN_FREED_PAGES)
