"""DuckDB over the DECP store: the only module of Pilote that imports duckdb.

`Database` owns one in-process DuckDB database per store generation, with one view per table of the current
generation (`contrats`, `titulaires`, `modifications`, `actes_sous_traitance`, `versions`, `copies`, `rejets`)
reading its Parquet file. When an import swaps CURRENT, the next query sees the new generation (the database is
rebuilt), so readers never mix two generations. Queries are always parametrised (`?` placeholders), each is
timed into the log (`pilote.contracts.sql`) and bounded by a time limit (`PILOTE_QUERY_TIME_LIMIT_S`): a
pathological filter is interrupted and answers `QueryInterrupted` instead of holding a worker.

Tables prepared inside each generation (`write_database`, e.g. the cockpit's per-contract table) live in a
DuckDB file of the generation, attached read-only with a view per table: every web process shares it through
the OS page cache instead of holding its own copy in memory, and its indexes serve point lookups.
"""

import contextlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from pilote.contracts import sources
from pilote.decp import store, tables


class StoreMissing(LookupError):
    """No DECP generation has been imported yet."""


class QueryInterrupted(RuntimeError):
    """A query ran past the time limit and was interrupted."""


# The layout of the prepared tables is in the name: a file written by a version of Pilote whose tables differ
# is ignored (the app computes in memory until the next import writes the file again).
PREPARED_DB = "prepare-8.duckdb"
SLOW_QUERY_MS = 1000
# Rows per row group of the prepared tables (DuckDB's default: 122,880). The per-buyer tables are sorted by SIRET
# and an organisation's view reads a few thousand rows of them: with smaller groups the min/max of each group
# skips more, and a worker decodes and keeps fewer blocks (measured at 1.6 M: the peers' query 26 → 20 ms).
PREPARED_ROW_GROUP = 16_384
logger = logging.getLogger("pilote.contracts")
sql_logger = logging.getLogger("pilote.contracts.sql")


def _quoted(path) -> str:
    # Paths come from the store (never from a request); DuckDB cannot bind a view's or an attachment's file name.
    return str(path).replace("'", "''")


def _connect(memory_limit: str):
    """An in-memory DuckDB whose memory is bounded. DuckDB reads the attached prepared file into its own buffer
    pool (it does not map it), so without a bound a web worker keeps every block it ever read (the default
    limit is 80 % of the machine): at 1.6 M contracts, ~120 MB after a few hundred pages of one organisation,
    more with every other organisation's view, and the import's cockpit file took 1.83 GB. Past the bound, blocks of read-only files are dropped and re-read from the page cache,
    and large sorts or aggregates spill to a temporary directory of this process."""
    spill = Path(settings.PILOTE_DATA_DIR) / "tmp" / "duckdb" / str(os.getpid())
    spill.parent.mkdir(parents=True, exist_ok=True)  # DuckDB makes the last level only, when it spills
    return duckdb.connect(":memory:", config={"memory_limit": memory_limit, "temp_directory": str(spill)})


def _create_views(con, generation_dir: Path) -> set[str]:
    names = set()
    for table in store.TABLES:
        if tables.main_path(generation_dir, table).exists():
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {sources.source_sql(generation_dir, table)}")  # noqa: S608
            names.add(table)
    return names


def _attach_prepared(con, path) -> set[str]:
    """Attach the generation's prepared tables; a file this DuckDB cannot read (written by another version, or
    damaged) is skipped with a warning: the app then computes what it needs in memory, as without the file."""
    try:
        con.execute(f"ATTACH '{_quoted(path)}' AS prepare (READ_ONLY)")
        names = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'prepare'").fetchall()
        for (name,) in names:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM prepare.{name}")  # noqa: S608 (catalog names)
        return {name for (name,) in names}
    except duckdb.Error as error:
        logger.warning("fichier prepare illisible", extra={"fichier": str(path), "erreur": str(error)})
        return set()


class Watchdog:
    """Interrupts the cursors that run past their deadline, from one thread shared by every query. A thread per
    query (threading.Timer) cost ~0.4 ms each, ~10 ms on a cockpit page of two dozen queries; registering a
    deadline here is a dictionary entry, and the thread only wakes when a deadline is due (or once a second)."""

    IDLE_WAIT_S = 1.0

    def __init__(self):
        self._cond = threading.Condition()
        self._pending: dict[int, tuple[float, object]] = {}
        self._next = 0
        self._wake_at = 0.0
        self._thread = None

    def watch(self, cursor, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        with self._cond:
            self._next += 1
            self._pending[self._next] = (deadline, cursor)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="duckdb-watchdog", daemon=True)
                self._thread.start()
            elif deadline < self._wake_at:
                self._cond.notify()
            return self._next

    def release(self, token: int) -> None:
        with self._cond:
            self._pending.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token in [t for t, (deadline, _c) in self._pending.items() if deadline <= now]:
                    self._pending.pop(token)[1].interrupt()  # no reference kept: the cursor may go
                earliest = min((d for d, _c in self._pending.values()), default=now + self.IDLE_WAIT_S)
                self._wake_at = min(earliest, now + self.IDLE_WAIT_S)
                self._cond.wait(timeout=max(0.0, self._wake_at - now))


