"""Allocator settings of the processes that import DECP files, set before anything loads Polars.

Polars allocates through its own jemalloc, which keeps the pages a step frees to reuse them later. An import frees
gigabytes between its steps (the read, the identity, the tables), so at the national scale those pages stayed
resident under the next steps and set the import's peak: 1.6 M records, 1.66-1.89 GB for the whole command
(issue 16's bound: 1.5 GB). Returned to the system at once, the peak is 1.23 GB for ~20 % more time
(docs/decisions/0022-memoire-des-processus.md). jemalloc reads `_RJEM_MALLOC_CONF` once, when Polars is first
loaded: hence here, called by manage.py before Django. Polars itself writes its defaults into that variable when
it is imported, so a parent process that loaded Polars (a bench, `manage.py serve`) passes them on: our setting
is appended, and jemalloc takes the last value of an option. `PILOTE_IMPORT_MALLOC_CONF` replaces it (empty: none).

Returning them at once (`dirty_decay_ms:0`) made every step fault its pages back in: ~20 % of the time. Since the
identity step stopped hashing every uid twice (session 15), a 20 ms delay fits the bound: measured on 2 cores,
1.63 M records pretty-printed, immediate return 132.8 s / 1,341 MiB peak, 20 ms 111.3 s / 1,228 MiB (with the
C heap trimmed after the read: pilote.decp.pipeline); the 30 k monthly file into the 1.6 M store, 16.3 s /
873 MiB → 12.8-14.9 s / 964-1,010 MiB. 50 ms (before the heap trim) peaked at 1,415 MiB on the national file,
200 ms with jemalloc's background thread at 1,103 MiB on the monthly one.

Since session 24, 1 s: the peaks had moved to the cockpit file's DuckDB write (bounded), and on a machine where a
page fault is dear (a Firecracker VM: ~4.7 µs per 4 KiB page touched again, 12 µs the first time) every step
faulted back the pages it had freed 20 ms before: the national pretty-printed import spent 43-47 s of system time
at 20 ms against 32-34 s at 1 s, for the same peak (1,387-1,399 against 1,398-1,406 MB); the monthly update's
peak stays under 1 GB (924-991 MiB against 862-910).
"""

import os


# The commands that run imports: `decp` (import, rebuild) and the background task worker (imports from the page).
IMPORTING_COMMANDS = frozenset({"decp", "worker"})
RETURN_FREED_PAGES = "dirty_decay_ms:1000,muzzy_decay_ms:0"


def tune_for(argv: list[str], environ=os.environ) -> None:
    """Set Polars' allocator to return freed pages within 1 s when `argv` runs an importing command."""
    if len(argv) < 2 or argv[1] not in IMPORTING_COMMANDS:
        return
    ours = environ.get("PILOTE_IMPORT_MALLOC_CONF", RETURN_FREED_PAGES)
    if ours:
        current = environ.get("_RJEM_MALLOC_CONF")
        environ["_RJEM_MALLOC_CONF"] = f"{current},{ours}" if current else ours
