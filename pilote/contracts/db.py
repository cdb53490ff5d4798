"""DuckDB over the DECP store: the only module of Pilote that imports duckdb.

One in-process DuckDB database per store generation, with one view per table of the current generation
(`contrats`, `titulaires`, `modifications`, `actes_sous_traitance`, `versions`, `copies`, `rejets`) reading
its Parquet file. When an import swaps CURRENT, the next call sees the new generation (the database is
rebuilt), so readers never mix two generations. Queries are always parametrised (`?` placeholders).

Tables prepared after an import (`write_database`, e.g. the cockpit's per-contract table) live in a DuckDB file
of the generation, attached read-only with a view per table: every web process shares it through the OS page
cache instead of holding its own copy in memory, and its indexes serve point lookups.
"""

import logging
import threading

import duckdb

from pilote.decp import store


class StoreMissing(LookupError):
    """No DECP generation has been imported yet."""


# The layout of the prepared tables is in the name: a file written by a version of Pilote whose tables differ
# is ignored (the app computes in memory until the next import writes the file again).
PREPARED_DB = "prepare-4.duckdb"
logger = logging.getLogger("pilote.contracts")
_lock = threading.Lock()
# The current generation's database and the names of the relations it holds (views over the Parquet files and
# the prepared file, tables made by ensure_tables): known from what was created, never asked of the catalog.
_state = {"key": None, "con": None, "names": set()}


def _connection():
    gen_dir = store.current_generation_dir()
    if gen_dir is None:
        raise StoreMissing("Aucune donnée DECP n'a encore été importée.")
    key = str(gen_dir)
    prepared = gen_dir / PREPARED_DB
    with _lock:
        # Rebuilt for a new generation, and once more when the prepared file appears after this process opened
        # the generation (a request served between the swap of CURRENT and the end of the after-import hook).
        if _state["key"] != key or (not _state.get("prepared_seen") and prepared.exists()):
            con = duckdb.connect(":memory:")
            # Parquet footers are read once, not at every query (files of a generation never change).
            con.execute("SET parquet_metadata_cache = true")
            names = set()
            for table in store.TABLES:
                path = gen_dir / f"{table}.parquet"
                if path.exists():
                    # The path comes from the store (not from a request); DuckDB cannot bind a view's file name.
                    quoted = str(path).replace("'", "''")
                    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{quoted}')")  # noqa: S608
                    names.add(table)
            seen = prepared.exists()
            if seen:
                names |= _attach_prepared(con, prepared)
            # The previous database is not closed: a request may still hold a cursor on it.
            _state.update(key=key, con=con, names=names, prepared_seen=seen)
        # A cursor is a thread-safe handle on the shared database.
        return _state["con"].cursor()


def _attach_prepared(con, path) -> set[str]:
    """Attach the generation's prepared tables; a file this DuckDB cannot read (written by another version, or
    damaged) is skipped with a warning: the app then computes what it needs in memory, as without the file."""
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS prepare (READ_ONLY)")
        names = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'prepare'").fetchall()
        for (name,) in names:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM prepare.{name}")  # noqa: S608 (catalog names)
        return {name for (name,) in names}
    except duckdb.Error as error:
        logger.warning("fichier prepare illisible", extra={"fichier": str(path), "erreur": str(error)})
        return set()


def has_store() -> bool:
    return store.current_generation_dir() is not None


def fetch_all(sql: str, params=None) -> list[dict]:
    """Run one parametrised query over the current generation; rows as dicts (column name → value)."""
    cur = _connection()
    try:
        cur.execute(sql, list(params or []))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def fetch_one(sql: str, params=None) -> dict:
    rows = fetch_all(sql, params)
    return rows[0] if rows else {}


def ensure_tables(definitions) -> None:
    """Create, once per generation, in-memory tables derived from the store: `definitions` is a list of
    (table name, SELECT) built from fixed fragments of the code (the cockpit's pre-computed flags)."""
    cur = _connection()
    try:
        with _lock:
            names = _state["names"]
            for name, select in definitions:
                if name in names:
                    continue
                if not name.isidentifier():
                    raise ValueError(f"nom de table invalide : {name!r}")
                cur.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
                names.add(name)
    finally:
        cur.close()


def has_relation(name: str) -> bool:
    """Whether a table or view of that name exists in the current generation's database."""
    _connection().close()  # opens (or re-opens) the current generation
    return name in _state["names"]


def write_database(tables) -> None:
    """Write the generation's prepared-tables file: `tables` is a list of (name, SELECT, indexed column or None)
    built from fixed fragments of the code, written in order. Written under a temporary name then renamed (a reader sees the whole
    file or none); the next query of this process attaches it."""
    import os

    gen_dir = store.current_generation_dir()
    if gen_dir is None:
        raise StoreMissing("Aucune donnée DECP n'a encore été importée.")
    path = gen_dir / PREPARED_DB
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    quoted = str(tmp).replace("'", "''")
    cur = _connection()
    try:
        cur.execute(f"ATTACH '{quoted}' AS neuf")
        try:
            for name, select, index in tables:
                if not name.isidentifier() or (index and not index.isidentifier()):
                    raise ValueError(f"nom invalide : {name!r} / {index!r}")
                # a SELECT may read a table written before it in the same file as `{prepared}.<name>`
                cur.execute(f"CREATE TABLE neuf.{name} AS {select.replace('{prepared}.', 'neuf.')}")
                if index:
                    cur.execute(f"CREATE INDEX {name}_{index} ON neuf.{name} ({index})")
        finally:
            cur.execute("DETACH neuf")
    finally:
        cur.close()
    os.replace(tmp, path)
    with _lock:
        _state.update(key=None, con=None)  # the next query opens the generation with the file attached