class Database:
    """The current generation's DuckDB database and the names of the relations it holds (views over the Parquet
    files and the prepared file, tables made by `ensure_tables`): known from what was created, never asked of
    the catalog."""

    def __init__(self):
        self._lock = threading.Lock()
        self._watchdog = Watchdog()
        self.reset()

    def reset(self) -> None:
        """Forget the open database (the next query opens the current generation again)."""
        self.key, self.con, self.names, self.prepared_seen = None, None, set(), False

    def snapshot(self) -> tuple:
        return self.key, self.con, set(self.names), self.prepared_seen

    def restore(self, snapshot: tuple) -> None:
        self.key, self.con, self.names, self.prepared_seen = snapshot

    def cursor(self):
        # A cursor is a thread-safe handle on the shared database.
        return self._current().cursor()

    def _current(self):
        """The current generation's database, opened (or re-opened) when needed."""
        gen_dir = store.current_generation_dir()
        if gen_dir is None:
            raise StoreMissing("Aucune donnée DECP n'a encore été importée.")
        key, prepared = str(gen_dir), gen_dir / PREPARED_DB
        with self._lock:
            # Rebuilt for a new generation, and once more when the prepared file appears after this process
            # opened the generation (a generation published by an older version, prepared afterwards).
            if self.key != key or (not self.prepared_seen and prepared.exists()):
                con = _connect(settings.PILOTE_DUCKDB_MEMORY_LIMIT)
                # Parquet footers are read once, not at every query (files of a generation never change).
                con.execute("SET parquet_metadata_cache = true")
                names = _create_views(con, gen_dir)
                seen = prepared.exists()
                if seen:
                    names |= _attach_prepared(con, prepared)
                # The previous database is not closed: a request may still hold a cursor on it.
                self.key, self.con, self.names, self.prepared_seen = key, con, names, seen
            return self.con

    def fetch_all(self, sql: str, params=None, *, time_limit_s: float | None = None) -> list[dict]:
        """Run one parametrised query; rows as dicts. Interrupted past the time limit (QueryInterrupted)."""
        limit = time_limit_s or settings.PILOTE_QUERY_TIME_LIMIT_S
        cur = self.cursor()
        started = time.perf_counter()
        token = self._watchdog.watch(cur, limit)
        try:
            cur.execute(sql, list(params or []))
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        except duckdb.InterruptException as error:
            sql_logger.warning("requete interrompue", extra={"limite_s": limit, "sql": sql[:300]})
            raise QueryInterrupted(
                f"Le calcul a dépassé le temps maximal de {limit:g} s et a été interrompu : restreignez les filtres."
            ) from error
        finally:
            self._watchdog.release(token)
            cur.close()
        elapsed = (time.perf_counter() - started) * 1000
        level = logging.WARNING if elapsed >= SLOW_QUERY_MS else logging.DEBUG
        sql_logger.log(level, "requete", extra={"duree_ms": round(elapsed, 1), "lignes": len(rows), "sql": sql[:300]})
        return rows

    def ensure_tables(self, definitions) -> None:
        """Create, once per generation, in-memory tables derived from the store: `definitions` is a list of
        (table name, SELECT) built from fixed fragments of the code (the cockpit's pre-computed flags)."""
        cur = self.cursor()
        try:
            with self._lock:
                for name, select in definitions:
                    if name in self.names:
                        continue
                    if not name.isidentifier():
                        raise ValueError(f"nom de table invalide : {name!r}")
                    cur.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
                    self.names.add(name)
        finally:
            cur.close()

    def has_relation(self, name: str) -> bool:
        """Whether a table or view of that name exists in the current generation's database."""
        self._current()  # no cursor: a page asks this a dozen times
        return name in self.names


database = Database()


def has_store() -> bool:
    return store.current_generation_dir() is not None


def fetch_all(sql: str, params=None, *, time_limit_s: float | None = None) -> list[dict]:
    return database.fetch_all(sql, params, time_limit_s=time_limit_s)


