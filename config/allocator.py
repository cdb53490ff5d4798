"""Allocator settings of the processes that import DECP files, set before anything loads Polars.

Polars allocates through its own jemalloc, which keeps the pages a step frees to reuse them later. An import frees
gigabytes between its steps (the read, the identity, the tables), so at the national scale those pages stayed
resident under the next steps and set the import's peak: 1.6 M records, 1.66-1.89 GB for the whole command
(issue 16's bound: 1.5 GB). Returned to the system at once, the peak is 1.23 GB for ~20 % more time
(docs/decisions/0022-memoire-des-processus.md). jemalloc reads `_RJEM_MALLOC_CONF` once, when Polars is first
loaded: hence here, called by manage.py before Django. Polars itself writes its defaults into that variable when
it is imported, so a parent process that loaded Polars (a bench, `manage.py serve`) passes them on: our setting
is appended, and jemalloc takes the last value of an option. `PILOTE_IMPORT_MALLOC_CONF` replaces it (empty: none).

A small file (`decp import` of local uncompressed files under SMALL_IMPORT_BYTES: a monthly file) keeps freed pages
for 20 ms instead: its passes over a national store free and reallocate the same few hundred MB step after step,
and faulting them back in each time cost ~20 % of the update. Measured on the 30 k-record monthly file into the
1.6 M store (session 15, quick runs on 2 cores): immediate return 16.3 s / 873 MiB peak; 10-50 ms 12.8-13.7 s /
966-1,010 MiB; 200 ms with jemalloc's background thread 14.3 s / 1,103 MiB. A national file keeps the immediate
return: with 50 ms its 1.6 M import took 111 s instead of 132 s but peaked at 1,549 MiB (bound: 1.5 GB).
"""

import os


# The commands that run imports: `decp` (import, rebuild) and the background task worker (imports from the page).
IMPORTING_COMMANDS = frozenset({"decp", "worker"})
RETURN_FREED_PAGES = "dirty_decay_ms:0,muzzy_decay_ms:0"
SHORT_REUSE = "dirty_decay_ms:20,muzzy_decay_ms:0"
SMALL_IMPORT_BYTES = 128 * 2**20
# options of `decp import` followed by a value (pilote/decp/management/commands/decp.py); an unknown one only
# makes a file count as big, which is the safe side
_VALUED = frozenset({"--source", "--format", "--workers"})
_COMPRESSED = (".gz", ".zip", ".xz", ".bz2", ".zst")


def tune_for(argv: list[str], environ=os.environ) -> None:
    """Set Polars' allocator to return freed pages at once when `argv` runs an importing command."""
    if len(argv) < 2 or argv[1] not in IMPORTING_COMMANDS:
        return
    ours = environ.get("PILOTE_IMPORT_MALLOC_CONF", SHORT_REUSE if small_import(argv) else RETURN_FREED_PAGES)
    if ours:
        current = environ.get("_RJEM_MALLOC_CONF")
        environ["_RJEM_MALLOC_CONF"] = f"{current},{ours}" if current else ours


def small_import(argv: list[str]) -> bool:
    """Whether `argv` is `decp import` of local uncompressed files totalling less than SMALL_IMPORT_BYTES (an
    address, a compressed file or anything unreadable counts as big)."""
    if argv[1:3] != ["decp", "import"]:
        return False
    inputs, value_next = [], False
    for arg in argv[3:]:
        if value_next:
            value_next = False
        elif arg.startswith("-"):
            value_next = arg in _VALUED
        else:
            inputs.append(arg)
    total = 0
    for name in inputs:
        if name.lower().endswith(_COMPRESSED) or not os.path.isfile(name):
            return False
        total += os.path.getsize(name)
    return bool(inputs) and total < SMALL_IMPORT_BYTES
