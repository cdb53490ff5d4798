"""DuckDB over the DECP store: the only module of Pilote that imports duckdb.

One in-process DuckDB database per store generation, with one view per table of the current generation
(`contrats`, `titulaires`, `modifications`, `actes_sous_traitance`, `versions`, `copies`, `rejets`) reading
its Parquet file. When an import swaps CURRENT, the next call sees the new generation (the database is
rebuilt), so readers never mix two generations. Queries are always parametrised (`?` placeholders).
"""

import threading

import duckdb

from pilote.decp import store


class StoreMissing(LookupError):
    """No DECP generation has been imported yet."""


_lock = threading.Lock()
_state = {"key": None, "con": None}


def _connection():
    gen_dir = store.current_generation_dir()
    if gen_dir is None:
        raise StoreMissing("Aucune donnée DECP n'a encore été importée.")
    key = str(gen_dir)
    with _lock:
        if _state["key"] != key:
            con = duckdb.connect(":memory:")
            # Parquet footers are read once, not at every query (files of a generation never change).
            con.execute("SET parquet_metadata_cache = true")
            for table in store.TABLES:
                path = gen_dir / f"{table}.parquet"
                if path.exists():
                    # The path comes from the store (not from a request); DuckDB cannot bind a view's file name.
                    quoted = str(path).replace("'", "''")
                    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{quoted}')")  # noqa: S608
            # The previous database is not closed: a request may still hold a cursor on it.
            _state.update(key=key, con=con)
        # A cursor is a thread-safe handle on the shared database.
        return _state["con"].cursor()


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
            done = _state.setdefault("tables", {}).setdefault(_state["key"], set())
            for name, select in definitions:
                if name in done:
                    continue
                if not name.isidentifier():
                    raise ValueError(f"nom de table invalide : {name!r}")
                cur.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
                done.add(name)
    finally:
        cur.close()


def write_parquet(select: str, path) -> None:
    """Write the result of `select` (fixed fragments of the code) to a Parquet file of the current generation,
    through a temporary name and a rename, so that a reader sees the whole file or none."""
    import os
    from pathlib import Path

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    quoted = str(tmp).replace("'", "''")
    cur = _connection()
    try:
        cur.execute(f"COPY ({select}) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        cur.close()
    os.replace(tmp, path)