def fetch_one(sql: str, params=None) -> dict:
    rows = fetch_all(sql, params)
    return rows[0] if rows else {}


def ensure_tables(definitions) -> None:
    database.ensure_tables(definitions)


def has_relation(name: str) -> bool:
    return database.has_relation(name)


@contextlib.contextmanager
def _writing_prepared(generation_dir: Path, base_file=None, copied=None):
    """A connection with the generation's Parquet views and its prepared file being written attached as `neuf`
    (under a temporary name; a copy of `base_file` when given: `copied`, an AheadCopy of it, when there is one).
    Renamed into place when the block ends, removed when it fails: a reader sees the whole file or none.

    An update (a copy of `base_file`) is bounded to PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT, below the whole write's:
    it reads the groups of the changed contracts, and with the whole write's bound (768 MB then) DuckDB kept the
    blocks it had read until the import peaked at 994 MB at 1.6 M (a monthly file's target is 1 GB). Measured on
    the three preparers of that update, two runs each: 384 MB, 10.2-11.0 s and 820 MB; 768 MB, 10.0-11.7 s and
    892-897 MB; 256 MB (one run) 11.1 s."""
    path = generation_dir / PREPARED_DB
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    limit = settings.PILOTE_DUCKDB_BUILD_MEMORY_LIMIT
    if base_file is not None:
        if copied is not None and copied.copy_of(base_file):
            os.replace(copied.path, tmp)  # made while the import read its files (`copy_ahead`)
        else:
            store.clone_file(base_file, tmp)
        limit = settings.PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT
    con = _connect(limit)
    try:
        if base_file is not None:
            # one checkpoint, at DETACH: DuckDB's automatic one (WAL past 16 MB) came in the middle of an update
            # whenever no other statement ran, and wrote the tables changed so far, then again at the end
            con.execute("SET checkpoint_threshold = '1TB'")
        _create_views(con, generation_dir)
        con.execute(f"ATTACH '{_quoted(tmp)}' AS neuf (ROW_GROUP_SIZE {PREPARED_ROW_GROUP})")
        yield con
        started = time.perf_counter()
        con.execute("DETACH neuf")  # DuckDB's checkpoint: the written blocks compressed and flushed
        logger.info("fichier prepare detache", extra={"duree_s": round(time.perf_counter() - started, 3)})
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(tmp, path)


@dataclass(frozen=True)
class InPasses:
    """A table of `write_database` written in passes, one after the other: `select` once per row of `bounds` (a
    SELECT run when the table is reached, over the tables written before it), that row's values bound to its
    parameters; the first pass creates the table, the next ones append to it in order."""

    select: str
    bounds: str


def write_database(generation_dir, tables, chains=()) -> Path:
    """Write a generation's prepared-tables file: `tables` is a list of (name, SELECT or InPasses, indexed
    column or None) built from fixed fragments of the code, written in order, over views of that generation's
    own Parquet files (it may not be published yet: the import prepares it before the swap); then each list of
    `chains` the same way, side by side, each on a cursor of its own (they read what `tables` wrote and write
    tables of their own). Written under a temporary name then renamed (a reader sees the whole file or none)."""
    generation_dir = Path(generation_dir)
    with _writing_prepared(generation_dir) as con:
        spent = _write_tables(con, tables)  # seconds per table, logged: which table a whole write spends its time on
        with ThreadPoolExecutor(max_workers=max(len(chains), 1), thread_name_prefix="fichier-prepare") as pool:
            written = [pool.submit(_write_tables, con.cursor(), chain) for chain in chains]
        for chain in written:
            spent += chain.result()  # a chain's DuckDB error is raised here
    logger.info("fichier prepare ecrit", extra={"tables": spent})
    return generation_dir / PREPARED_DB


def _write_tables(con, tables) -> list:
    """Write `tables` (write_database's) in order on `con`; returns (name, seconds) each."""
    spent = []
    for name, select, index in tables:
        if not name.isidentifier() or (index and not index.isidentifier()):
            raise ValueError(f"nom invalide : {name!r} / {index!r}")
        started = time.perf_counter()
        # a SELECT may read a table written before it in the same file as `{prepared}.<name>`
        passes = [()]  # one pass, no value bound
        if isinstance(select, InPasses):
            passes = con.execute(select.bounds.replace("{prepared}.", "neuf.")).fetchall()
            select = select.select
        for number, params in enumerate(passes):
            into = f"CREATE TABLE neuf.{name} AS" if number == 0 else f"INSERT INTO neuf.{name} BY NAME"
            con.execute(f"{into} {select.replace('{prepared}.', 'neuf.')}", list(params))
        if index:
            con.execute(f"CREATE INDEX {name}_{index} ON neuf.{name} ({index})")
        spent.append((name, round(time.perf_counter() - started, 3)))
    return spent


