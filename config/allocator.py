"""Allocator settings of the processes that import DECP files, set before anything loads Polars.

Polars allocates through its own jemalloc, which keeps the pages a step frees to reuse them later. An import frees
gigabytes between its steps (the read, the identity, the tables), so at the national scale those pages stayed
resident under the next steps and set the import's peak: 1.6 M records, 1.66-1.89 GB for the whole command
(issue 16's bound: 1.5 GB). Returned to the system at once, the peak is 1.23 GB for ~20 % more time
(docs/decisions/0022-memoire-des-processus.md). jemalloc reads `_RJEM_MALLOC_CONF` once, when Polars is first
loaded: hence here, called by manage.py before Django. Polars itself writes its defaults into that variable when
it is imported, so a parent process that loaded Polars (a bench, `manage.py serve`) passes them on: our setting
is appended, and jemalloc takes the last value of an option. `PILOTE_IMPORT_MALLOC_CONF` replaces it (empty: none).
"""

import os


# The commands that run imports: `decp` (import, rebuild) and the background task worker (imports from the page).
IMPORTING_COMMANDS = frozenset({"decp", "worker"})
RETURN_FREED_PAGES = "dirty_decay_ms:0,muzzy_decay_ms:0"


def tune_for(argv: list[str], environ=os.environ) -> None:
    """Set Polars' allocator to return freed pages at once when `argv` runs an importing command."""
    if len(argv) < 2 or argv[1] not in IMPORTING_COMMANDS:
        return
    ours = environ.get("PILOTE_IMPORT_MALLOC_CONF", RETURN_FREED_PAGES)
    if ours:
        current = environ.get("_RJEM_MALLOC_CONF")
        environ["_RJEM_MALLOC_CONF"] = f"{current},{ours}" if current else ours