def engine_version() -> str:
    """DuckDB's version: part of the prepared file's signature (its hash() makes the row identifiers)."""
    return duckdb.__version__


def read_prepared(path, sql: str, params=None) -> list[dict]:
    """One parametrised query on a prepared file attached read-only as `prepare` (a published generation's,
    which web processes read: never opened for writing). [] when DuckDB cannot read it."""
    con = _connect(settings.PILOTE_DUCKDB_BUILD_MEMORY_LIMIT)
    try:
        con.execute(f"ATTACH '{_quoted(path)}' AS prepare (READ_ONLY)")
        cur = con.execute(sql, list(params or []))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    except duckdb.Error as error:
        logger.warning("fichier prepare illisible", extra={"fichier": str(path), "erreur": str(error)})
        return []
    finally:
        con.close()


class UpdateRefused(RuntimeError):
    """The updated copy failed its check: the caller writes the file whole instead."""


@dataclass(frozen=True)
class AheadCopy:
    """A copy of a published generation's prepared file made ahead of the import that will update it."""

    base_file: Path
    path: Path
    size: int

    def copy_of(self, base_file) -> bool:
        return Path(base_file) == self.base_file and self.path.exists() and self.path.stat().st_size == self.size


def copy_ahead(base_dir, scratch_dir) -> AheadCopy | None:
    """Work ahead of an update (pilote.decp.hooks.register_preparer): the published generation's file copied
    while the import reads its files, on the core the reading leaves idle. Where the file system cannot share
    blocks (ext4), copying the 559 MB file of a 1.6 M store takes 0.2-0.8 s of the monthly file's update, most
    of it in the kernel; on XFS or Btrfs the copy is a reflink and this gains nothing. The preparer renames the
    copy into the new generation (same file system: both are under the store's directory)."""
    base_file = Path(base_dir) / PREPARED_DB
    if not base_file.exists():
        return None
    path = Path(scratch_dir) / PREPARED_DB
    path.parent.mkdir(parents=True, exist_ok=True)
    store.clone_file(base_file, path)
    return AheadCopy(base_file, path, path.stat().st_size)


def update_database(generation_dir, base_file, uids: dict, statements, check: str, copied=None) -> Path:
    """Write a generation's prepared-tables file as a COPY of `base_file` (the previous generation's, left
    untouched: web processes have it attached) changed by `statements` (prepared_update.Statements: SQL of
    fixed fragments, `{prepared}.` naming the copy, over views of the new generation's Parquet files; its chains
    run side by side, each on a cursor of its own). `uids`: name → list of contrat_uid, each a work table
    (`contrat_uid`) the statements read. `check`: a query of one boolean run last; False, or a DuckDB error,
    raises UpdateRefused and leaves nothing. Renamed into place as `write_database`. `copied`: `copy_ahead`'s copy
    of `base_file`, used instead of copying it now."""
    generation_dir = Path(generation_dir)
    try:
        with _writing_prepared(generation_dir, base_file, copied) as con:
            for name, values in uids.items():
                if not name.isidentifier():
                    raise ValueError(f"nom invalide : {name!r}")
                # a table of the in-memory database, not a temporary one: every cursor of the chains reads it
                con.execute(f"CREATE TABLE {name} AS SELECT unnest(CAST(? AS VARCHAR[])) AS contrat_uid", [values])
            spent = _run(con, statements.before)
            with ThreadPoolExecutor(max_workers=max(len(statements.chains), 1)) as pool:
                chains = [pool.submit(_run, con.cursor(), chain) for chain in statements.chains]
            for chain in chains:
                spent += chain.result()  # a chain's DuckDB error is raised here
            spent += _run(con, statements.after)
            logger.info("fichier prepare mis a jour", extra={"etapes": spent})
            if not con.execute(check.replace("{prepared}.", "neuf.")).fetchone()[0]:
                raise UpdateRefused("le fichier mis à jour ne correspond pas à la génération")
    except duckdb.Error as error:  # the update is an optimisation: the caller writes the file whole instead
        raise UpdateRefused(str(error)) from error
    return generation_dir / PREPARED_DB


def _run(con, sqls) -> list:
    """Run statements in order on `con`; returns (their first words, seconds) each: which table costs what."""
    spent = []
    for sql in sqls:
        started = time.perf_counter()
        con.execute(sql.replace("{prepared}.", "neuf."))
        spent.append((" ".join(sql.split()[:4]), round(time.perf_counter() - started, 3)))
    return spent
